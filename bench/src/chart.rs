//! The chart: an SVG, written by hand (no plotting dependency), of every implementation's
//! time relative to hand-written sqlx — one panel per backend, one group of bars per
//! operation, on a logarithmic axis with sqlx at 1×. Shorter is faster.

use crate::imp::Which;
use crate::report::BackendResult;
use crate::workload::Sizes;
use std::fmt::Write;

const WIDTH: f64 = 980.0;
const LABEL_W: f64 = 280.0;
const PLOT_X: f64 = LABEL_W + 10.0;
const PLOT_W: f64 = WIDTH - PLOT_X - 70.0;
const BAR_H: f64 = 11.0;
const BAR_GAP: f64 = 2.0;
const GROUP_GAP: f64 = 12.0;
const BARS: [Which; 3] = [Which::Library, Which::SeaOrm, Which::Python];

fn color(which: Which) -> &'static str {
    match which {
        Which::Library => "#2563eb",
        Which::SeaOrm => "#d97706",
        Which::Sqlx => "#111827",
        Which::Python => "#059669",
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Axis ticks: 1-2-5 steps.
fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut decade = 10f64.powf(lo.log10().floor());
    while decade <= hi * 1.0001 {
        for step in [1.0, 2.0, 5.0] {
            let t = decade * step;
            if t >= lo * 0.9999 && t <= hi * 1.0001 {
                out.push(t);
            }
        }
        decade *= 10.0;
    }
    out
}

fn tick_label(t: f64) -> String {
    if t >= 1.0 {
        format!("{t:.0}×")
    } else {
        format!("{t}×")
    }
}

/// The SVG for `results`; `footer` says where and when it ran.
pub fn svg(results: &[BackendResult], sizes: &Sizes, footer: &str) -> String {
    let ratios: Vec<f64> = results
        .iter()
        .flat_map(|b| b.ops.iter())
        .flat_map(|op| BARS.iter().filter_map(|w| op.ratio(*w)))
        .filter(|r| r.is_finite() && *r > 0.0)
        .collect();
    let lowest = ratios.iter().copied().fold(1.0, f64::min);
    let highest = ratios.iter().copied().fold(2.0, f64::max);
    let lo = *[0.5, 0.2, 0.1, 0.05, 0.02, 0.01]
        .iter()
        .find(|t| **t <= lowest)
        .unwrap_or(&0.01);
    let hi = ticks(1.0, 1e6)
        .into_iter()
        .find(|t| *t >= highest)
        .unwrap_or(1e6);
    let x = |r: f64| PLOT_X + (r.max(lo).log10() - lo.log10()) / (hi.log10() - lo.log10()) * PLOT_W;

    let group_h = BARS.len() as f64 * (BAR_H + BAR_GAP) + GROUP_GAP;
    let panel_h = |b: &BackendResult| 48.0 + b.ops.len() as f64 * group_h;
    let height = 96.0 + results.iter().map(panel_h).sum::<f64>() + 40.0;

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        s,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>
<text x="16" y="28" font-size="17" font-weight="bold">advanced-alchemy: time relative to hand-written sqlx (log scale, shorter is faster)</text>"##
    );
    // legend
    let mut lx = 16.0;
    for which in BARS {
        let _ = writeln!(
            s,
            r#"<rect x="{lx}" y="44" width="14" height="11" fill="{}"/><text x="{}" y="54">{}</text>"#,
            color(which),
            lx + 20.0,
            escape(which.label())
        );
        lx += 28.0 + which.label().len() as f64 * 7.0;
    }
    let _ = writeln!(
        s,
        r#"<line x1="{lx}" y1="41" x2="{lx}" y2="58" stroke="{}" stroke-width="2"/><text x="{}" y="54">{} = 1×</text>"#,
        color(Which::Sqlx),
        lx + 8.0,
        escape(Which::Sqlx.label())
    );

    let mut y = 80.0;
    for backend in results {
        let top = y;
        let bottom = top + panel_h(backend) - 16.0;
        let _ = writeln!(
            s,
            r#"<text x="16" y="{}" font-size="14" font-weight="bold">{} — {}</text>"#,
            top + 14.0,
            backend.target.backend.label(),
            escape(&backend.target.server_version)
        );
        for t in ticks(lo, hi) {
            let tx = x(t);
            let (stroke, w) = if (t - 1.0).abs() < 1e-9 {
                (color(Which::Sqlx), 2.0)
            } else {
                ("#d1d5db", 1.0)
            };
            let _ = writeln!(
                s,
                r##"<line x1="{tx:.1}" y1="{:.1}" x2="{tx:.1}" y2="{bottom:.1}" stroke="{stroke}" stroke-width="{w}"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle" fill="#6b7280" font-size="10">{}</text>"##,
                top + 24.0,
                top + 34.0,
                tick_label(t)
            );
        }
        let mut gy = top + 40.0;
        for op in &backend.ops {
            let _ = writeln!(
                s,
                r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
                LABEL_W,
                gy + (BARS.len() as f64 * (BAR_H + BAR_GAP)) / 2.0 + 4.0,
                escape(&op.op.label(sizes))
            );
            for (i, which) in BARS.iter().enumerate() {
                let by = gy + i as f64 * (BAR_H + BAR_GAP);
                if let Some(r) = op.ratio(*which) {
                    let end = x(r);
                    let _ = writeln!(
                        s,
                        r#"<rect x="{PLOT_X}" y="{by:.1}" width="{:.1}" height="{BAR_H}" fill="{}"><title>{}: {r:.2}×</title></rect><text x="{:.1}" y="{:.1}" font-size="10">{r:.2}×</text>"#,
                        (end - PLOT_X).max(1.0),
                        color(*which),
                        escape(which.label()),
                        end + 4.0,
                        by + BAR_H - 1.5
                    );
                }
            }
            gy += group_h;
        }
        y += panel_h(backend);
    }
    let _ = writeln!(
        s,
        r##"<text x="16" y="{:.1}" fill="#6b7280" font-size="11">{}</text>"##,
        height - 16.0,
        escape(footer)
    );
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn ticks_step_one_two_five() {
        assert_eq!(super::ticks(0.5, 20.0), [0.5, 1.0, 2.0, 5.0, 10.0, 20.0]);
    }
}
