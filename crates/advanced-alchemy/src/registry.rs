//! The model registry: every entity marked with the [`model`](crate::model) attribute,
//! and [`create_all`] / [`drop_all`] over them (Python's
//! `orm_registry.metadata.create_all`).
//!
//! Registration happens at link time (through [`inventory`]): an entity is in
//! [`orm_registry`] as soon as its crate is linked, with no list to keep. For a subset,
//! build a [`Registry`] by hand or filter by module path with [`Registry::only`].
//! The statements for each table come from [`TableSchema`].

use crate::base::Base;
use crate::error::Result;
use crate::schema::TableSchema;
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use std::collections::{BTreeMap, BTreeSet};

/// One registered model. Submitted by the [`model`](crate::model) attribute.
#[derive(Debug, Clone, Copy)]
pub struct ModelEntry {
    module_path: &'static str,
    table_name: fn() -> &'static str,
    schema: fn(DbBackend) -> TableSchema,
}

impl ModelEntry {
    /// The entry for entity `E`, declared in `module_path`.
    ///
    /// ```
    /// mod post {
    ///     use sea_orm::entity::prelude::*;
    ///     #[advanced_alchemy::model(BigIntBase)]
    ///     #[sea_orm::model]
    ///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    ///     #[sea_orm(table_name = "post")]
    ///     pub struct Model { pub title: String }
    /// }
    /// let entry = advanced_alchemy::registry::ModelEntry::new::<post::Entity>(module_path!());
    /// assert_eq!(entry.table_name(), "post");
    /// ```
    pub const fn new<E: Base>(module_path: &'static str) -> Self {
        Self {
            module_path,
            table_name: table_name_of::<E>,
            schema: TableSchema::of::<E>,
        }
    }

    /// The module the entity is declared in.
    pub fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// The entity's table name.
    pub fn table_name(&self) -> &'static str {
        (self.table_name)()
    }

    /// The entity's DDL on `backend`.
    pub fn schema(&self, backend: DbBackend) -> TableSchema {
        (self.schema)(backend)
    }
}

fn table_name_of<E: Base>() -> &'static str {
    E::default().table_name()
}

inventory::collect!(ModelEntry);

/// A set of models to create or drop together.
///
/// ```
/// mod tag {
///     use sea_orm::entity::prelude::*;
///     #[advanced_alchemy::model(UUIDBase)]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "tag")]
///     pub struct Model { pub name: String }
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::registry::Registry;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// let models = Registry::new().register::<tag::Entity>();
/// models.create_all(&db).await?;
/// models.create_all(&db).await?; // idempotent
/// models.drop_all(&db).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct Registry {
    entries: Vec<ModelEntry>,
}

/// Every model in the program: the Python library's `orm_registry`.
///
/// ```
/// let all = advanced_alchemy::registry::orm_registry();
/// for table in all.table_names() {
///     println!("{table}");
/// }
/// ```
pub fn orm_registry() -> Registry {
    Registry {
        entries: inventory::iter::<ModelEntry>.into_iter().copied().collect(),
    }
}

/// Creates every registered table, index and constraint that does not exist yet.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// advanced_alchemy::registry::create_all(&db).await?;
/// # Ok(()) }
/// ```
pub async fn create_all<C: ConnectionTrait>(db: &C) -> Result<()> {
    orm_registry().create_all(db).await
}

/// Drops every registered table that exists (dependents first).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// advanced_alchemy::registry::drop_all(&db).await?;
/// # Ok(()) }
/// ```
pub async fn drop_all<C: ConnectionTrait>(db: &C) -> Result<()> {
    orm_registry().drop_all(db).await
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds entity `E`.
    pub fn register<E: Base>(mut self) -> Self {
        self.entries
            .push(ModelEntry::new::<E>(std::any::type_name::<E>()));
        self
    }

    /// Keeps the models declared in `module_prefix` or below it (`"my_app::models"`).
    ///
    /// ```
    /// let none = advanced_alchemy::registry::orm_registry().only("no_such_crate");
    /// assert!(none.table_names().is_empty());
    /// ```
    pub fn only(mut self, module_prefix: &str) -> Self {
        self.entries.retain(|e| {
            e.module_path == module_prefix
                || e.module_path
                    .strip_prefix(module_prefix)
                    .is_some_and(|rest| rest.starts_with("::"))
        });
        self
    }

    /// Table names in creation order (referenced tables first).
    pub fn table_names(&self) -> Vec<String> {
        self.ordered(DbBackend::Sqlite)
            .into_iter()
            .map(|t| t.name)
            .collect()
    }

    /// Creates the tables that do not exist yet, referenced tables first.
    pub async fn create_all<C: ConnectionTrait>(&self, db: &C) -> Result<()> {
        let tables = self.ordered(db.get_database_backend());
        let mut types_done = BTreeSet::new();
        for (name, stmt) in tables.iter().flat_map(|t| t.types.iter()) {
            if types_done.insert(name.clone()) {
                db.execute_raw(stmt.clone()).await?;
            }
        }
        for table in tables {
            tracing::debug!(table = %table.name, "create_all");
            for stmt in table.create {
                db.execute_raw(stmt).await?;
            }
        }
        Ok(())
    }

    /// Drops the tables that exist, dependents first, then their PostgreSQL enum types.
    pub async fn drop_all<C: ConnectionTrait>(&self, db: &C) -> Result<()> {
        let backend = db.get_database_backend();
        let tables = self.ordered(backend);
        for table in tables.iter().rev() {
            tracing::debug!(table = %table.name, "drop_all");
            db.execute_raw(table.drop.clone()).await?;
        }
        let types: BTreeSet<&String> = tables
            .iter()
            .flat_map(|t| t.types.iter().map(|(n, _)| n))
            .collect();
        for name in types {
            db.execute_raw(Statement::from_string(
                backend,
                format!("DROP TYPE IF EXISTS {name}"),
            ))
            .await?;
        }
        Ok(())
    }

    /// The schemas, de-duplicated by table name and sorted so that every table comes
    /// after the tables it references (cycles keep declaration order).
    fn ordered(&self, backend: DbBackend) -> Vec<TableSchema> {
        let mut by_name: BTreeMap<String, TableSchema> = BTreeMap::new();
        for entry in &self.entries {
            let schema = entry.schema(backend);
            if by_name.contains_key(&schema.name) {
                tracing::warn!(
                    table = %schema.name,
                    module = entry.module_path,
                    "two registered models share a table name; the first one is used"
                );
                continue;
            }
            by_name.insert(schema.name.clone(), schema);
        }
        let mut done: BTreeSet<String> = BTreeSet::new();
        let mut out = Vec::with_capacity(by_name.len());
        while !by_name.is_empty() {
            let ready: Vec<String> = by_name
                .values()
                .filter(|t| {
                    t.references
                        .iter()
                        .all(|r| done.contains(r) || !by_name.contains_key(r))
                })
                .map(|t| t.name.clone())
                .collect();
            let batch = if ready.is_empty() {
                // a cycle: take one table and carry on
                by_name.keys().take(1).cloned().collect()
            } else {
                ready
            };
            for name in batch {
                if let Some(table) = by_name.remove(&name) {
                    done.insert(name);
                    out.push(table);
                }
            }
        }
        out
    }
}

/// SQLite reports `UNIQUE constraint failed: tag.slug` (columns, not a name). Find the
/// registered constraint on those columns; else the conventional name.
pub(crate) fn unique_constraint_for_sqlite_message(message: &str) -> Option<String> {
    let list = message.split("failed:").nth(1)?.trim();
    let mut table = None;
    let mut columns = Vec::new();
    for item in list.split(',') {
        let (t, c) = item.trim().split_once('.')?;
        table.get_or_insert_with(|| t.to_owned());
        columns.push(c.to_owned());
    }
    let table = table?;
    if let Some(entry) = inventory::iter::<ModelEntry>
        .into_iter()
        .find(|e| e.table_name() == table)
        .map(|e| e.schema(DbBackend::Sqlite))
    {
        if entry.primary_key == columns {
            return Some(crate::naming::primary_key(&table));
        }
        if let Some((name, _)) = entry.unique.iter().find(|(_, cols)| *cols == columns) {
            return Some(name.clone());
        }
    }
    Some(crate::naming::unique(&table, columns.first()?))
}
