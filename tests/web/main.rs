//! End to end, as a client would: the `blog_api` example started as a real process
//! against SQLite, PostgreSQL and MariaDB and driven over HTTP (`api`), and the
//! session layer's commit rules on an in-process router over the same databases
//! (`commit`). Each test gets its own database and server, so they run in parallel.

#[path = "../backends/support.rs"]
#[allow(dead_code)] // the web suite uses only part of the backends harness
mod support;

#[path = "../../examples/blog/models.rs"]
#[allow(dead_code)]
mod models;

/// Declares each listed `async fn name(t: TestDb)` on every backend, as
/// `backend_tests!` does (SQLite on disk, so the server process can open it).
macro_rules! web_tests {
    ($($name:ident),* $(,)?) => {
        web_tests!(@on sqlite, Sqlite; $($name),*);
        web_tests!(@on postgres, Postgres; $($name),*);
        web_tests!(@on mysql, MySql; $($name),*);
    };
    (@on $module:ident, $backend:ident; $($name:ident),*) => {
        mod $module {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(t) = crate::support::TestDb::on_disk(crate::support::Backend::$backend).await {
                    super::$name(t).await;
                }
            })*
        }
    };
}

mod api;
mod commit;
mod server;
