//! The harness: one fresh database per test on each backend.
//!
//! `AA_TEST_BACKENDS` (default `sqlite,postgres,mysql,pg18`) lists the backends to run; a
//! listed backend without its URL (`AA_TEST_POSTGRES_URL`, `AA_TEST_MYSQL_URL`,
//! `AA_TEST_PG18_URL`) fails the test — `scripts/test` starts the servers and sets them.
//! SQLite runs in memory. `pg18` is PostgreSQL 18 with pgvector, for the vector tests
//! only ([`TestDb::pg18`]).

use advanced_alchemy::Session;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
    MySql,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
            Backend::MySql => "mysql",
        }
    }

    fn enabled(self) -> bool {
        let list = std::env::var("AA_TEST_BACKENDS")
            .unwrap_or_else(|_| "sqlite,postgres,mysql".to_owned());
        list.split(',').any(|b| b.trim() == self.name())
    }
}

/// A fresh, empty database with every registered model created, plus a statement counter.
pub struct TestDb {
    pub db: DatabaseConnection,
    pub backend: Backend,
    /// The database's URL, for another process (the Python side of `crosslang`).
    pub url: String,
    statements: Arc<AtomicUsize>,
    /// The SQLite file of [`TestDb::on_disk`], removed on drop.
    file: Option<std::path::PathBuf>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            std::fs::remove_file(file).ok();
        }
    }
}

impl TestDb {
    /// `None` when the backend is not selected in `AA_TEST_BACKENDS`.
    pub async fn new(backend: Backend) -> Option<Self> {
        Self::create(backend, false).await
    }

    /// As [`TestDb::new`], with SQLite in a temporary file another process can open.
    pub async fn on_disk(backend: Backend) -> Option<Self> {
        Self::create(backend, true).await
    }

    async fn create(backend: Backend, sqlite_file: bool) -> Option<Self> {
        if !backend.enabled() {
            eprintln!(
                "backend {} not selected in AA_TEST_BACKENDS",
                backend.name()
            );
            return None;
        }
        let mut file = None;
        let url = match backend {
            Backend::Sqlite if sqlite_file => {
                static NEXT: AtomicUsize = AtomicUsize::new(0);
                let path = std::env::temp_dir().join(format!(
                    "aa_t{}_{}.sqlite3",
                    std::process::id(),
                    NEXT.fetch_add(1, Ordering::SeqCst)
                ));
                let url = format!("sqlite://{}?mode=rwc", path.display());
                file = Some(path);
                url
            }
            Backend::Sqlite => "sqlite::memory:".to_owned(),
            Backend::Postgres => fresh_database("AA_TEST_POSTGRES_URL").await,
            Backend::MySql => fresh_database("AA_TEST_MYSQL_URL").await,
        };
        let mut db = connect(&url).await;
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&statements);
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        advanced_alchemy::registry::create_all(&db)
            .await
            .expect("create_all");
        Some(Self {
            db,
            backend,
            url,
            statements,
            file,
        })
    }

    /// A fresh, empty database on the PostgreSQL 18 server with pgvector
    /// (`AA_TEST_PG18_URL`, started by `scripts/test`), with no model created (the
    /// caller creates its tables); `None` when `pg18` is not in `AA_TEST_BACKENDS`.
    pub async fn pg18() -> Option<Self> {
        let list = std::env::var("AA_TEST_BACKENDS")
            .unwrap_or_else(|_| "sqlite,postgres,mysql,pg18".to_owned());
        if !list.split(',').any(|b| b.trim() == "pg18") {
            eprintln!("backend pg18 not selected in AA_TEST_BACKENDS");
            return None;
        }
        let url = fresh_database("AA_TEST_PG18_URL").await;
        let db = connect(&url).await;
        Some(Self {
            db,
            backend: Backend::Postgres,
            url,
            statements: Arc::new(AtomicUsize::new(0)),
            file: None,
        })
    }

    /// Statements run through this pool so far.
    pub fn statements(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    pub async fn session(&self) -> Session {
        Session::begin(&self.db).await.expect("begin")
    }

    pub fn db_backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Runs a query returning one integer (`SELECT COUNT(*) …`).
    pub async fn scalar(&self, sql: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(Statement::from_string(self.db_backend(), sql.to_owned()))
            .await
            .expect(sql)
            .expect("one row");
        row.try_get_by_index::<i64>(0).expect("an integer")
    }

    /// Runs a query returning one text column per row.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        self.db
            .query_all_raw(Statement::from_string(self.db_backend(), sql.to_owned()))
            .await
            .expect(sql)
            .into_iter()
            .map(|row| row.try_get_by_index::<String>(0).expect("a string"))
            .collect()
    }
}

pub async fn connect(url: &str) -> DatabaseConnection {
    let mut options = sea_orm::ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false);
    if !url.starts_with("sqlite") {
        // (an in-memory SQLite database lives in its one connection)
        options.max_connections(20);
    }
    advanced_alchemy::connect_with(options)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to {url}: {e}"))
}

/// Creates `aa_t<pid>_<n>` on the server named by `var` and returns its URL.
async fn fresh_database(var: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let base = std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set: run scripts/test, or set AA_TEST_BACKENDS to skip this backend")
    });
    let name = format!(
        "aa_t{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    let admin = connect(&base).await;
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
    admin.close().await.ok();
    let (prefix, _) = base.rsplit_once('/').expect("URL ends with /database");
    format!("{prefix}/{name}")
}

/// Declares each listed `async fn name(t: TestDb)` as three tests: `sqlite::name`,
/// `postgres::name`, `mysql::name`.
#[macro_export]
macro_rules! backend_tests {
    (on_disk: $($name:ident),* $(,)?) => {
        $crate::backend_tests!(@on on_disk, sqlite, Sqlite; $($name),*);
        $crate::backend_tests!(@on on_disk, postgres, Postgres; $($name),*);
        $crate::backend_tests!(@on on_disk, mysql, MySql; $($name),*);
    };
    ($($name:ident),* $(,)?) => {
        $crate::backend_tests!(@on new, sqlite, Sqlite; $($name),*);
        $crate::backend_tests!(@on new, postgres, Postgres; $($name),*);
        $crate::backend_tests!(@on new, mysql, MySql; $($name),*);
    };
    (@on $make:ident, $module:ident, $backend:ident; $($name:ident),*) => {
        mod $module {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(t) = $crate::support::TestDb::$make($crate::support::Backend::$backend).await {
                    super::$name(t).await;
                }
            })*
        }
    };
}
