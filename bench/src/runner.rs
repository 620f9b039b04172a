//! The measuring loop: for one operation, a warm-up repetition per implementation (not
//! recorded; it fills statement caches and tells how long a repetition takes), then
//! repetitions taken in rounds across the implementations, in a new (pseudo-random)
//! order each round, so drift in the database (autovacuum, the WAL, the page cache) and
//! in the machine (CPU caches another process evicted) falls on all of them alike. Each implementation
//! gets as many repetitions as fit its time budget, within the plan's bounds. Every
//! repetition is checked: all four must return the same number of rows.

use crate::Result;
use crate::fixtures::Fixtures;
use crate::imp::{Implementation, Trace, Which};
use crate::report::duration;
use crate::workload::{Op, Workload};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How many repetitions, and how long to spend per implementation and operation.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub min_reps: usize,
    pub budget: Duration,
}

impl Plan {
    pub const FULL: Plan = Plan {
        min_reps: 7,
        budget: Duration::from_secs(4),
    };
    pub const QUICK: Plan = Plan {
        min_reps: 2,
        budget: Duration::ZERO,
    };

    /// The most repetitions an operation gets, however fast it is.
    fn max_reps(&self, op: Op) -> usize {
        if self.budget.is_zero() {
            return self.min_reps;
        }
        match op {
            Op::InsertOne | Op::Get => 400,
            Op::GetManyAndCount => 60,
            _ => 25,
        }
    }
}

/// The recorded times of one implementation for one operation.
#[derive(Clone, Debug)]
pub struct Measured {
    pub which: Which,
    pub samples: Vec<Duration>,
}

impl Measured {
    pub fn median(&self) -> Duration {
        let mut sorted = self.samples.clone();
        sorted.sort();
        match sorted.len() {
            0 => Duration::ZERO,
            n if n % 2 == 1 => sorted[n / 2],
            n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
        }
    }

    pub fn min(&self) -> Duration {
        self.samples.iter().copied().min().unwrap_or_default()
    }

    pub fn max(&self) -> Duration {
        self.samples.iter().copied().max().unwrap_or_default()
    }
}

/// Whether a repetition of `op` adds rows that must go before the next one.
fn adds_rows(op: Op) -> bool {
    matches!(
        op,
        Op::InsertOne | Op::AddMany | Op::UpsertMany | Op::TagGetOrCreate | Op::DeleteMany
    )
}

/// One repetition of `op` by `imp`: set up, run, check, clean up.
async fn once(
    op: Op,
    rep: usize,
    workload: &Workload,
    fixtures: &Fixtures,
    imp: &mut Implementation,
) -> Result<Duration> {
    let to_delete = match op {
        Op::DeleteMany => fixtures.posts_to_delete(workload.sizes.delete).await?,
        _ => Vec::new(),
    };
    let input = workload.input(op, rep, to_delete);
    let outcome = imp
        .run(&input)
        .await
        .map_err(|e| format!("{} {}: {e}", imp.which().label(), op.key()))?;
    let (rows, total) = workload.expected(op);
    if outcome.rows != rows || (total.is_some() && outcome.total != total) {
        return Err(format!(
            "{} {}: returned {} rows (total {:?}) where {rows} (total {total:?}) were expected",
            imp.which().label(),
            op.key(),
            outcome.rows,
            outcome.total
        )
        .into());
    }
    if adds_rows(op) {
        fixtures.reset().await?;
    }
    Ok(outcome.elapsed)
}

/// `--explain`: the statements one repetition ran, grouped by SQL text.
fn explain(op: Op, which: Which, trace: &Trace) {
    let Ok(mut log) = trace.lock() else {
        return;
    };
    let mut by_sql: Vec<(String, usize, std::time::Duration)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (sql, elapsed) in log.drain(..) {
        let i = *index.entry(sql.clone()).or_insert_with(|| {
            by_sql.push((sql, 0, std::time::Duration::ZERO));
            by_sql.len() - 1
        });
        by_sql[i].1 += 1;
        by_sql[i].2 += elapsed;
    }
    let statements: usize = by_sql.iter().map(|s| s.1).sum();
    let total: std::time::Duration = by_sql.iter().map(|s| s.2).sum();
    eprintln!(
        "  [explain] {} {}: {statements} statements, {} in them",
        which.label(),
        op.key(),
        duration(total)
    );
    for (sql, count, elapsed) in by_sql {
        let shown: String = sql.chars().take(150).collect();
        let more = if sql.len() > shown.len() {
            format!("… ({} chars)", sql.len())
        } else {
            String::new()
        };
        eprintln!("    {count:>5}× {:>10}  {shown}{more}", duration(elapsed));
    }
}

/// Measures `op` for every implementation; with `traces` (`--explain`), prints the
/// statements of each warm-up repetition.
pub async fn measure(
    op: Op,
    workload: &Workload,
    fixtures: &Fixtures,
    impls: &mut [Implementation],
    traces: &[Option<Trace>],
    plan: &Plan,
) -> Result<Vec<Measured>> {
    let mut wanted = Vec::with_capacity(impls.len());
    for (i, imp) in impls.iter_mut().enumerate() {
        let trace = traces.get(i).and_then(Option::as_ref);
        if let Some(trace) = trace
            && let Ok(mut log) = trace.lock()
        {
            log.clear();
        }
        let warm = once(op, 0, workload, fixtures, imp).await?;
        if let Some(trace) = trace {
            explain(op, imp.which(), trace);
        }
        let fit = plan.budget.as_nanos() / warm.as_nanos().max(1);
        wanted.push((fit as usize).clamp(plan.min_reps, plan.max_reps(op)));
    }
    let mut measured: Vec<Measured> = impls
        .iter()
        .map(|imp| Measured {
            which: imp.which(),
            samples: Vec::new(),
        })
        .collect();
    for trace in traces.iter().flatten() {
        if let Ok(mut log) = trace.lock() {
            log.clear();
        }
    }
    let rounds = wanted.iter().copied().max().unwrap_or(0);
    let mut order: Vec<usize> = (0..impls.len()).collect();
    let mut seed = 0x2545_F491_4F6C_DD1D_u64 ^ op as u64;
    for rep in 1..=rounds {
        // a new order every round: no implementation always runs right after the same
        // other one (whose code, connections and CPU caches it may share or evict — after
        // the Python process, the CPU's caches are cold)
        for k in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(k, (seed % (k as u64 + 1)) as usize);
        }
        for &i in &order {
            if measured[i].samples.len() < wanted[i] {
                let elapsed = once(op, rep, workload, fixtures, &mut impls[i]).await?;
                measured[i].samples.push(elapsed);
            }
        }
    }
    Ok(measured)
}

/// Seconds since `start`, for progress lines.
pub fn seconds(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}
