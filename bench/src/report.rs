//! What a run found, and how it is printed: per backend, per operation, each
//! implementation's median and its ratio to the sqlx limit; the targets checked
//! against those numbers; and the `worst-ratio` line.

use crate::backend::Target;
use crate::imp::Which;
use crate::runner::Measured;
use crate::workload::{Op, Sizes};
use std::fmt::Write;
use std::time::Duration;

/// One operation on one backend.
#[derive(Clone, Debug)]
pub struct OpResult {
    pub op: Op,
    pub measured: Vec<Measured>,
}

impl OpResult {
    pub fn get(&self, which: Which) -> Option<&Measured> {
        self.measured.iter().find(|m| m.which == which)
    }

    pub fn median(&self, which: Which) -> Option<Duration> {
        self.get(which).map(Measured::median)
    }

    /// `which`'s median over the sqlx median.
    pub fn ratio(&self, which: Which) -> Option<f64> {
        let sqlx = self.median(Which::Sqlx)?.as_secs_f64();
        let mine = self.median(which)?.as_secs_f64();
        (sqlx > 0.0).then(|| mine / sqlx)
    }
}

/// Everything measured on one backend.
#[derive(Clone, Debug)]
pub struct BackendResult {
    pub target: Target,
    pub ops: Vec<OpResult>,
    pub seconds: f64,
}

/// `1.23 ms`, `456.7 µs`, `2.34 s`.
pub fn duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

/// The table of one backend.
pub fn table(result: &BackendResult, sizes: &Sizes, impls: &[Which]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{} — {} (median per operation; ×: time over the sqlx time)",
        result.target.backend.label(),
        result.target.server_version
    );
    let _ = write!(out, "{:<40}", "operation");
    for which in impls {
        let _ = write!(out, "{:>24}", which.label());
    }
    out.push('\n');
    for op in &result.ops {
        let _ = write!(out, "{:<40}", op.op.label(sizes));
        for which in impls {
            let cell = match (op.median(*which), op.ratio(*which)) {
                (Some(m), Some(r)) if *which != Which::Sqlx => {
                    format!("{} {:>6}", duration(m), format!("{r:.2}x"))
                }
                (Some(m), _) => format!("{} {:>6}", duration(m), ""),
                _ => "-".to_owned(),
            };
            let _ = write!(out, "{cell:>24}");
        }
        out.push('\n');
    }
    out
}

/// The targets for this library, as lines saying which hold and which do not.
pub fn targets(results: &[BackendResult]) -> Vec<String> {
    let mut lines = Vec::new();
    for backend in results {
        let name = backend.target.backend.key();
        for op in &backend.ops {
            let Some(vs_sqlx) = op.ratio(Which::Library) else {
                continue;
            };
            let limit = match op.op {
                o if o.single_row() => Some(1.2),
                Op::AddMany | Op::UpsertMany => Some(1.3),
                _ => None,
            };
            if let Some(limit) = limit {
                let verdict = if vs_sqlx <= limit { "met " } else { "MISS" };
                lines.push(format!(
                    "{verdict} {name:<8} {:<20} {vs_sqlx:>7.2}x sqlx (target <= {limit:.1}x)",
                    op.op.key()
                ));
            }
            if let (Some(lib), Some(orm)) = (op.median(Which::Library), op.median(Which::SeaOrm)) {
                let r = lib.as_secs_f64() / orm.as_secs_f64().max(f64::MIN_POSITIVE);
                let verdict = if r <= 1.0 { "met " } else { "MISS" };
                lines.push(format!(
                    "{verdict} {name:<8} {:<20} {r:>7.2}x plain SeaORM (target <= 1.0x)",
                    op.op.key()
                ));
            }
            if matches!(
                op.op,
                Op::AddMany | Op::UpsertMany | Op::TagGetOrCreate | Op::UpdateMany | Op::DeleteMany
            ) && let (Some(lib), Some(py)) =
                (op.median(Which::Library), op.median(Which::Python))
            {
                let speedup = py.as_secs_f64() / lib.as_secs_f64().max(f64::MIN_POSITIVE);
                let verdict = if speedup >= 10.0 { "met " } else { "MISS" };
                lines.push(format!(
                    "{verdict} {name:<8} {:<20} {speedup:>7.1}x Python's throughput (target >= 10x)",
                    op.op.key()
                ));
            }
        }
    }
    lines
}

/// This library's worst ratio to sqlx: `(op, backend, ratio)`.
pub fn worst(results: &[BackendResult]) -> Option<(Op, &'static str, f64)> {
    results
        .iter()
        .flat_map(|b| {
            b.ops.iter().filter_map(move |op| {
                op.ratio(Which::Library)
                    .map(|r| (op.op, b.target.backend.key(), r))
            })
        })
        .max_by(|a, b| a.2.total_cmp(&b.2))
}
