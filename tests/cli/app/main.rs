//! The binary the CLI tests run: the `database` command over the models of `models.rs`
//! and the migrations of `migrations/<backend>/` (what `make-migrations` wrote; the tests
//! check it writes them again, byte for byte but the date).
//!
//! `AA_CLI_MODELS` picks the models (`v1`, `v2`, `python`), `AA_CLI_MIGRATIONS` how many
//! of the two migrations the Migrator lists (0, 1, 2), `DATABASE_URL` the database.

mod models;

use advanced_alchemy::migrate::prelude::*;
use std::process::ExitCode;

#[path = "migrations/sqlite"]
mod sqlite {
    pub mod m20260101_000001_initial;
    pub mod m20260101_000002_author_link;
}
#[path = "migrations/postgres"]
mod postgres {
    pub mod m20260101_000001_initial;
    pub mod m20260101_000002_author_link;
}
#[path = "migrations/mysql"]
mod mysql {
    pub mod m20260101_000001_initial;
    pub mod m20260101_000002_author_link;
}

macro_rules! migrator {
    ($name:ident, $backend:ident, $count:literal) => {
        struct $name;

        #[async_trait::async_trait]
        impl MigratorTrait for $name {
            fn migrations() -> Vec<Box<dyn MigrationTrait>> {
                let all: Vec<Box<dyn MigrationTrait>> = vec![
                    Box::new($backend::m20260101_000001_initial::Migration),
                    Box::new($backend::m20260101_000002_author_link::Migration),
                ];
                all.into_iter().take($count).collect()
            }
        }
    };
}

migrator!(None0, sqlite, 0);
migrator!(Sqlite1, sqlite, 1);
migrator!(Sqlite2, sqlite, 2);
migrator!(Postgres1, postgres, 1);
migrator!(Postgres2, postgres, 2);
migrator!(MySql1, mysql, 1);
migrator!(MySql2, mysql, 2);

fn main() -> ExitCode {
    let url = std::env::var("DATABASE_URL").unwrap_or_default();
    let models = std::env::var("AA_CLI_MODELS").unwrap_or_else(|_| "v1".into());
    let count = std::env::var("AA_CLI_MIGRATIONS").unwrap_or_else(|_| "1".into());
    let registry = models::registry(&models);
    let backend = url.split(':').next().unwrap_or("");
    match (backend, count.as_str()) {
        (_, "0") => advanced_alchemy::cli::main::<None0>(registry),
        ("sqlite", "1") => advanced_alchemy::cli::main::<Sqlite1>(registry),
        ("sqlite", _) => advanced_alchemy::cli::main::<Sqlite2>(registry),
        ("postgres" | "postgresql", "1") => advanced_alchemy::cli::main::<Postgres1>(registry),
        ("postgres" | "postgresql", _) => advanced_alchemy::cli::main::<Postgres2>(registry),
        ("mysql" | "mariadb", "1") => advanced_alchemy::cli::main::<MySql1>(registry),
        ("mysql" | "mariadb", _) => advanced_alchemy::cli::main::<MySql2>(registry),
        // no URL, or an unknown scheme: the command itself says what is wrong
        _ => advanced_alchemy::cli::main::<Sqlite1>(registry),
    }
}
