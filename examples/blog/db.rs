//! The `database` command for the blog's models (Python Advanced Alchemy's `alchemy`):
//! migrations in `examples/blog/migrations`, written by `init` and `make-migrations`.
//!
//! ```text
//! export DATABASE_URL='sqlite://blog.db?mode=rwc'
//! cargo run --example db -- --migrations-dir examples/blog/migrations upgrade
//! cargo run --example db -- --migrations-dir examples/blog/migrations check
//! # change a model in models.rs, then:
//! cargo run --example db -- --migrations-dir examples/blog/migrations make-migrations -m "what changed"
//! cargo run --example db -- --migrations-dir examples/blog/migrations upgrade
//! ```

#[allow(dead_code)] // (the blog example uses the helpers; this binary only the models)
mod models;

fn main() -> std::process::ExitCode {
    // every model linked into this binary: the blog's (models.rs)
    advanced_alchemy::cli::main::<blog_migrations::Migrator>(
        advanced_alchemy::registry::orm_registry(),
    )
}
