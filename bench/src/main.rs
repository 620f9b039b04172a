//! `aa-bench`: the seed's blog workload run side by side by four implementations — this
//! library, plain SeaORM 2, hand-written sqlx (the limit) and Python Advanced Alchemy
//! 1.12 — on the same database, schema and data; medians and ratios to sqlx per backend,
//! `latest.json`, an SVG chart, and a last line `worst-ratio <op> <backend> <x.xx>`.
//!
//! `scripts/bench` starts the servers and the Python virtualenv and runs this in release
//! mode; `scripts/test` runs `--quick` (tiny sizes, Rust only) to keep it working.
//!
//! ```text
//! aa-bench [--quick] [--sqlite] [--postgres URL] [--mysql URL] [--python PYTHON]
//!          [--out DIR] [--ops op,…] [--impls impl,…] [--db-name NAME]
//! ```
//! Server URLs name a superuser; the benchmark creates (and drops) its own database there.
//! No timing is asserted anywhere: a run fails only when an implementation errs or
//! returns other rows than the rest.
//!
//! One tokio thread (`current_thread`): the operations run one at a time, and a single
//! thread keeps the hand-offs between the runtime and sqlx's SQLite worker threads the
//! same for every implementation.

#[path = "../../examples/blog/models.rs"]
#[allow(
    dead_code,
    reason = "the example's add_tags_to_post is not part of the workload"
)]
mod blog;

mod backend;
mod chart;
mod fixtures;
mod imp;
mod machine;
mod report;
mod results;
mod runner;
mod workload;

use backend::{Backend, Target};
use fixtures::Fixtures;
use imp::{HandSqlx, Implementation, Library, PlainSeaOrm, Python, Trace, Which};
use report::BackendResult;
use runner::Plan;
use std::path::PathBuf;
use std::time::Instant;
use workload::{Op, Sizes, Workload};

pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

const USAGE: &str = "usage: aa-bench [--quick] [--sqlite] [--postgres URL] [--mysql URL] \
[--python PYTHON] [--out DIR] [--ops op,...] [--impls advanced_alchemy,seaorm,sqlx,python] [--db-name NAME] \
[--size seed|add_many|upsert_many|tags|update_many|delete_many=ROWS]... [--explain]

--explain prints the statements the two SeaORM-based implementations run for each operation.
--size changes one size (for studying how an operation scales; results are then not comparable).";

struct Args {
    quick: bool,
    sqlite: bool,
    postgres: Option<String>,
    mysql: Option<String>,
    python: Option<PathBuf>,
    out: Option<PathBuf>,
    ops: Vec<Op>,
    impls: Vec<Which>,
    db_name: String,
    explain: bool,
    sizes: Vec<(String, usize)>,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        quick: false,
        sqlite: false,
        postgres: None,
        mysql: None,
        python: None,
        out: None,
        ops: Op::ALL.to_vec(),
        impls: Which::ALL.to_vec(),
        db_name: "aa_bench".to_owned(),
        explain: false,
        sizes: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--quick" => args.quick = true,
            "--sqlite" => args.sqlite = true,
            "--postgres" => args.postgres = Some(value()?),
            "--mysql" => args.mysql = Some(value()?),
            "--python" => args.python = Some(value()?.into()),
            "--out" => args.out = Some(value()?.into()),
            "--db-name" => args.db_name = value()?,
            "--explain" => args.explain = true,
            "--size" => {
                let v = value()?;
                let (key, n) = v.split_once('=').ok_or("--size wants name=rows")?;
                args.sizes.push((key.to_owned(), n.parse()?));
            }
            "--ops" => {
                args.ops = value()?
                    .split(',')
                    .map(|k| Op::from_key(k).ok_or_else(|| format!("unknown operation {k}")))
                    .collect::<std::result::Result<_, _>>()?
            }
            "--impls" => {
                args.impls = value()?
                    .split(',')
                    .map(|k| {
                        Which::from_key(k).ok_or_else(|| format!("unknown implementation {k}"))
                    })
                    .collect::<std::result::Result<_, _>>()?
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => return Err(format!("unknown argument {arg}\n{USAGE}").into()),
        }
    }
    if !args.impls.contains(&Which::Sqlx) {
        return Err("the sqlx implementation is the yardstick: keep it in --impls".into());
    }
    // `--quick` is Rust only unless a Python is named (for working on the Python side)
    if args.python.is_none() {
        args.impls.retain(|w| *w != Which::Python);
    }
    if !args
        .db_name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err("--db-name: letters, digits and _ only".into());
    }
    if !args.sqlite && args.postgres.is_none() && args.mysql.is_none() {
        args.sqlite = true;
    }
    Ok(args)
}

async fn connect(
    which: Which,
    target: &Target,
    args: &Args,
    python_versions: &mut serde_json::Value,
) -> Result<(Implementation, Option<Trace>)> {
    Ok(match which {
        Which::Library => {
            let (imp, trace) = Library::connect(&target.url, args.explain).await?;
            (Implementation::Library(imp), trace)
        }
        Which::SeaOrm => {
            let (imp, trace) = PlainSeaOrm::connect(&target.url, args.explain).await?;
            (Implementation::SeaOrm(imp), trace)
        }
        Which::Sqlx => (Implementation::Sqlx(HandSqlx::connect(target).await?), None),
        Which::Python => {
            let python = args.python.as_deref().ok_or("--python is needed")?;
            let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("python/aa_bench.py");
            let child = Python::start(python, &script, &target.python_url)?;
            if let Some(map) = python_versions.as_object_mut()
                && let Some(found) = child.versions.as_object()
            {
                map.extend(found.clone());
            }
            (Implementation::Python(child), None)
        }
    })
}

/// Everything on one backend: a fresh database, the seed, each operation, the table.
async fn run_backend(
    target: Target,
    args: &Args,
    workload: &Workload,
    plan: &Plan,
    python_versions: &mut serde_json::Value,
) -> Result<BackendResult> {
    let start = Instant::now();
    let label = target.backend.key();
    let fixtures = Fixtures::create(&target, workload.sizes).await?;
    fixtures.seed().await?;
    eprintln!(
        "[{label}] {} ready, {} posts seeded ({:.1} s)",
        target.server_version,
        workload.sizes.seed_posts,
        runner::seconds(start)
    );
    let mut impls = Vec::new();
    let mut traces = Vec::new();
    for which in &args.impls {
        let (imp, trace) = connect(*which, &target, args, python_versions).await?;
        impls.push(imp);
        traces.push(trace);
    }
    let mut ops = Vec::new();
    for op in &args.ops {
        let op_start = Instant::now();
        let measured = runner::measure(*op, workload, &fixtures, &mut impls, &traces, plan).await?;
        fixtures.maintain().await?;
        let reps: Vec<String> = measured
            .iter()
            .map(|m| format!("{}×{}", m.which.key(), m.samples.len()))
            .collect();
        eprintln!(
            "[{label}] {:<20} {:>6.1} s  ({})",
            op.key(),
            runner::seconds(op_start),
            reps.join(" ")
        );
        ops.push(report::OpResult { op: *op, measured });
    }
    for imp in impls {
        imp.close().await?;
    }
    fixtures.close().await;
    target.drop_database().await?;
    Ok(BackendResult {
        target,
        ops,
        seconds: runner::seconds(start),
    })
}

async fn run(args: Args) -> Result<()> {
    let start = Instant::now();
    let (mut sizes, plan, mut mode) = if args.quick {
        (Sizes::QUICK, Plan::QUICK, "quick")
    } else {
        (Sizes::FULL, Plan::FULL, "full")
    };
    for (key, rows) in &args.sizes {
        let field = match key.as_str() {
            "seed" => &mut sizes.seed_posts,
            "add_many" => &mut sizes.add_many,
            "upsert_many" => &mut sizes.upsert,
            "tags" => &mut sizes.tags,
            "update_many" => &mut sizes.update,
            "delete_many" => &mut sizes.delete,
            _ => return Err(format!("--size: unknown size {key}").into()),
        };
        *field = (*rows).max(1);
        mode = "custom sizes";
    }
    if sizes.seed_posts < 2 * sizes.update.max(sizes.upsert)
        || (sizes.page_limit + sizes.page_offset) as usize > sizes.seed_posts / 2
    {
        return Err(
            "--size: seed must be at least twice update_many and upsert_many, and hold the page"
                .into(),
        );
    }
    let workload = Workload { sizes };
    let machine = machine::machine();
    let rust = machine::rust_versions();
    eprintln!(
        "aa-bench ({mode}, {} build) on {}",
        rust["profile"].as_str().unwrap_or("?"),
        machine::summary(&machine)
    );
    // On tmpfs where there is one: fsync then costs nothing, as on the servers, which
    // scripts/bench and scripts/test run with fsync off.
    let shm = std::path::Path::new("/dev/shm");
    let tmp = if shm.is_dir() {
        shm.to_owned()
    } else {
        std::env::temp_dir()
    };
    let sqlite_dir = tmp.join(format!("aa-bench-{}", std::process::id()));
    let mut targets = Vec::new();
    if args.sqlite {
        targets.push(Backend::Sqlite);
    }
    if args.postgres.is_some() {
        targets.push(Backend::Postgres);
    }
    if args.mysql.is_some() {
        targets.push(Backend::MySql);
    }
    let mut python_versions = serde_json::json!({});
    let mut results = Vec::new();
    for backend in targets {
        let target = match backend {
            Backend::Sqlite => Target::sqlite(&sqlite_dir).await?,
            Backend::Postgres => {
                Target::postgres(args.postgres.as_deref().unwrap_or_default(), &args.db_name)
                    .await?
            }
            Backend::MySql => {
                Target::mysql(args.mysql.as_deref().unwrap_or_default(), &args.db_name).await?
            }
        };
        let result = run_backend(target, &args, &workload, &plan, &mut python_versions).await?;
        print!("{}", report::table(&result, &sizes, &args.impls));
        results.push(result);
    }

    let targets = report::targets(&results);
    if !targets.is_empty() {
        println!("\ntargets for advanced-alchemy:");
        for line in &targets {
            println!("  {line}");
        }
    }
    let info = results::RunInfo {
        mode,
        sizes,
        machine,
        rust,
        python: python_versions,
        results: &results,
        seconds: runner::seconds(start),
    };
    let json = results::to_json(&info);
    let out = match (&args.out, args.quick) {
        (Some(dir), _) => Some(dir.clone()),
        (None, false) => Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("results")),
        (None, true) => None,
    };
    let footer = format!(
        "{} · {} · {} {} · {}",
        machine::summary(&info.machine),
        info.rust["rustc"].as_str().unwrap_or("rustc ?"),
        mode,
        info.rust["profile"].as_str().unwrap_or("?"),
        json["generated_at"].as_str().unwrap_or("")
    );
    let svg = chart::svg(&results, &sizes, &footer);
    match out {
        Some(dir) => {
            std::fs::create_dir_all(&dir)?;
            std::fs::write(
                dir.join("latest.json"),
                serde_json::to_string_pretty(&json)? + "\n",
            )?;
            std::fs::write(dir.join("latest.svg"), svg)?;
            println!("\nresults: {}", dir.join("latest.json").display());
            println!("chart:   {}", dir.join("latest.svg").display());
        }
        None => println!(
            "\n(--quick: results not written; chart {} bytes)",
            svg.len()
        ),
    }
    println!("total: {:.1} s", runner::seconds(start));
    match report::worst(&results) {
        Some((op, backend, ratio)) => println!("worst-ratio {} {backend} {ratio:.2}", op.key()),
        None => println!("worst-ratio none none 0.00"),
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let outcome = match parse_args() {
        Ok(args) => run(args).await,
        Err(e) => Err(e),
    };
    if let Err(e) = outcome {
        eprintln!("aa-bench: {e}");
        std::process::exit(1);
    }
}
