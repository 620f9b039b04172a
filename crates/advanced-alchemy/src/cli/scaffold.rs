//! `init` and `make-migrations`: the migrations crate and the files in it.

use super::Context;
use crate::error::{Error, Result};
use crate::migrate::{Diff, render};
use crate::registry::Registry;
use sea_orm::{DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const MODULES: &str = "// make-migrations: new modules go above this line";
const LIST: &str = "// make-migrations: new migrations go above this line";

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Migration(format!("cannot {what} {}: {e}", path.display()))
}

fn lib_rs() -> String {
    format!(
        r#"//! The project's migrations, in sea-orm-migration's format. `make-migrations` writes a
//! file for each change of the models and lists it here; hand-written SeaORM migrations
//! can be listed beside them.

pub use advanced_alchemy::migrate::prelude::MigratorTrait;
use advanced_alchemy::migrate::prelude::*;

{MODULES}

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {{
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {{
        vec![
            {LIST}
        ]
    }}
}}
"#
    )
}

fn crate_name(dir: &Path) -> String {
    let base = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "migration".to_owned());
    let name: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name
    } else {
        format!("migration-{name}")
    }
}

pub(super) fn init(ctx: &Context, force: bool) -> Result<ExitCode> {
    let src = ctx.dir.join("src");
    let lib = src.join("lib.rs");
    if lib.exists() && !force {
        return Err(Error::Migration(format!(
            "{} exists already: the migrations crate is initialised (--force overwrites)",
            lib.display()
        )));
    }
    std::fs::create_dir_all(&src).map_err(|e| io("create", &src, e))?;
    let manifest = ctx.dir.join("Cargo.toml");
    let cargo = format!(
        "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [lib]\npath = \"src/lib.rs\"\n\n[dependencies]\n\
         advanced-alchemy = {{ version = \"{}\", features = [\"migrate\"] }}\n",
        crate_name(&ctx.dir),
        env!("CARGO_PKG_VERSION")
    );
    std::fs::write(&manifest, cargo).map_err(|e| io("write", &manifest, e))?;
    std::fs::write(&lib, lib_rs()).map_err(|e| io("write", &lib, e))?;
    println!(
        "created the migrations crate in {} ({} and {}); next: make-migrations",
        ctx.dir.display(),
        manifest.display(),
        lib.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn slug(message: &str) -> String {
    let mut out = String::new();
    for c in message.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_');
    let out: String = out.chars().take(40).collect();
    if out.is_empty() {
        "migration".into()
    } else {
        out
    }
}

fn is_ident(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn make_migrations<M: MigratorTrait>(
    ctx: &Context,
    db: &DatabaseConnection,
    models: &Registry,
    message: &str,
    autogenerate: bool,
    sql: bool,
    rev_id: Option<String>,
) -> Result<ExitCode> {
    let lib = ctx.dir.join("src").join("lib.rs");
    if !sql && !lib.exists() {
        return Err(Error::Migration(format!(
            "no migrations crate at {} (run init first, or pass --migrations-dir)",
            ctx.dir.display()
        )));
    }
    let pending = M::get_pending_migrations_read_only(db).await?;
    if !pending.is_empty() {
        return Err(Error::Migration(format!(
            "the database is not up to date ({} pending: {}): run upgrade first, so the new \
             migration starts where the others end",
            pending.len(),
            pending
                .iter()
                .map(|m| m.name())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let backend = sea_orm::ConnectionTrait::get_database_backend(db);
    let diff = if autogenerate {
        crate::migrate::compare(db, models).await?
    } else {
        Diff::default()
    };
    for warning in &diff.warnings {
        eprintln!("warning: {warning}");
    }
    if autogenerate && diff.is_empty() {
        println!("no changes detected: the database matches the models, no migration written");
        return Ok(ExitCode::SUCCESS);
    }
    if sql {
        for statement in render::sql(&diff, backend, false) {
            println!("{statement};");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let now = chrono::Utc::now();
    let name = match rev_id {
        Some(id) if is_ident(&id) => id,
        Some(id) => {
            return Err(Error::Migration(format!(
                "revision id `{id}` must be a Rust module name (lower case, digits, _)"
            )));
        }
        None => format!("m{}_{}", now.format("%Y%m%d_%H%M%S"), slug(message)),
    };
    if M::migrations().iter().any(|m| m.name() == name) {
        return Err(Error::Migration(format!("revision {name} exists already")));
    }
    let path = ctx.dir.join("src").join(format!("{name}.rs"));
    if path.exists() {
        return Err(Error::Migration(format!(
            "{} exists already",
            path.display()
        )));
    }
    let lib_text = std::fs::read_to_string(&lib).map_err(|e| io("read", &lib, e))?;
    let Some(lib_text) = register(&lib_text, &name) else {
        return Err(Error::Migration(format!(
            "{} lacks the lines `{MODULES}` and `{LIST}` that make-migrations adds to: \
             put them back where the `mod` lines and the `vec![…]` entries go",
            lib.display()
        )));
    };
    let code = render::migration(
        &diff,
        backend,
        &name,
        message,
        &now.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    );
    std::fs::write(&path, code).map_err(|e| io("write", &path, e))?;
    std::fs::write(&lib, lib_text).map_err(|e| io("write", &lib, e))?;
    // rustfmt, when there is one, only polishes the layout
    std::process::Command::new("rustfmt")
        .args(["--edition", "2024"])
        .arg(&path)
        .stderr(std::process::Stdio::null())
        .status()
        .ok();
    println!(
        "wrote {} ({} change(s)):",
        path.display(),
        diff.changes.len()
    );
    for change in &diff.changes {
        println!("  {}", change.describe());
    }
    if backend != DbBackend::Sqlite && diff.changes.is_empty() {
        println!("an empty migration: fill in up and down");
    }
    println!("rebuild the binary to apply it (upgrade)");
    Ok(ExitCode::SUCCESS)
}

/// `lib_text` with migration `name` added before the two markers.
fn register(lib_text: &str, name: &str) -> Option<String> {
    let mut out = String::with_capacity(lib_text.len() + 80);
    let (mut modules, mut list) = (false, false);
    for line in lib_text.lines() {
        let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
        if line.trim() == MODULES {
            out.push_str(&format!("{indent}mod {name};\n"));
            modules = true;
        } else if line.trim() == LIST {
            out.push_str(&format!("{indent}Box::new({name}::Migration),\n"));
            list = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    (modules && list).then_some(out)
}

pub(super) fn migration_file<M: MigratorTrait>(ctx: &Context, revision: &str) -> Result<PathBuf> {
    let names: Vec<String> = M::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let name = if revision == "head" {
        names
            .last()
            .cloned()
            .ok_or_else(|| Error::Migration("no migrations yet".into()))?
    } else {
        revision.to_owned()
    };
    let path = ctx.dir.join("src").join(format!("{name}.rs"));
    if path.exists() && is_ident(&name) {
        Ok(path)
    } else if names.contains(&name) {
        Err(Error::Migration(format!(
            "revision {name} is compiled in but {} is missing (pass --migrations-dir)",
            path.display()
        )))
    } else {
        Err(Error::Migration(format!(
            "unknown revision `{revision}`; the migrations are: {}",
            if names.is_empty() {
                "(none yet)".to_owned()
            } else {
                names.join(", ")
            }
        )))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn register_adds_before_the_markers() {
        let lib = super::lib_rs();
        let once = super::register(&lib, "m1_a").unwrap();
        let twice = super::register(&once, "m2_b").unwrap();
        let a = twice.find("mod m1_a;").unwrap();
        let b = twice.find("mod m2_b;").unwrap();
        assert!(a < b);
        assert!(twice.contains("Box::new(m2_b::Migration),"));
        assert_eq!(super::slug("Add a subtitle!"), "add_a_subtitle");
    }
}
