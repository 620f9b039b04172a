//! The four implementations of the workload, each in its own file, behind one enum.
//!
//! Each one connects on its own and times only the operation itself: building its inputs
//! (active models, arrays, Python objects) from the workload's [`Input`], the database
//! calls, the transaction if it needs one, and turning the rows it gets back into its own
//! types — what a caller of it would wait for.
//!
//! The Rust pools are made alike: sqlx's and SeaORM's default of pinging a connection
//! before handing it out is off in all three (Python's SQLAlchemy pool does not ping
//! either), so an operation costs its own statements and nothing else.

mod library;
mod python;
mod seaorm;
mod seaorm_models;
mod sqlx;

pub use library::Library;
pub use python::Python;
pub use seaorm::PlainSeaOrm;
pub use sqlx::HandSqlx;

use crate::Result;
use crate::workload::{Input, Outcome};
use sea_orm::{ConnectOptions, DatabaseConnection};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The statements a SeaORM connection ran (`--explain`): SQL text and time.
pub type Trace = Arc<Mutex<Vec<(String, Duration)>>>;

/// Records every statement `db` runs from now on.
fn trace(db: &mut DatabaseConnection) -> Trace {
    let trace: Trace = Arc::default();
    let sink = Arc::clone(&trace);
    db.set_metric_callback(move |info| {
        if let Ok(mut log) = sink.lock() {
            log.push((info.statement.sql.clone(), info.elapsed));
        }
    });
    trace
}

/// The SeaORM pool settings of the library and plain SeaORM implementations.
fn pool_options(url: &str) -> ConnectOptions {
    let mut options = ConnectOptions::new(url);
    options.test_before_acquire(false);
    options
}

/// Which implementation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Which {
    Library,
    SeaOrm,
    Sqlx,
    Python,
}

impl Which {
    pub const ALL: [Which; 4] = [Which::Library, Which::SeaOrm, Which::Sqlx, Which::Python];

    /// The name in the JSON results and in `--impls`.
    pub fn key(self) -> &'static str {
        match self {
            Which::Library => "advanced_alchemy",
            Which::SeaOrm => "seaorm",
            Which::Sqlx => "sqlx",
            Which::Python => "python",
        }
    }

    pub fn from_key(key: &str) -> Option<Which> {
        Which::ALL.into_iter().find(|w| w.key() == key)
    }

    /// The column heading in the tables and the chart legend.
    pub fn label(self) -> &'static str {
        match self {
            Which::Library => "advanced-alchemy",
            Which::SeaOrm => "plain SeaORM 2",
            Which::Sqlx => "sqlx (the limit)",
            Which::Python => "Python AA 1.12",
        }
    }
}

/// One connected implementation.
pub enum Implementation {
    Library(Library),
    SeaOrm(PlainSeaOrm),
    Sqlx(HandSqlx),
    Python(Python),
}

impl Implementation {
    pub fn which(&self) -> Which {
        match self {
            Implementation::Library(_) => Which::Library,
            Implementation::SeaOrm(_) => Which::SeaOrm,
            Implementation::Sqlx(_) => Which::Sqlx,
            Implementation::Python(_) => Which::Python,
        }
    }

    /// One repetition of the operation `input` describes.
    pub async fn run(&mut self, input: &Input) -> Result<Outcome> {
        match self {
            Implementation::Library(i) => i.run(input).await,
            Implementation::SeaOrm(i) => i.run(input).await,
            Implementation::Sqlx(i) => i.run(input).await,
            Implementation::Python(i) => i.run(input),
        }
    }

    pub async fn close(self) -> Result<()> {
        match self {
            Implementation::Library(i) => i.close().await,
            Implementation::SeaOrm(i) => i.close().await,
            Implementation::Sqlx(i) => i.close().await,
            Implementation::Python(i) => i.close(),
        }
    }
}
