//! `latest.json`: the numbers of the tables (median, fastest, slowest and count of the
//! repetitions, in nanoseconds, and each ratio to sqlx), the sizes, the machine and every
//! version involved, and the worst ratio.

use crate::imp::Which;
use crate::report::{BackendResult, worst};
use crate::workload::Sizes;
use serde_json::{Map, Value, json};

pub struct RunInfo<'a> {
    pub mode: &'static str,
    pub sizes: Sizes,
    pub machine: Value,
    pub rust: Value,
    pub python: Value,
    pub results: &'a [BackendResult],
    pub seconds: f64,
}

fn nanos(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

pub fn to_json(run: &RunInfo<'_>) -> Value {
    let backends: Vec<Value> = run
        .results
        .iter()
        .map(|b| {
            let ops: Vec<Value> = b
                .ops
                .iter()
                .map(|op| {
                    let mut impls = Map::new();
                    for m in &op.measured {
                        impls.insert(
                            m.which.key().to_owned(),
                            json!({
                                "label": m.which.label(),
                                "median_ns": nanos(m.median()),
                                "min_ns": nanos(m.min()),
                                "max_ns": nanos(m.max()),
                                "reps": m.samples.len(),
                                "ratio_to_sqlx": op.ratio(m.which).map(|r| (r * 1000.0).round() / 1000.0),
                            }),
                        );
                    }
                    json!({
                        "op": op.op.key(),
                        "label": op.op.label(&run.sizes),
                        "implementations": impls,
                    })
                })
                .collect();
            json!({
                "backend": b.target.backend.key(),
                "server": b.target.server_version,
                "seconds": (b.seconds * 10.0).round() / 10.0,
                "operations": ops,
            })
        })
        .collect();
    let s = &run.sizes;
    json!({
        "generated_at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "mode": run.mode,
        "seconds": (run.seconds * 10.0).round() / 10.0,
        "machine": run.machine,
        "versions": { "rust": run.rust, "python": run.python },
        "sizes": {
            "seed_posts": s.seed_posts, "add_many": s.add_many, "page_limit": s.page_limit,
            "page_offset": s.page_offset, "upsert_many": s.upsert, "tags": s.tags,
            "update_many": s.update, "delete_many": s.delete,
        },
        "implementations": Which::ALL.iter().map(|w| json!({"key": w.key(), "label": w.label()})).collect::<Vec<_>>(),
        "backends": backends,
        "worst_ratio": worst(run.results).map(|(op, backend, r)| json!({
            "op": op.key(), "backend": backend, "ratio": (r * 100.0).round() / 100.0,
        })),
    })
}
