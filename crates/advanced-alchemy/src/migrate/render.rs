//! A [`Diff`] as a migration file in sea-orm-migration's format (a `MigrationTrait` with
//! `up` and `down`), one sea-query statement per change under a comment saying what it
//! does, or as the SQL those statements run ([`sql`]).
//!
//! The code is written for the backend it was compared on (the types are that server's
//! spelling); it checks the backend when it runs. Where sea-query has no statement
//! (`ALTER COLUMN … TYPE … USING`, `DROP DEFAULT`, `ADD CONSTRAINT … UNIQUE`, enum
//! types), it runs the SQL itself, shown in the file.

use super::catalog::{ColumnInfo, ForeignKeyInfo, IndexInfo, TableInfo};
use super::diff::{Change, Diff};
use sea_orm::DbBackend;
use sea_orm::sea_query::{
    Alias, ColumnDef, Expr, ForeignKey, ForeignKeyAction, Index, Table, TableCreateStatement,
};

/// One step: the Rust that does it and the SQL it runs.
struct Step {
    comment: String,
    code: String,
    sql: Vec<String>,
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn raw(s: &str) -> String {
    let mut hashes = String::from("#");
    while s.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{s}\"{hashes}")
}

fn action(rule: &str) -> (&'static str, ForeignKeyAction) {
    match rule.to_uppercase().as_str() {
        "CASCADE" => ("Cascade", ForeignKeyAction::Cascade),
        "SET NULL" => ("SetNull", ForeignKeyAction::SetNull),
        "SET DEFAULT" => ("SetDefault", ForeignKeyAction::SetDefault),
        "RESTRICT" => ("Restrict", ForeignKeyAction::Restrict),
        _ => ("NoAction", ForeignKeyAction::NoAction),
    }
}

fn column_code(c: &ColumnInfo, with_null: bool) -> String {
    let mut code = format!("ColumnDef::new({}).custom({})", lit(&c.name), lit(&c.ty));
    if !c.nullable {
        code.push_str(".not_null()");
    } else if with_null {
        code.push_str(".null()");
    }
    if c.auto_increment {
        code.push_str(".auto_increment()");
    }
    if let Some(d) = &c.default {
        code.push_str(&format!(".default(Expr::cust({}))", lit(d)));
    }
    code
}

fn column_def(c: &ColumnInfo, with_null: bool) -> ColumnDef {
    let mut def = ColumnDef::new(Alias::new(&c.name));
    def.custom(Alias::new(&c.ty));
    if !c.nullable {
        def.not_null();
    } else if with_null {
        def.null();
    }
    if c.auto_increment {
        def.auto_increment();
    }
    if let Some(d) = &c.default {
        def.default(Expr::cust(d.clone()));
    }
    def
}

fn fk_code(table: &str, f: &ForeignKeyInfo, standalone: bool) -> String {
    let mut code = String::from("ForeignKey::create()");
    if !f.name.is_empty() {
        code.push_str(&format!(".name({})", lit(&f.name)));
    }
    if standalone {
        code.push_str(&format!(".from_tbl({})", lit(table)));
    }
    for c in &f.columns {
        code.push_str(&format!(".from_col({})", lit(c)));
    }
    code.push_str(&format!(".to_tbl({})", lit(&f.referred_table)));
    for c in &f.referred_columns {
        code.push_str(&format!(".to_col({})", lit(c)));
    }
    code.push_str(&format!(
        ".on_delete(ForeignKeyAction::{}).on_update(ForeignKeyAction::{})",
        action(&f.on_delete).0,
        action(&f.on_update).0
    ));
    code
}

fn fk_stmt(
    table: &str,
    f: &ForeignKeyInfo,
    standalone: bool,
) -> sea_orm::sea_query::ForeignKeyCreateStatement {
    let mut fk = ForeignKey::create();
    if !f.name.is_empty() {
        fk.name(&f.name);
    }
    if standalone {
        fk.from_tbl(Alias::new(table));
    }
    for c in &f.columns {
        fk.from_col(Alias::new(c));
    }
    fk.to_tbl(Alias::new(&f.referred_table));
    for c in &f.referred_columns {
        fk.to_col(Alias::new(c));
    }
    fk.on_delete(action(&f.on_delete).1)
        .on_update(action(&f.on_update).1);
    fk
}

fn index_code(table: &str, i: &IndexInfo) -> String {
    let mut code = format!(
        "Index::create().name({}).table({})",
        lit(&i.name),
        lit(table)
    );
    for c in &i.columns {
        code.push_str(&format!(".col({})", lit(c)));
    }
    if i.unique {
        code.push_str(".unique()");
    }
    code
}

fn index_stmt(table: &str, i: &IndexInfo) -> sea_orm::sea_query::IndexCreateStatement {
    let mut index = Index::create();
    index.name(&i.name).table(Alias::new(table));
    for c in &i.columns {
        index.col(Alias::new(c));
    }
    if i.unique {
        index.unique();
    }
    index
}

fn pk_name(t: &TableInfo) -> String {
    t.primary_key_name
        .clone()
        .unwrap_or_else(|| crate::naming::primary_key(&t.name))
}

fn create_table(t: &TableInfo, backend: DbBackend) -> Step {
    let mut code = format!("Table::create()\n                .table({})", lit(&t.name));
    let mut stmt: TableCreateStatement = Table::create();
    stmt.table(Alias::new(&t.name));
    for c in &t.columns {
        code.push_str(&format!(
            "\n                .col({})",
            column_code(c, false)
        ));
        stmt.col(column_def(c, false));
    }
    if !t.primary_key.is_empty() {
        let mut pk_code = format!("Index::create().name({})", lit(&pk_name(t)));
        let mut pk = Index::create();
        pk.name(pk_name(t));
        for c in &t.primary_key {
            pk_code.push_str(&format!(".col({})", lit(c)));
            pk.col(Alias::new(c));
        }
        code.push_str(&format!("\n                .primary_key({pk_code})"));
        stmt.primary_key(&mut pk);
    }
    for u in &t.uniques {
        let mut u_code = String::from("Index::create()");
        let mut index = Index::create();
        if !u.name.is_empty() {
            u_code.push_str(&format!(".name({})", lit(&u.name)));
            index.name(&u.name);
        }
        for c in &u.columns {
            u_code.push_str(&format!(".col({})", lit(c)));
            index.col(Alias::new(c));
        }
        code.push_str(&format!("\n                .index({u_code}.unique())"));
        stmt.index(index.unique());
    }
    for f in &t.foreign_keys {
        code.push_str(&format!(
            "\n                .foreign_key({})",
            fk_code(&t.name, f, false)
        ));
        stmt.foreign_key(&mut fk_stmt(&t.name, f, false));
    }
    code.push_str("\n                .to_owned()");
    let mut sql = vec![backend.build(&stmt).to_string()];
    let mut code = format!(
        "manager\n        .create_table(\n            {code},\n        )\n        .await?;"
    );
    for i in &t.indexes {
        code.push_str(&format!(
            "\n    manager.create_index({}.to_owned()).await?;",
            index_code(&t.name, i)
        ));
        sql.push(backend.build(&index_stmt(&t.name, i)).to_string());
    }
    Step {
        comment: format!("create table {}", t.name),
        code,
        sql,
    }
}

fn execute(sql: &str) -> String {
    format!(
        "manager.get_connection().execute_unprepared({}).await?;",
        raw(sql)
    )
}

fn quote(backend: DbBackend, name: &str) -> String {
    match backend {
        DbBackend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

fn step(change: &Change, backend: DbBackend) -> Step {
    let q = |n: &str| quote(backend, n);
    let raw_step = |sql: String| Step {
        comment: change.describe(),
        code: execute(&sql),
        sql: vec![sql],
    };
    match change {
        Change::CreateEnum { name, values } => raw_step(format!(
            "CREATE TYPE {} AS ENUM ({})",
            q(name),
            values
                .iter()
                .map(|v| format!("'{}'", v.replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Change::AddEnumValues { name, values } => Step {
            comment: change.describe(),
            code: values
                .iter()
                .map(|v| {
                    execute(&format!(
                        "ALTER TYPE {} ADD VALUE IF NOT EXISTS '{}'",
                        q(name),
                        v.replace('\'', "''")
                    ))
                })
                .collect::<Vec<_>>()
                .join("\n    "),
            sql: values
                .iter()
                .map(|v| {
                    format!(
                        "ALTER TYPE {} ADD VALUE IF NOT EXISTS '{}'",
                        q(name),
                        v.replace('\'', "''")
                    )
                })
                .collect(),
        },
        Change::DropEnum { name, .. } => raw_step(format!("DROP TYPE {}", q(name))),
        Change::CreateTable(t) => create_table(t, backend),
        Change::DropTable(t) => Step {
            comment: change.describe(),
            code: format!(
                "manager.drop_table(Table::drop().table({}).to_owned()).await?;",
                lit(&t.name)
            ),
            sql: vec![
                backend
                    .build(Table::drop().table(Alias::new(&t.name)))
                    .to_string(),
            ],
        },
        Change::AddColumn { table, column } => Step {
            comment: change.describe(),
            code: format!(
                "manager\n        .alter_table(Table::alter().table({}).add_column({}).to_owned())\n        .await?;",
                lit(table),
                column_code(column, false)
            ),
            sql: vec![
                backend
                    .build(
                        Table::alter()
                            .table(Alias::new(table))
                            .add_column(column_def(column, false)),
                    )
                    .to_string(),
            ],
        },
        Change::DropColumn { table, column } => Step {
            comment: change.describe(),
            code: format!(
                "manager\n        .alter_table(Table::alter().table({}).drop_column({}).to_owned())\n        .await?;",
                lit(table),
                lit(&column.name)
            ),
            sql: vec![
                backend
                    .build(
                        Table::alter()
                            .table(Alias::new(table))
                            .drop_column(Alias::new(&column.name)),
                    )
                    .to_string(),
            ],
        },
        Change::AlterColumn { table, from, to } => {
            if backend == DbBackend::Postgres {
                let c = q(&to.name);
                let mut parts = Vec::new();
                if from.ty != to.ty {
                    parts.push(format!(
                        "ALTER COLUMN {c} TYPE {} USING {c}::{}",
                        to.ty, to.ty
                    ));
                }
                if from.nullable != to.nullable {
                    parts.push(format!(
                        "ALTER COLUMN {c} {}",
                        if to.nullable {
                            "DROP NOT NULL"
                        } else {
                            "SET NOT NULL"
                        }
                    ));
                }
                if from.default != to.default {
                    parts.push(match &to.default {
                        Some(d) => format!("ALTER COLUMN {c} SET DEFAULT {d}"),
                        None => format!("ALTER COLUMN {c} DROP DEFAULT"),
                    });
                }
                raw_step(format!("ALTER TABLE {} {}", q(table), parts.join(", ")))
            } else {
                Step {
                    comment: change.describe(),
                    code: format!(
                        "manager\n        .alter_table(Table::alter().table({}).modify_column({}).to_owned())\n        .await?;",
                        lit(table),
                        column_code(to, true)
                    ),
                    sql: vec![
                        backend
                            .build(
                                Table::alter()
                                    .table(Alias::new(table))
                                    .modify_column(column_def(to, true)),
                            )
                            .to_string(),
                    ],
                }
            }
        }
        Change::CreateIndex { table, index } => Step {
            comment: change.describe(),
            code: format!(
                "manager\n        .create_index({}.to_owned())\n        .await?;",
                index_code(table, index)
            ),
            sql: vec![backend.build(&index_stmt(table, index)).to_string()],
        },
        Change::DropIndex { table, index } => Step {
            comment: change.describe(),
            code: format!(
                "manager\n        .drop_index(Index::drop().name({}).table({}).to_owned())\n        .await?;",
                lit(&index.name),
                lit(table)
            ),
            sql: vec![
                backend
                    .build(Index::drop().name(&index.name).table(Alias::new(table)))
                    .to_string(),
            ],
        },
        Change::AddUnique { table, unique } => raw_step(format!(
            "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})",
            q(table),
            q(&unique.name),
            unique
                .columns
                .iter()
                .map(|c| q(c))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Change::DropUnique { table, unique } => raw_step(format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            q(table),
            q(&unique.name)
        )),
        Change::AddForeignKey { table, foreign_key } => Step {
            comment: change.describe(),
            code: format!(
                "manager\n        .create_foreign_key(\n            {}\n                .to_owned(),\n        )\n        .await?;",
                fk_code(table, foreign_key, true)
            ),
            sql: vec![
                backend
                    .build(&fk_stmt(table, foreign_key, true))
                    .to_string(),
            ],
        },
        Change::DropForeignKey { table, foreign_key } => {
            if backend == DbBackend::MySql {
                Step {
                    comment: change.describe() + " (and InnoDB's index of the same name)",
                    code: format!(
                        "drop_mysql_foreign_key(manager, {}, {}).await?;",
                        lit(table),
                        lit(&foreign_key.name)
                    ),
                    sql: vec![format!(
                        "ALTER TABLE {} DROP FOREIGN KEY {}",
                        q(table),
                        q(&foreign_key.name)
                    )],
                }
            } else {
                Step {
                    comment: change.describe(),
                    code: format!(
                        "manager\n        .drop_foreign_key(ForeignKey::drop().name({}).table({}).to_owned())\n        .await?;",
                        lit(&foreign_key.name),
                        lit(table)
                    ),
                    sql: vec![
                        backend
                            .build(
                                ForeignKey::drop()
                                    .name(&foreign_key.name)
                                    .table(Alias::new(table)),
                            )
                            .to_string(),
                    ],
                }
            }
        }
        Change::RebuildTable { from, to, .. } => {
            let copied: Vec<&str> = to
                .columns
                .iter()
                .filter(|c| from.column(&c.name).is_some())
                .map(|c| c.name.as_str())
                .collect();
            let create = to.sql.clone().unwrap_or_default();
            let indexes: Vec<String> = to.indexes.iter().filter_map(|i| i.sql.clone()).collect();
            let code = format!(
                "rebuild_sqlite_table(\n        manager,\n        {},\n        {},\n        &[{}],\n        &[{}],\n    )\n    .await?;",
                lit(&to.name),
                raw(&create),
                copied.iter().map(|c| lit(c)).collect::<Vec<_>>().join(", "),
                indexes
                    .iter()
                    .map(|s| raw(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut sql = super::rebuild::statements(&to.name, &create, &copied, &indexes);
            sql.retain(|s| !s.is_empty());
            Step {
                comment: format!("{} (rows are copied)", change.describe()),
                code,
                sql,
            }
        }
    }
}

fn backend_name(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "Postgres",
        DbBackend::MySql => "MySql",
        _ => "Sqlite",
    }
}

/// The `up` and `down` changes of `diff`: down is the inverse of up, last change first.
fn down_changes(diff: &Diff) -> (Vec<Change>, Vec<String>) {
    let mut down = Vec::new();
    let mut notes = Vec::new();
    for change in diff.changes.iter().rev() {
        match change.inverse() {
            Some(inverse) => down.push(inverse),
            None => notes.push(format!(
                "not undone: {} (PostgreSQL cannot remove enum labels)",
                change.describe()
            )),
        }
    }
    (down, notes)
}

/// The SQL of `diff`'s `up` (or, with `down`, of its `down`), one statement a line.
///
/// ```
/// use advanced_alchemy::migrate::catalog::{ColumnInfo, TableInfo};
/// use advanced_alchemy::migrate::diff::{Change, Diff};
/// let diff = Diff {
///     changes: vec![Change::AddColumn {
///         table: "post".into(),
///         column: ColumnInfo { name: "subtitle".into(), ty: "text".into(), nullable: true, default: None, auto_increment: false },
///     }],
///     warnings: vec![],
/// };
/// let sql = advanced_alchemy::migrate::render::sql(&diff, sea_orm::DbBackend::Postgres, false);
/// assert_eq!(sql, vec![r#"ALTER TABLE "post" ADD COLUMN "subtitle" text"#.to_owned()]);
/// ```
pub fn sql(diff: &Diff, backend: DbBackend, down: bool) -> Vec<String> {
    let changes = if down {
        down_changes(diff).0
    } else {
        diff.changes.clone()
    };
    changes.iter().flat_map(|c| step(c, backend).sql).collect()
}

/// The migration file for `diff`: revision `name`, generated on `backend`, with the user's
/// `message` and the time of generation in the header.
pub fn migration(
    diff: &Diff,
    backend: DbBackend,
    name: &str,
    message: &str,
    generated_at: &str,
) -> String {
    let (down, notes) = down_changes(diff);
    let mut out = String::new();
    out.push_str(&format!("// Migration {name}: {message}\n"));
    out.push_str(&format!(
        "//\n// Generated by `make-migrations` on {generated_at} against {backend_name:?}, from the\n// difference between the models and the database. Review it before applying it.\n",
        backend_name = backend
    ));
    if diff.changes.is_empty() {
        out.push_str("//\n// No changes: an empty migration to fill in by hand.\n");
    } else {
        out.push_str("//\n// Changes:\n");
        for change in &diff.changes {
            out.push_str(&format!("// * {}\n", change.describe()));
        }
    }
    if !diff.warnings.is_empty() || !notes.is_empty() {
        out.push_str("//\n// WARNINGS (read before applying):\n");
        for w in diff.warnings.iter().chain(notes.iter()) {
            out.push_str(&format!("// * {w}\n"));
        }
    }
    out.push_str("\nuse advanced_alchemy::migrate::prelude::*;\n\npub struct Migration;\n\n");
    out.push_str(&format!(
        "impl MigrationName for Migration {{\n    fn name(&self) -> &str {{\n        {}\n    }}\n}}\n\n",
        lit(name)
    ));
    let body = |changes: &[Change]| {
        let mut s = format!(
            "        expect_backend(manager, DbBackend::{})?;\n",
            backend_name(backend)
        );
        for change in changes {
            let st = step(change, backend);
            s.push_str(&format!("\n        // {}\n", st.comment));
            for (i, line) in st.code.lines().enumerate() {
                // the step's first line starts at the body's indentation; its other
                // lines carry their own (relative to one level in)
                s.push_str(if i == 0 { "        " } else { "    " });
                s.push_str(line);
                s.push('\n');
            }
        }
        s.push_str("        Ok(())");
        s
    };
    out.push_str("#[async_trait::async_trait]\nimpl MigrationTrait for Migration {\n");
    out.push_str("    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {\n");
    out.push_str(&body(&diff.changes));
    out.push_str("\n    }\n\n");
    out.push_str("    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {\n");
    out.push_str(&body(&down));
    out.push_str("\n    }\n");
    let rebuilds = diff
        .changes
        .iter()
        .any(|c| matches!(c, Change::RebuildTable { .. }));
    if rebuilds {
        out.push_str(
            "\n    // a table rebuild runs in a transaction of its own, with foreign keys off,\n    // which SQLite allows only outside a transaction\n    fn use_transaction(&self) -> Option<bool> {\n        Some(false)\n    }\n",
        );
    } else if backend != DbBackend::MySql {
        out.push_str(
            "\n    // all or nothing: a failed step leaves the database as it was\n    fn use_transaction(&self) -> Option<bool> {\n        Some(true)\n    }\n",
        );
    }
    out.push_str("}\n");
    out
}
