//! What differs between the models ([`models::snapshot`](super::models::snapshot)) and a
//! live database ([`catalog::read`](super::catalog::read)), as a list of [`Change`]s in
//! the order a migration applies them, plus warnings for what needs a human (a column
//! dropped and one of the same type added may be a rename; a removed enum label).
//!
//! Covered: tables, columns (type, nullability, server default), primary keys (reported,
//! not altered), indexes, unique constraints, foreign keys with their `ON DELETE` /
//! `ON UPDATE`, PostgreSQL enum types. On SQLite a change that `ALTER TABLE` cannot make
//! is one [`Change::RebuildTable`]. [`render`](super::render) writes the migration.

use super::catalog::{ColumnInfo, ForeignKeyInfo, IndexInfo, Snapshot, TableInfo};
use sea_orm::DbBackend;
use std::collections::{BTreeMap, BTreeSet};

/// One schema change, from the live database towards the models.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // the variants' fields say what they hold
pub enum Change {
    /// A PostgreSQL enum type the models use and the database lacks.
    CreateEnum {
        name: String,
        values: Vec<String>,
    },
    /// Labels the models' enum has and the database's lacks (PostgreSQL cannot remove them).
    AddEnumValues {
        name: String,
        values: Vec<String>,
    },
    /// An enum type no model uses.
    DropEnum {
        name: String,
        values: Vec<String>,
    },
    /// A table the models have and the database lacks.
    CreateTable(TableInfo),
    /// A table in the database no model declares (its rows go with it).
    DropTable(TableInfo),
    AddColumn {
        table: String,
        column: ColumnInfo,
    },
    DropColumn {
        table: String,
        column: ColumnInfo,
    },
    /// Type, nullability or default changed.
    AlterColumn {
        table: String,
        from: ColumnInfo,
        to: ColumnInfo,
    },
    CreateIndex {
        table: String,
        index: IndexInfo,
    },
    DropIndex {
        table: String,
        index: IndexInfo,
    },
    AddUnique {
        table: String,
        unique: IndexInfo,
    },
    DropUnique {
        table: String,
        unique: IndexInfo,
    },
    AddForeignKey {
        table: String,
        foreign_key: ForeignKeyInfo,
    },
    DropForeignKey {
        table: String,
        foreign_key: ForeignKeyInfo,
    },
    /// SQLite: the table is rebuilt as the models declare it and its rows copied over
    /// (what Alembic's batch mode does); `reasons` are the changes that needed it.
    RebuildTable {
        from: Box<TableInfo>,
        to: Box<TableInfo>,
        reasons: Vec<String>,
    },
}

/// The result of a comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// Changes in the order they are applied.
    pub changes: Vec<Change>,
    /// What needs a human: possible renames, changes that are not generated.
    pub warnings: Vec<String>,
}

impl Diff {
    /// No change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

impl Change {
    /// One line saying what changes (`add column post.subtitle`).
    pub fn describe(&self) -> String {
        match self {
            Change::CreateEnum { name, values } => {
                format!("create enum type {name} ({})", values.join(", "))
            }
            Change::AddEnumValues { name, values } => {
                format!("add labels {} to enum type {name}", values.join(", "))
            }
            Change::DropEnum { name, .. } => format!("drop enum type {name}"),
            Change::CreateTable(t) => format!("create table {}", t.name),
            Change::DropTable(t) => format!("drop table {}", t.name),
            Change::AddColumn { table, column } => {
                format!("add column {table}.{} {}", column.name, column.ty)
            }
            Change::DropColumn { table, column } => format!("drop column {table}.{}", column.name),
            Change::AlterColumn { table, from, to } => {
                format!(
                    "alter column {table}.{}: {}",
                    to.name,
                    column_change(from, to)
                )
            }
            Change::CreateIndex { table, index } => format!(
                "create {}index {} on {table} ({})",
                if index.unique { "unique " } else { "" },
                index.name,
                index.columns.join(", ")
            ),
            Change::DropIndex { table, index } => format!("drop index {} on {table}", index.name),
            Change::AddUnique { table, unique } => format!(
                "add unique constraint {} on {table} ({})",
                unique.name,
                unique.columns.join(", ")
            ),
            Change::DropUnique { table, unique } => {
                format!("drop unique constraint {} on {table}", unique.name)
            }
            Change::AddForeignKey {
                table,
                foreign_key: f,
            } => format!(
                "add foreign key {} on {table} ({}) -> {} ({}) on delete {}",
                f.name,
                f.columns.join(", "),
                f.referred_table,
                f.referred_columns.join(", "),
                f.on_delete.to_lowercase()
            ),
            Change::DropForeignKey { table, foreign_key } => {
                format!("drop foreign key {} on {table}", foreign_key.name)
            }
            Change::RebuildTable { to, reasons, .. } => {
                format!("rebuild table {} ({})", to.name, reasons.join("; "))
            }
        }
    }

    /// The change that undoes this one, if there is one.
    pub fn inverse(&self) -> Option<Change> {
        Some(match self.clone() {
            Change::CreateEnum { name, values } => Change::DropEnum { name, values },
            Change::DropEnum { name, values } => Change::CreateEnum { name, values },
            Change::AddEnumValues { .. } => return None,
            Change::CreateTable(t) => Change::DropTable(t),
            Change::DropTable(t) => Change::CreateTable(t),
            Change::AddColumn { table, column } => Change::DropColumn { table, column },
            Change::DropColumn { table, column } => Change::AddColumn { table, column },
            Change::AlterColumn { table, from, to } => Change::AlterColumn {
                table,
                from: to,
                to: from,
            },
            Change::CreateIndex { table, index } => Change::DropIndex { table, index },
            Change::DropIndex { table, index } => Change::CreateIndex { table, index },
            Change::AddUnique { table, unique } => Change::DropUnique { table, unique },
            Change::DropUnique { table, unique } => Change::AddUnique { table, unique },
            Change::AddForeignKey { table, foreign_key } => {
                Change::DropForeignKey { table, foreign_key }
            }
            Change::DropForeignKey { table, foreign_key } => {
                Change::AddForeignKey { table, foreign_key }
            }
            Change::RebuildTable { from, to, reasons } => Change::RebuildTable {
                from: to,
                to: from,
                reasons,
            },
        })
    }
}

fn column_change(from: &ColumnInfo, to: &ColumnInfo) -> String {
    let mut parts = Vec::new();
    if from.ty != to.ty || from.auto_increment != to.auto_increment {
        parts.push(format!("type {} -> {}", from.ty, to.ty));
    }
    if from.nullable != to.nullable {
        parts.push(if to.nullable { "nullable" } else { "not null" }.to_owned());
    }
    if from.default != to.default {
        parts.push(format!(
            "default {} -> {}",
            from.default.as_deref().unwrap_or("none"),
            to.default.as_deref().unwrap_or("none")
        ));
    }
    parts.join(", ")
}

/// The changes that turn `live` into `models`.
///
/// ```
/// use advanced_alchemy::migrate::catalog::{ColumnInfo, Snapshot, TableInfo};
/// use advanced_alchemy::migrate::diff::{diff, Change};
///
/// let column = |name: &str| ColumnInfo {
///     name: name.into(), ty: "text".into(), nullable: true, default: None, auto_increment: false,
/// };
/// let mut live = Snapshot::default();
/// live.tables.insert("note".into(), TableInfo { name: "note".into(), columns: vec![column("body")], ..Default::default() });
/// let mut models = live.clone();
/// models.tables.get_mut("note").unwrap().columns.push(column("title"));
///
/// let d = diff(&models, &live, sea_orm::DbBackend::Postgres);
/// assert!(matches!(&d.changes[..], [Change::AddColumn { column, .. }] if column.name == "title"));
/// assert!(diff(&live, &live, sea_orm::DbBackend::Postgres).is_empty());
/// ```
pub fn diff(models: &Snapshot, live: &Snapshot, backend: DbBackend) -> Diff {
    let mut out = Diff::default();
    let mut phases: BTreeMap<u8, Vec<Change>> = BTreeMap::new();
    let mut push = |phase: u8, change: Change| phases.entry(phase).or_default().push(change);

    for (name, values) in &models.enums {
        match live.enums.get(name) {
            None => push(
                0,
                Change::CreateEnum {
                    name: name.clone(),
                    values: values.clone(),
                },
            ),
            Some(have) => {
                let added: Vec<String> = values
                    .iter()
                    .filter(|v| !have.contains(v))
                    .cloned()
                    .collect();
                let removed: Vec<&String> = have.iter().filter(|v| !values.contains(v)).collect();
                if !added.is_empty() {
                    push(
                        0,
                        Change::AddEnumValues {
                            name: name.clone(),
                            values: added,
                        },
                    );
                }
                if !removed.is_empty() {
                    out.warnings.push(format!(
                        "enum type {name} has labels the models no longer list ({}); PostgreSQL cannot drop a label, so no change is generated",
                        removed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
    }
    for (name, values) in &live.enums {
        if !models.enums.contains_key(name) {
            push(
                9,
                Change::DropEnum {
                    name: name.clone(),
                    values: values.clone(),
                },
            );
        }
    }

    let created: Vec<&TableInfo> = models
        .tables
        .values()
        .filter(|t| !live.tables.contains_key(&t.name))
        .collect();
    for table in dependency_order(&created) {
        push(3, Change::CreateTable(table.clone()));
    }
    let dropped: Vec<&TableInfo> = live
        .tables
        .values()
        .filter(|t| !models.tables.contains_key(&t.name))
        .collect();
    for table in dependency_order(&dropped).into_iter().rev() {
        out.warnings.push(format!(
            "table {} is not among the models: the migration drops it with its rows",
            table.name
        ));
        push(8, Change::DropTable(table.clone()));
    }

    for (name, want) in &models.tables {
        let Some(have) = live.tables.get(name) else {
            continue;
        };
        table_changes(want, have, backend, &mut push, &mut out.warnings);
    }
    out.changes = phases.into_values().flatten().collect();
    out
}

fn same_fk(a: &ForeignKeyInfo, b: &ForeignKeyInfo, backend: DbBackend) -> bool {
    let shape = a.columns == b.columns
        && a.referred_table == b.referred_table
        && a.referred_columns == b.referred_columns
        && a.on_delete == b.on_delete
        && a.on_update == b.on_update;
    // SQLite's catalog has no names for keys a migration built with sea-query
    shape && (backend == DbBackend::Sqlite || a.name == b.name)
}

fn same_index(a: &IndexInfo, b: &IndexInfo) -> bool {
    // (SQLite's stored SQL text is not compared: quoting differs between writers)
    a.name == b.name && a.columns == b.columns && a.unique == b.unique
}

/// Two spellings of one column. Besides equality, two pairs that Python's Advanced
/// Alchemy and this library write differently for the same thing count as equal:
/// * a single-column integer key the database numbers (`bigserial`, `AUTO_INCREMENT`)
///   and the same integer key numbered by a separate sequence (Python declares
///   `Sequence("<table>_id_seq")`, so PostgreSQL gets a plain `bigint` and MySQL no
///   `AUTO_INCREMENT`): a migration between them would only churn the key;
/// * SQLite's `json` and `text` (both keep the JSON text as written).
fn same_column(a: &ColumnInfo, b: &ColumnInfo, single_key: bool, backend: DbBackend) -> bool {
    if a == b {
        return true;
    }
    if a.name != b.name || a.nullable != b.nullable || a.default != b.default {
        return false;
    }
    let serial = |t: &str| match t {
        "bigserial" => "bigint".to_owned(),
        "serial" => "integer".to_owned(),
        "smallserial" => "smallint".to_owned(),
        other => other.to_owned(),
    };
    let json_text = |t: &str| {
        if t == "json" {
            "text".to_owned()
        } else {
            t.to_owned()
        }
    };
    match backend {
        DbBackend::Postgres if single_key => serial(&a.ty) == serial(&b.ty),
        DbBackend::MySql if single_key => a.ty == b.ty,
        DbBackend::Sqlite => {
            json_text(&a.ty) == json_text(&b.ty) && a.auto_increment == b.auto_increment
        }
        _ => false,
    }
}

fn same_unique(a: &IndexInfo, b: &IndexInfo, backend: DbBackend) -> bool {
    a.columns == b.columns && (backend == DbBackend::Sqlite || a.name == b.name)
}

fn table_changes(
    want: &TableInfo,
    have: &TableInfo,
    backend: DbBackend,
    push: &mut impl FnMut(u8, Change),
    warnings: &mut Vec<String>,
) {
    let table = want.name.clone();
    let mut rebuild = Vec::new();
    let mut changes: Vec<(u8, Change)> = Vec::new();

    let added: Vec<&ColumnInfo> = want
        .columns
        .iter()
        .filter(|c| have.column(&c.name).is_none())
        .collect();
    let removed: Vec<&ColumnInfo> = have
        .columns
        .iter()
        .filter(|c| want.column(&c.name).is_none())
        .collect();
    for old in &removed {
        for new in added.iter().filter(|n| n.ty == old.ty) {
            warnings.push(format!(
                "{table}.{} is dropped and {table}.{} of the same type ({}) is added: if this is a rename, \
                 edit the migration to rename the column, or the column's data is lost",
                old.name, new.name, old.ty
            ));
        }
    }
    for column in &added {
        let addable = column.nullable || column.default.is_some();
        if backend == DbBackend::Sqlite && !addable {
            rebuild.push(format!("add not-null column {}", column.name));
        }
        changes.push((
            4,
            Change::AddColumn {
                table: table.clone(),
                column: (*column).clone(),
            },
        ));
    }
    for column in &removed {
        if backend == DbBackend::Sqlite {
            rebuild.push(format!("drop column {}", column.name));
        }
        changes.push((
            5,
            Change::DropColumn {
                table: table.clone(),
                column: (*column).clone(),
            },
        ));
    }
    for to in &want.columns {
        let Some(from) = have.column(&to.name) else {
            continue;
        };
        let single_key = want.primary_key.len() == 1 && want.primary_key[0] == to.name;
        if !same_column(from, to, single_key, backend) {
            if backend == DbBackend::Sqlite {
                rebuild.push(format!(
                    "alter column {}: {}",
                    to.name,
                    column_change(from, to)
                ));
            }
            changes.push((
                4,
                Change::AlterColumn {
                    table: table.clone(),
                    from: from.clone(),
                    to: to.clone(),
                },
            ));
        }
    }
    if want.primary_key != have.primary_key {
        if backend == DbBackend::Sqlite {
            rebuild.push("change the primary key".to_owned());
        } else {
            warnings.push(format!(
                "the primary key of {table} changed ({} -> {}): not generated, write it by hand",
                have.primary_key.join(", "),
                want.primary_key.join(", ")
            ));
        }
    }

    for index in &have.indexes {
        if !want.indexes.iter().any(|i| same_index(i, index)) {
            changes.push((
                2,
                Change::DropIndex {
                    table: table.clone(),
                    index: index.clone(),
                },
            ));
        }
    }
    for index in &want.indexes {
        if !have.indexes.iter().any(|i| same_index(i, index)) {
            changes.push((
                6,
                Change::CreateIndex {
                    table: table.clone(),
                    index: index.clone(),
                },
            ));
        }
    }
    for unique in &have.uniques {
        if !want.uniques.iter().any(|u| same_unique(u, unique, backend)) {
            if backend == DbBackend::Sqlite {
                rebuild.push(format!("drop unique ({})", unique.columns.join(", ")));
            }
            changes.push((
                2,
                Change::DropUnique {
                    table: table.clone(),
                    unique: unique.clone(),
                },
            ));
        }
    }
    for unique in &want.uniques {
        if !have.uniques.iter().any(|u| same_unique(u, unique, backend)) {
            if backend == DbBackend::Sqlite {
                rebuild.push(format!("add unique {}", unique.name));
            }
            changes.push((
                6,
                Change::AddUnique {
                    table: table.clone(),
                    unique: unique.clone(),
                },
            ));
        }
    }
    for fk in &have.foreign_keys {
        if !want.foreign_keys.iter().any(|f| same_fk(f, fk, backend)) {
            if backend == DbBackend::Sqlite {
                rebuild.push(format!("drop foreign key ({})", fk.columns.join(", ")));
            }
            changes.push((
                1,
                Change::DropForeignKey {
                    table: table.clone(),
                    foreign_key: fk.clone(),
                },
            ));
        }
    }
    for fk in &want.foreign_keys {
        if !have.foreign_keys.iter().any(|f| same_fk(f, fk, backend)) {
            if backend == DbBackend::Sqlite {
                rebuild.push(format!("add foreign key {}", fk.name));
            }
            changes.push((
                7,
                Change::AddForeignKey {
                    table: table.clone(),
                    foreign_key: fk.clone(),
                },
            ));
        }
    }

    if rebuild.is_empty() {
        for (phase, change) in changes {
            push(phase, change);
        }
    } else {
        // one rebuild does every change of the table, its indexes included
        push(
            4,
            Change::RebuildTable {
                from: Box::new(have.clone()),
                to: Box::new(want.clone()),
                reasons: changes.iter().map(|(_, c)| c.describe()).collect(),
            },
        );
    }
}

/// Referenced tables first (cycles keep name order).
fn dependency_order<'a>(tables: &[&'a TableInfo]) -> Vec<&'a TableInfo> {
    let names: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut out = Vec::new();
    while out.len() < tables.len() {
        let before = out.len();
        for table in tables {
            if done.contains(table.name.as_str()) {
                continue;
            }
            let ready = table.foreign_keys.iter().all(|f| {
                f.referred_table == table.name
                    || !names.contains(f.referred_table.as_str())
                    || done.contains(f.referred_table.as_str())
            });
            if ready {
                done.insert(&table.name);
                out.push(*table);
            }
        }
        if out.len() == before {
            // a cycle: take the rest as they come
            for table in tables {
                if done.insert(&table.name) {
                    out.push(*table);
                }
            }
        }
    }
    out
}
