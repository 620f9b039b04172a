//! `upgrade`, `downgrade`, `stamp`, `check`, `show-current-revision`, `history`,
//! `drop-all`: the revision bookkeeping, on sea-orm-migration's `seaql_migrations`.

use super::Context;
use crate::error::{Error, Result};
use crate::registry::Registry;
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, Table};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, TransactionTrait};
use sea_orm_migration::{MigrationStatus, MigratorTrait};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

fn names<M: MigratorTrait>() -> Vec<String> {
    M::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

fn unknown<M: MigratorTrait>(revision: &str) -> Error {
    let known = names::<M>();
    Error::Migration(format!(
        "unknown revision `{revision}`; the migrations are: {}",
        if known.is_empty() {
            "(none yet)".to_owned()
        } else {
            known.join(", ")
        }
    ))
}

fn bar(len: usize) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}") {
        bar.set_style(style);
    }
    bar
}

/// Runs `steps` migrations up (or down) with a connection whose statements are
/// collected, in a transaction that is rolled back, and prints them: `--sql`.
async fn print_sql<M: MigratorTrait>(
    db: &DatabaseConnection,
    up: bool,
    steps: u32,
) -> Result<ExitCode> {
    if db.get_database_backend() == DbBackend::MySql {
        return Err(Error::Migration(
            "--sql needs transactional DDL, which MySQL does not have (it would run the \
             statements); `make-migrations --sql` prints a new migration's SQL"
                .into(),
        ));
    }
    let mut db = db.clone();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    db.set_metric_callback(move |info| {
        if let Ok(mut seen) = sink.lock() {
            seen.push(info.statement.to_string());
        }
    });
    let txn = db.begin().await?;
    let result = if up {
        M::up(&txn, Some(steps)).await
    } else {
        M::down(&txn, Some(steps)).await
    };
    txn.rollback().await?;
    result?;
    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    for sql in seen {
        println!("{sql};");
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn upgrade<M: MigratorTrait>(
    db: &DatabaseConnection,
    revision: &str,
    sql: bool,
) -> Result<ExitCode> {
    let pending = M::get_pending_migrations_read_only(db).await?;
    let steps = if revision == "head" {
        pending.len()
    } else {
        match pending.iter().position(|m| m.name() == revision) {
            Some(at) => at + 1,
            None if names::<M>().iter().any(|n| n == revision) => {
                println!("{revision} is applied already: nothing to do");
                return Ok(ExitCode::SUCCESS);
            }
            None => return Err(unknown::<M>(revision)),
        }
    };
    if steps == 0 {
        println!("the database is at head: nothing to upgrade");
        return Ok(ExitCode::SUCCESS);
    }
    if sql {
        let steps = steps as u32;
        return print_sql::<M>(db, true, steps).await;
    }
    let progress = bar(steps);
    for migration in pending.iter().take(steps) {
        progress.set_message(migration.name().to_owned());
        M::up(db, Some(1)).await.map_err(|e| {
            Error::Migration(format!("upgrade to {} failed: {e}", migration.name()))
        })?;
        progress.suspend(|| println!("applied {}", migration.name()));
        progress.inc(1);
    }
    progress.finish_and_clear();
    println!(
        "upgraded {steps} migration(s); now at {}",
        pending[steps - 1].name()
    );
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn downgrade<M: MigratorTrait>(
    ctx: &Context,
    db: &DatabaseConnection,
    revision: &str,
    sql: bool,
) -> Result<ExitCode> {
    let applied = M::get_applied_migrations_read_only(db).await?;
    let steps = if revision == "base" {
        applied.len()
    } else if let Some(n) = revision.strip_prefix('-') {
        let n: usize = n
            .parse()
            .map_err(|_| Error::Migration(format!("`{revision}` is neither a revision nor -N")))?;
        if n > applied.len() {
            return Err(Error::Migration(format!(
                "cannot downgrade {n} migration(s): {} applied",
                applied.len()
            )));
        }
        n
    } else {
        match applied.iter().position(|m| m.name() == revision) {
            Some(at) => applied.len() - at - 1,
            None if names::<M>().iter().any(|n| n == revision) => {
                return Err(Error::Migration(format!(
                    "{revision} is not applied: nothing to downgrade to"
                )));
            }
            None => return Err(unknown::<M>(revision)),
        }
    };
    if steps == 0 {
        println!("nothing to downgrade");
        return Ok(ExitCode::SUCCESS);
    }
    let reverted: Vec<String> = applied
        .iter()
        .rev()
        .take(steps)
        .map(|m| m.name().to_owned())
        .collect();
    if sql {
        let steps = steps as u32;
        return print_sql::<M>(db, false, steps).await;
    }
    if !ctx.confirm(&format!("Revert {}?", reverted.join(", ")))? {
        println!("aborted");
        return Ok(ExitCode::FAILURE);
    }
    let progress = bar(steps);
    for name in &reverted {
        progress.set_message(name.clone());
        M::down(db, Some(1))
            .await
            .map_err(|e| Error::Migration(format!("downgrade of {name} failed: {e}")))?;
        progress.suspend(|| println!("reverted {name}"));
        progress.inc(1);
    }
    progress.finish_and_clear();
    println!("downgraded {steps} migration(s)");
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn stamp<M: MigratorTrait>(
    db: &DatabaseConnection,
    revision: &str,
    purge: bool,
) -> Result<ExitCode> {
    let all = names::<M>();
    let keep = match revision {
        "head" => all.len(),
        "base" => 0,
        name => {
            all.iter()
                .position(|n| n == name)
                .ok_or_else(|| unknown::<M>(name))?
                + 1
        }
    };
    M::install(db).await?;
    let table = M::migration_table_name();
    let backend = db.get_database_backend();
    let txn = db.begin().await?;
    if purge {
        txn.execute(&Query::delete().from_table(table.clone()).to_owned())
            .await?;
    } else {
        // revisions after the stamp (or unknown to this binary) are forgotten
        let mut delete = Query::delete();
        delete.from_table(table.clone());
        if keep > 0 {
            delete.and_where(Expr::col(Alias::new("version")).is_not_in(all[..keep].to_vec()));
        }
        txn.execute(&delete).await?;
    }
    let have = M::get_applied_migrations_read_only(&txn).await?;
    let now = chrono::Utc::now().timestamp();
    for name in &all[..keep] {
        if have.iter().any(|m| m.name() == name) {
            continue;
        }
        txn.execute(
            &Query::insert()
                .into_table(table.clone())
                .columns([Alias::new("version"), Alias::new("applied_at")])
                .values_panic([name.clone().into(), now.into()])
                .to_owned(),
        )
        .await?;
    }
    txn.commit().await?;
    let _ = backend;
    match keep {
        0 => println!("stamped base: no revision recorded"),
        n => println!("stamped {}", all[n - 1]),
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn check<M: MigratorTrait>(
    db: &DatabaseConnection,
    models: &Registry,
) -> Result<ExitCode> {
    let pending = M::get_pending_migrations_read_only(db).await?;
    if !pending.is_empty() {
        println!(
            "the database is not up to date: {} migration(s) pending ({}); run upgrade",
            pending.len(),
            pending
                .iter()
                .map(|m| m.name())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(ExitCode::FAILURE);
    }
    let diff = crate::migrate::compare(db, models).await?;
    for warning in &diff.warnings {
        println!("warning: {warning}");
    }
    if diff.is_empty() {
        println!("no changes detected: the database matches the models");
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "the models and the database differ ({} change(s)):",
        diff.changes.len()
    );
    for change in &diff.changes {
        println!("  {}", change.describe());
    }
    println!("run make-migrations to write a migration");
    Ok(ExitCode::FAILURE)
}

pub(super) async fn current<M: MigratorTrait>(db: &DatabaseConnection) -> Result<ExitCode> {
    let applied = M::get_applied_migrations_read_only(db).await?;
    match applied.last() {
        Some(m) => {
            let head = names::<M>().last().is_some_and(|n| n == m.name());
            println!("{}{}", m.name(), if head { " (head)" } else { "" });
        }
        None => println!("base: no migration applied"),
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn history<M: MigratorTrait>(db: &DatabaseConnection) -> Result<ExitCode> {
    let all = M::get_migration_with_status_read_only(db).await?;
    if all.is_empty() {
        println!("no migrations yet");
    }
    let last = all.len().saturating_sub(1);
    for (i, m) in all.iter().enumerate() {
        let status = match m.status() {
            MigrationStatus::Applied => "applied",
            MigrationStatus::Pending => "pending",
        };
        println!(
            "{:<8} {}{}",
            status,
            m.name(),
            if i == last { " (head)" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn drop_all<M: MigratorTrait>(
    db: &DatabaseConnection,
    models: &Registry,
) -> Result<ExitCode> {
    models.drop_all(db).await?;
    db.execute(
        &Table::drop()
            .table(M::migration_table_name())
            .if_exists()
            .to_owned(),
    )
    .await?;
    println!(
        "dropped {} model table(s) and the migration history",
        models.table_names().len()
    );
    Ok(ExitCode::SUCCESS)
}
