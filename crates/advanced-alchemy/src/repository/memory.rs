//! [`MemoryRepository`]: the repository's methods on a `Vec` of models, for unit tests.
//!
//! It evaluates the filters of [`filters`](crate::filters) in memory (see
//! [`MemoryQuery`] for the semantics: SQL's NULL logic,
//! exact text equality, byte order for text). A filter it cannot evaluate — a raw SeaORM
//! condition, an [`ExistsFilter`](crate::filters::ExistsFilter), a filter type of yours
//! without [`Filter::apply_in_memory`] — is
//! [`Error::UnsupportedFilter`], never ignored (Python's `SQLAlchemyAsyncMockRepository` skips raw
//! conditions and returns too many rows).
//!
//! ## When SQLite in memory is the better choice
//!
//! `advanced_alchemy::connect("sqlite::memory:")` and the real [`Repository`](super::Repository)
//! take a few milliseconds to set up and run the real SQL. Prefer it when the code under
//! test uses raw SeaORM conditions, `ExistsFilter`, joins or eager loading
//! (`get_many_with`), [`QueryRepository`](super::QueryRepository), upserts, cursor pages,
//! database defaults or constraints beyond the primary key and single-column `unique`
//! (foreign keys, composite `unique_key`, `CHECK`), or your `ModelHooks` (they need a
//! connection and do not run here). `MemoryRepository` is for fast, dependency-free tests
//! of code that reads and writes through the repository methods below with the filter
//! types, or where no SQLite driver is linked.
//!
//! Methods: `add`, `add_many`, `get`, `get_one`, `get_one_or_none`, `get_many`,
//! `get_many_and_count`, `count`, `exists`, `update`, `update_many`, `delete`,
//! `delete_many`, `delete_where` and, for [`SoftDelete`](crate::mixins::SoftDelete)
//! models, `restore` and `hard_delete`. Not here: `upsert`, `upsert_many`,
//! `get_or_upsert`, `get_and_update`, pages and eager loading.

use super::{key_tuple, pk_columns};
use crate::base::{Base, prepare_save};
use crate::error::{Error, Result};
use crate::filters::{Filter, MemoryQuery};
use crate::types::DateTimeUTC;
use sea_orm::sea_query::{Expr, ValueTuple};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ColumnType, DbBackend, EntityTrait, IdenStatic,
    IntoActiveModel, Iterable, ModelTrait, PrimaryKeyTrait, TryIntoModel, Value,
};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

type Key<E> = <<E as EntityTrait>::PrimaryKey as PrimaryKeyTrait>::ValueType;

/// The methods of [`Repository`](super::Repository) on models kept in memory: see the
/// [module docs](self) for what it does and when SQLite in memory is the better choice.
///
/// Clones share the rows (as two repositories share a database). Each write is all or
/// nothing: a duplicate key in `add_many` stores none of the rows.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String, pub published: bool } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::{BooleanFilter, LimitOffset, OrderBy, SearchFilter};
/// use advanced_alchemy::repository::memory::MemoryRepository;
/// use sea_orm::{ActiveValue::Set, ColumnTrait};
///
/// let posts = MemoryRepository::<post::Entity>::new();
/// for (title, published) in [("Hello", true), ("Draft", false), ("Hello again", true)] {
///     posts.add(post::ActiveModel { title: Set(title.into()), published: Set(published), ..Default::default() }).await?;
/// }
/// let (page, total) = posts
///     .get_many_and_count((
///         SearchFilter::new(post::Column::Title, "hello").ignore_case(true),
///         BooleanFilter::new(post::Column::Published, true),
///         OrderBy::desc(post::Column::Id),
///         LimitOffset::new(1, 0),
///     ))
///     .await?;
/// assert_eq!((page[0].title.as_str(), total), ("Hello again", 2));
/// assert_eq!(posts.get(2).await?.title, "Draft");       // integer keys count up from 1
///
/// // what memory cannot evaluate is an error, not "no filter"
/// let err = posts.get_many(post::Column::Title.eq("Draft")).await.unwrap_err();
/// assert!(matches!(err, advanced_alchemy::Error::UnsupportedFilter { .. }));
/// # Ok(()) }
/// ```
pub struct MemoryRepository<E: EntityTrait> {
    rows: Arc<Mutex<Vec<E::Model>>>,
    include_deleted: bool,
}

impl<E: EntityTrait> Clone for MemoryRepository<E> {
    fn clone(&self) -> Self {
        Self {
            rows: Arc::clone(&self.rows),
            include_deleted: self.include_deleted,
        }
    }
}

impl<E: EntityTrait> Default for MemoryRepository<E> {
    fn default() -> Self {
        Self {
            rows: Arc::new(Mutex::new(Vec::new())),
            include_deleted: false,
        }
    }
}

impl<E: EntityTrait> fmt::Debug for MemoryRepository<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryRepository")
            .field("model", &E::default().table_name())
            .field(
                "rows",
                &self
                    .rows
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .len(),
            )
            .field("include_deleted", &self.include_deleted)
            .finish()
    }
}

impl<E: Base> MemoryRepository<E>
where
    E::ActiveModel: TryIntoModel<E::Model>,
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    /// An empty repository.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads see soft-deleted rows too (as [`Repository::include_deleted`](super::Repository::include_deleted)).
    pub fn include_deleted(mut self) -> Self {
        self.include_deleted = true;
        self
    }

    /// Every stored row, soft-deleted ones included, in insertion order.
    pub fn rows(&self) -> Vec<E::Model> {
        self.lock().clone()
    }

    fn lock(&self) -> MutexGuard<'_, Vec<E::Model>> {
        // every write swaps in a complete new state, so a panic elsewhere cannot leave
        // half of one behind: the data under a poisoned lock is still consistent
        self.rows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn table(&self) -> &'static str {
        E::default().table_name()
    }

    /// Inserts one row and returns it: keys and audit columns filled as the model's
    /// save hook fills them, an integer key as the next number, a nullable column left
    /// unset as `None`, a column with a `default_value` as that value. Any other column
    /// left unset is `Error::InvalidRequest`; a duplicate primary key or `unique` column
    /// is `Error::DuplicateKey`.
    pub async fn add(&self, data: impl IntoActiveModel<E::ActiveModel>) -> Result<E::Model> {
        let mut rows = self.lock();
        let mut next = rows.clone();
        let model = self.insert_into(&mut next, data.into_active_model())?;
        *rows = next;
        Ok(model)
    }

    /// Inserts the rows, all or none.
    pub async fn add_many(
        &self,
        data: impl IntoIterator<Item = impl IntoActiveModel<E::ActiveModel>>,
    ) -> Result<Vec<E::Model>> {
        let mut rows = self.lock();
        let mut next = rows.clone();
        let mut added = Vec::new();
        for am in data {
            added.push(self.insert_into(&mut next, am.into_active_model())?);
        }
        *rows = next;
        Ok(added)
    }

    /// The row with primary key `id`, or `Error::NotFound`.
    pub async fn get(&self, id: impl Into<Key<E>>) -> Result<E::Model> {
        let key = key_tuple::<E>(id);
        let rows = self.lock();
        rows.iter()
            .find(|m| self.visible(m) && has_key::<E>(m, &key))
            .cloned()
            .ok_or_else(|| Error::not_found(self.table()))
    }

    /// The one row matching `filter`: `Error::NotFound` or `Error::MultipleResultsFound`
    /// otherwise.
    pub async fn get_one(&self, filter: impl Filter<E>) -> Result<E::Model> {
        self.get_one_or_none(filter)
            .await?
            .ok_or_else(|| Error::not_found(self.table()))
    }

    /// The one row matching `filter`, if any; `Error::MultipleResultsFound` for several.
    pub async fn get_one_or_none(&self, filter: impl Filter<E>) -> Result<Option<E::Model>> {
        let (mut rows, _) = self.select(&filter)?;
        match rows.len() {
            0 => Ok(None),
            1 => Ok(rows.pop()),
            _ => Err(Error::multiple_results(self.table())),
        }
    }

    /// The rows matching `filter`, ordered and paged as it says.
    pub async fn get_many(&self, filter: impl Filter<E>) -> Result<Vec<E::Model>> {
        Ok(self.select(&filter)?.0)
    }

    /// The page of rows and the number of rows matching `filter` in all.
    pub async fn get_many_and_count(&self, filter: impl Filter<E>) -> Result<(Vec<E::Model>, u64)> {
        self.select(&filter)
    }

    /// The number of rows matching `filter` (ordering and page ignored).
    pub async fn count(&self, filter: impl Filter<E>) -> Result<u64> {
        Ok(self.select(&filter)?.1)
    }

    /// Whether any row matches `filter`.
    pub async fn exists(&self, filter: impl Filter<E>) -> Result<bool> {
        Ok(self.count(filter).await? > 0)
    }

    /// Updates the row whose primary key `data` carries, writing the columns that are
    /// `Set` (`updated_at` moves), and returns it; `Error::NotFound` if there is none.
    pub async fn update(&self, data: impl IntoActiveModel<E::ActiveModel>) -> Result<E::Model> {
        let mut rows = self.lock();
        let mut next = rows.clone();
        let model = self.update_in(&mut next, data.into_active_model())?;
        *rows = next;
        Ok(model)
    }

    /// Updates each row as [`update`](Self::update) does, all or none.
    pub async fn update_many(
        &self,
        data: impl IntoIterator<Item = impl IntoActiveModel<E::ActiveModel>>,
    ) -> Result<Vec<E::Model>> {
        let mut rows = self.lock();
        let mut next = rows.clone();
        let mut updated = Vec::new();
        for am in data {
            updated.push(self.update_in(&mut next, am.into_active_model())?);
        }
        *rows = next;
        Ok(updated)
    }

    /// Deletes the row with primary key `id` (a soft-delete model: stamps `deleted_at`)
    /// and returns it; `Error::NotFound` if there is none.
    pub async fn delete(&self, id: impl Into<Key<E>>) -> Result<E::Model> {
        let key = key_tuple::<E>(id);
        let mut removed = self.remove(|repo, m| repo.visible(m) && has_key::<E>(m, &key))?;
        removed.pop().ok_or_else(|| Error::not_found(self.table()))
    }

    /// Deletes the rows with these keys and returns them; keys without a row are ignored.
    pub async fn delete_many<K: Into<Key<E>>>(
        &self,
        ids: impl IntoIterator<Item = K>,
    ) -> Result<Vec<E::Model>> {
        let keys: Vec<ValueTuple> = ids.into_iter().map(key_tuple::<E>).collect();
        self.remove(|repo, m| repo.visible(m) && keys.iter().any(|k| has_key::<E>(m, k)))
    }

    /// Deletes every row matching `filter`'s condition and returns them.
    pub async fn delete_where(&self, filter: impl Filter<E>) -> Result<Vec<E::Model>> {
        let mut query = MemoryQuery::<E>::new(Vec::new());
        filter.apply_in_memory(&mut query)?; // reject what cannot be evaluated, up front
        let matching = {
            let rows = self.lock();
            let mut query = MemoryQuery::<E>::new(rows.clone());
            filter.apply_in_memory(&mut query)?;
            let include = query.includes_deleted() || self.include_deleted;
            query
                .rows()
                .iter()
                .filter(|m| include || self.visible(m))
                .map(|m| pk_values::<E>(m))
                .collect::<Vec<_>>()
        };
        self.remove(|_, m| matching.contains(&pk_values::<E>(m)))
    }

    /// Clears `deleted_at` of a soft-deleted row and returns it: `Error::NotFound` if it
    /// is missing or not deleted, `Error::InvalidRequest` for a model without
    /// `SoftDelete`.
    pub async fn restore(&self, id: impl Into<Key<E>>) -> Result<E::Model> {
        let col = self.soft_delete_column()?;
        let key = key_tuple::<E>(id);
        let mut rows = self.lock();
        let mut next = rows.clone();
        let row = next
            .iter_mut()
            .find(|m| has_key::<E>(m, &key) && !self.visible(m))
            .ok_or_else(|| Error::not_found(self.table()))?;
        let mut am = row.clone().into_active_model();
        let null = <E::ActiveModel as ActiveModelTrait>::default_values().get(col);
        am.try_set(
            col,
            active_value(null).unwrap_or(Value::ChronoDateTimeUtc(None)),
        )
        .map_err(Error::from_db)?;
        let model = am.try_into_model().map_err(Error::from_db)?;
        *row = model.clone();
        *rows = next;
        Ok(model)
    }

    /// Removes the row with primary key `id` for good, soft-deleted or not.
    pub async fn hard_delete(&self, id: impl Into<Key<E>>) -> Result<E::Model> {
        let key = key_tuple::<E>(id);
        let mut rows = self.lock();
        let at = rows
            .iter()
            .position(|m| has_key::<E>(m, &key))
            .ok_or_else(|| Error::not_found(self.table()))?;
        Ok(rows.remove(at))
    }

    fn soft_delete_column(&self) -> Result<E::Column> {
        E::soft_delete_column().ok_or_else(|| {
            Error::InvalidRequest(format!("{} has no SoftDelete mixin", self.table()))
        })
    }

    /// Not soft-deleted (or deleted rows asked for).
    fn visible(&self, model: &E::Model) -> bool {
        match E::soft_delete_column() {
            Some(col) if !self.include_deleted => crate::filters::memory_is_null(model.get(col)),
            _ => true,
        }
    }

    fn select(&self, filter: &impl Filter<E>) -> Result<(Vec<E::Model>, u64)> {
        let rows = self.lock().clone();
        let mut query = MemoryQuery::<E>::new(rows);
        filter.apply_in_memory(&mut query)?;
        if !(query.includes_deleted() || self.include_deleted) {
            query.retain_where(|m| self.visible(m));
        }
        query.finish()
    }

    /// Removes (or soft-deletes) the rows `pick` chooses, all at once; returns them.
    fn remove(&self, pick: impl Fn(&Self, &E::Model) -> bool) -> Result<Vec<E::Model>> {
        let mut rows = self.lock();
        let mut next = Vec::with_capacity(rows.len());
        let mut removed = Vec::new();
        let stamp = E::soft_delete_column();
        for row in rows.iter() {
            if !pick(self, row) {
                next.push(row.clone());
                continue;
            }
            match stamp {
                Some(col) => {
                    let mut am = row.clone().into_active_model();
                    am.try_set(col, DateTimeUTC::now().into())
                        .map_err(Error::from_db)?;
                    let model = am.try_into_model().map_err(Error::from_db)?;
                    next.push(model.clone());
                    removed.push(model);
                }
                None => removed.push(row.clone()),
            }
        }
        *rows = next;
        Ok(removed)
    }

    fn insert_into(&self, rows: &mut Vec<E::Model>, am: E::ActiveModel) -> Result<E::Model> {
        let mut am = prepare_save(am, true, DbBackend::Sqlite);
        let defaults = <E::ActiveModel as ActiveModelTrait>::default_values();
        let keys = pk_columns::<E>();
        for col in E::Column::iter() {
            if !am.is_not_set(col) {
                continue;
            }
            let def = col.def();
            let value = if keys.len() == 1 && keys[0].as_str() == col.as_str() {
                next_integer_key::<E>(rows, col)
            } else if let Some(Expr::Value(v)) = def.get_column_default() {
                Some(v.clone())
            } else if def.is_null() {
                active_value(defaults.get(col))
            } else {
                None
            };
            let value = value.ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "column `{}` of {} is not set, and it has no default known in memory",
                    col.as_str(),
                    self.table()
                ))
            })?;
            am.try_set(col, value).map_err(Error::from_db)?;
        }
        let model = am.try_into_model().map_err(Error::from_db)?;
        self.check_unique(rows, &model, None)?;
        rows.push(model.clone());
        Ok(model)
    }

    fn update_in(&self, rows: &mut [E::Model], am: E::ActiveModel) -> Result<E::Model> {
        let mut key = Vec::new();
        for col in pk_columns::<E>() {
            match am.get(col) {
                ActiveValue::Set(v) | ActiveValue::Unchanged(v) => key.push(v),
                ActiveValue::NotSet => {
                    return Err(Error::InvalidRequest(format!(
                        "update of {} needs the primary key set",
                        self.table()
                    )));
                }
            }
        }
        let am = prepare_save(am, false, DbBackend::Sqlite);
        let at = rows
            .iter()
            .position(|m| self.visible(m) && same_values(&pk_values::<E>(m), &key))
            .ok_or_else(|| Error::not_found(self.table()))?;
        let mut merged = rows[at].clone().into_active_model();
        for col in E::Column::iter() {
            if let ActiveValue::Set(v) = am.get(col) {
                merged.try_set(col, v).map_err(Error::from_db)?;
            }
        }
        let model = merged.try_into_model().map_err(Error::from_db)?;
        self.check_unique(rows, &model, Some(at))?;
        rows[at] = model.clone();
        Ok(model)
    }

    /// The primary key and every `unique` column of `model` must be free (NULLs never
    /// clash). `skip`: the row being updated.
    fn check_unique(&self, rows: &[E::Model], model: &E::Model, skip: Option<usize>) -> Result<()> {
        let table = self.table();
        let key = pk_values::<E>(model);
        let others = || {
            rows.iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != skip)
                .map(|(_, m)| m)
        };
        if others().any(|m| same_values(&pk_values::<E>(m), &key)) {
            return Err(duplicate(table, crate::naming::primary_key(table)));
        }
        for col in E::Column::iter().filter(|c| c.def().is_unique()) {
            let value = crate::filters::memory_norm(model.get(col));
            if value.is_none() {
                continue;
            }
            if others().any(|m| crate::filters::memory_norm(m.get(col)) == value) {
                return Err(duplicate(table, crate::naming::unique(table, col.as_str())));
            }
        }
        Ok(())
    }
}

fn duplicate(table: &str, constraint: String) -> Error {
    Error::DuplicateKey {
        model: Some(table.to_owned()),
        detail: format!("{constraint} (in memory)"),
        constraint: Some(constraint),
        message: None,
    }
}

fn active_value(v: ActiveValue<Value>) -> Option<Value> {
    match v {
        ActiveValue::Set(v) | ActiveValue::Unchanged(v) => Some(v),
        ActiveValue::NotSet => None,
    }
}

fn pk_values<E: EntityTrait>(model: &E::Model) -> Vec<Value> {
    pk_columns::<E>()
        .into_iter()
        .map(|c| model.get(c))
        .collect()
}

fn same_values(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            let (x, y) = (
                crate::filters::memory_norm(x.clone()),
                crate::filters::memory_norm(y.clone()),
            );
            x.is_some() && x == y
        })
}

fn has_key<E: EntityTrait>(model: &E::Model, key: &ValueTuple) -> bool {
    let key: Vec<Value> = key.clone().into_iter().collect();
    same_values(&pk_values::<E>(model), &key)
}

/// The next integer key: one more than the largest stored (1 for the first row).
fn next_integer_key<E: EntityTrait>(rows: &[E::Model], col: E::Column) -> Option<Value> {
    let largest = rows
        .iter()
        .filter_map(|m| match m.get(col) {
            Value::BigInt(Some(i)) => Some(i),
            Value::Int(Some(i)) => Some(i.into()),
            Value::SmallInt(Some(i)) => Some(i.into()),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let next = largest.checked_add(1)?;
    match col.def().get_column_type() {
        ColumnType::BigInteger => Some(Value::BigInt(Some(next))),
        ColumnType::Integer => i32::try_from(next).ok().map(|n| Value::Int(Some(n))),
        ColumnType::SmallInteger => i16::try_from(next).ok().map(|n| Value::SmallInt(Some(n))),
        _ => None,
    }
}
