//! Bulk writes: `add_many` and `update_many`.
//!
//! Both run the model's save hooks per row (SeaORM's `insert_many`/`update_many` skip
//! them), so keys and audit columns are filled as for a single `add`/`update`, then write
//! one statement per chunk: a multi-row `INSERT … VALUES (…), (…)`, or an `UPDATE` that
//! joins the table to the new values by key (`WITH v AS (VALUES …) UPDATE … FROM v`; rows
//! that set different columns, and MySQL, use `SET col = CASE WHEN pk = … THEN … ELSE col
//! END … WHERE pk IN (…)`). Chunks stay under the backend's bind-parameter limit (or the
//! repository's [`chunk_size`](Repository::chunk_size)). PostgreSQL and SQLite return the
//! rows with `RETURNING`; MySQL, which has none, reads them back (`readback.rs`). A call
//! that needs several statements runs in one transaction (a savepoint inside yours), so a
//! failure leaves nothing behind.

use super::rows::{
    Key, am_key, group_by_columns, has, key_eq, key_in, model_key, returning, save_expr, sets,
};
use super::{Repository, active_models, atomic, pk_columns};
use crate::base::Base;
use crate::error::{Error, Result};
use sea_orm::sea_query::{
    Alias, CaseStatement, CommonTableExpression, Condition, Expr, ExprTrait, Query, Values,
};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend,
    IntoActiveModel, Iterable, QueryFilter, QuerySelect, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// Rows per statement of the `CASE WHEN pk = … THEN …` update (see `update_many`).
const CASE_ROWS: usize = 250;

impl<E, C> Repository<'_, E, C>
where
    E: Base,
    C: ConnectionTrait + TransactionTrait,
{
    /// Inserts many rows and returns them as stored, in input order (keys, defaults and
    /// audit columns filled). Save hooks run per row, as for [`add`](Self::add).
    ///
    /// One multi-row `INSERT` per chunk of rows (see [`chunk_size`](Self::chunk_size)); rows
    /// that set different columns go in separate statements, so every column a row leaves
    /// unset gets its database default (and database-assigned keys then follow the
    /// statements rather than the input order). On MySQL, which has no `RETURNING`, the rows are
    /// read back by key: client-side keys (UUID, nanoid) are known; autoincrement keys
    /// are derived from `LAST_INSERT_ID()` when the server hands one statement consecutive
    /// keys (`innodb_autoinc_lock_mode` 0 or 1, MariaDB's default), else the rows are
    /// inserted one by one.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// let added = posts
    ///     .add_many(["a", "b", "c"].map(|t| post::ActiveModel { title: Set(t.into()), ..Default::default() }))
    ///     .await?;
    /// assert_eq!(added.iter().map(|p| p.title.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    /// assert!(added.iter().all(|p| p.created_at == p.updated_at));
    /// assert_eq!(posts.count(()).await?, 3);
    /// # Ok(()) }
    /// ```
    pub async fn add_many(
        &self,
        data: impl IntoIterator<Item = impl IntoActiveModel<E::ActiveModel>>,
    ) -> Result<Vec<E::Model>> {
        let rows = active_models::<E>(data);
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let multi = rows.len() > 1 || self.backend() == DbBackend::MySql;
        atomic!(self, multi, |conn| async {
            let mut prepared = Vec::with_capacity(rows.len());
            for am in rows {
                prepared.push(
                    am.before_save(conn, true)
                        .await
                        .map_err(|e| self.db_err(e))?,
                );
            }
            let models = self.insert_rows(conn, &prepared).await?;
            self.after_save_all(conn, models, true).await
        })
    }

    /// Inserts prepared rows (hooks already run), chunked, and returns them in input order.
    pub(super) async fn insert_rows<X: ConnectionTrait>(
        &self,
        conn: &X,
        rows: &[E::ActiveModel],
    ) -> Result<Vec<E::Model>> {
        let mut out: Vec<Option<E::Model>> = vec![None; rows.len()];
        let mut autoinc = None;
        for (cols, positions) in group_by_columns::<E>(rows.iter().enumerate()) {
            for chunk in positions.chunks(self.rows_per_chunk(cols.len())) {
                let chunk_rows: Vec<&E::ActiveModel> = chunk.iter().map(|&i| &rows[i]).collect();
                let models = if conn.support_returning() {
                    let mut stmt = self.insert_statement(&cols, &chunk_rows)?;
                    stmt.returning(returning::<E>(self.backend()));
                    let returned = conn.query_all(&stmt).await.map_err(|e| self.db_err(e))?;
                    self.in_input_order(&chunk_rows, self.decode(returned)?)?
                } else {
                    self.insert_and_reselect(conn, &cols, &chunk_rows, &mut autoinc)
                        .await?
                };
                for (&i, model) in chunk.iter().zip(models) {
                    out[i] = Some(model);
                }
            }
        }
        out.into_iter()
            .map(|m| m.ok_or_else(|| self.unexpected("an inserted row was not read back".into())))
            .collect()
    }

    /// Updates many rows by primary key, each writing the columns it sets, and returns
    /// the updated rows in input order. Save hooks run per row (`updated_at` moves, as
    /// for [`update`](Self::update)); every row needs its primary key
    /// ([`Error::InvalidRequest`] otherwise, before anything is written).
    ///
    /// One `UPDATE` per chunk: on PostgreSQL and SQLite a join of the table to the new
    /// values by key, when the rows set the same columns; otherwise (and on MySQL)
    /// `UPDATE … SET col = CASE WHEN pk = … THEN … ELSE col END … WHERE pk IN (…)`, where a
    /// column a row does not set keeps its value, at most 250 rows per statement (its
    /// cost grows with the square of the rows). A key that matches no row —
    /// or a soft-deleted one, unless [`include_deleted`](Self::include_deleted) — is
    /// skipped and missing from the result (as in the Python library, which returns the
    /// updated rows only); compare lengths to detect it. A key given twice is updated
    /// once, the later row's values winning column by column. On MySQL the rows are
    /// locked (`FOR UPDATE`), updated and read back. A whole `Model` is stored as given,
    /// as in [`update`](Self::update): its columns that differ from the stored row are
    /// written.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String, pub views: i32 } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ActiveValue::{Set, Unchanged};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// let [a, b] = <[post::Model; 2]>::try_from(posts.add_many(["a", "b"].map(|t| post::ActiveModel {
    ///     title: Set(t.into()), views: Set(0), ..Default::default()
    /// })).await?).unwrap();
    ///
    /// let updated = posts.update_many([
    ///     post::ActiveModel { id: Unchanged(a.id), views: Set(10), ..Default::default() },
    ///     post::ActiveModel { id: Unchanged(b.id), title: Set("B".into()), ..Default::default() },
    ///     post::ActiveModel { id: Unchanged(999), title: Set("nobody".into()), ..Default::default() },
    /// ]).await?;
    /// assert_eq!(updated.len(), 2); // 999 does not exist
    /// assert_eq!((updated[0].title.as_str(), updated[0].views), ("a", 10));
    /// assert_eq!((updated[1].title.as_str(), updated[1].views), ("B", 0));
    /// assert_eq!(updated[0].created_at, a.created_at);
    /// assert!(updated[0].updated_at >= a.updated_at);
    /// # Ok(()) }
    /// ```
    pub async fn update_many(
        &self,
        data: impl IntoIterator<Item = impl IntoActiveModel<E::ActiveModel>>,
    ) -> Result<Vec<E::Model>> {
        let rows = active_models::<E>(data);
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let pk = pk_columns::<E>();
        if rows.iter().any(|am| am_key::<E>(am, &pk).is_none()) {
            return Err(self.err(Error::InvalidRequest(format!(
                "update_many of {} needs the primary key set in every row",
                self.model_name()
            ))));
        }
        let whole = rows.iter().any(|am| super::writes::is_whole_row::<E>(am));
        let multi = rows.len() > 1 || whole || self.backend() == DbBackend::MySql;
        atomic!(self, multi, |conn| async {
            // whole models: the columns that differ from the stored rows
            let rows = self.resolve_whole_rows(conn, rows).await?;
            // hooks, then one row per key (later values win column by column)
            let mut order: Vec<Key> = Vec::new();
            let mut by_pk: HashMap<Key, E::ActiveModel> = HashMap::new();
            for am in rows {
                let am = am
                    .before_save(conn, false)
                    .await
                    .map_err(|e| self.db_err(e))?;
                let Some(key) = am_key::<E>(&am, &pk) else {
                    return Err(self.err(Error::InvalidRequest(format!(
                        "a save hook of {} cleared the primary key of a row to update",
                        self.model_name()
                    ))));
                };
                match by_pk.get_mut(&key) {
                    Some(earlier) => {
                        for col in E::Column::iter() {
                            if let sea_orm::ActiveValue::Set(v) = am.get(col) {
                                earlier.try_set(col, v).map_err(|e| self.db_err(e))?;
                            }
                        }
                    }
                    None => {
                        order.push(key.clone());
                        by_pk.insert(key, am);
                    }
                }
            }
            let distinct: Vec<E::ActiveModel> =
                order.iter().filter_map(|k| by_pk.remove(k)).collect();
            // each column a row sets binds the key and the value; the key is bound again in IN
            let binds = distinct
                .iter()
                .map(|am| {
                    let set = E::Column::iter()
                        .filter(|c| sets(am, *c) && !has(&pk, *c))
                        .count();
                    set * (pk.len() + 1) + pk.len()
                })
                .max()
                .unwrap_or(1);
            // The CASE form tests every WHEN for every row, so its cost grows with the square
            // of the chunk: it gets small chunks (on MariaDB, 5,000 rows took 0.98 s in one
            // statement and 0.11 s in chunks of 250). The join form takes them whole.
            let mut per_chunk = self.rows_per_chunk(binds);
            let shape = |am: &E::ActiveModel| -> Vec<bool> {
                E::Column::iter()
                    .map(|c| sets(am, c) && !has(&pk, c))
                    .collect()
            };
            let uniform = distinct.windows(2).all(|w| shape(&w[0]) == shape(&w[1]));
            if !(uniform && conn.support_returning()) {
                per_chunk = per_chunk.min(CASE_ROWS);
            }
            let mut updated: HashMap<Key, E::Model> = HashMap::new();
            for chunk in distinct.chunks(per_chunk) {
                for model in self.update_chunk(conn, chunk).await? {
                    updated.insert(model_key::<E>(&model, &pk), model);
                }
            }
            let models: Vec<E::Model> = order.iter().filter_map(|k| updated.remove(k)).collect();
            self.after_save_all(conn, models, false).await
        })
    }

    /// One `UPDATE` for a chunk of rows with distinct keys; returns the rows it changed.
    async fn update_chunk<X: ConnectionTrait>(
        &self,
        conn: &X,
        rows: &[E::ActiveModel],
    ) -> Result<Vec<E::Model>> {
        let pk = pk_columns::<E>();
        let backend = self.backend();
        let live = match E::soft_delete_column() {
            Some(col) if !self.include_deleted => col.is_null().into(),
            _ => Condition::all(),
        };
        if conn.support_returning()
            && let Some(mut stmt) = self.values_update(rows, &pk)
        {
            stmt.cond_where(live).returning(returning::<E>(backend));
            let returned = conn.query_all(&stmt).await.map_err(|e| self.db_err(e))?;
            return self.decode(returned);
        }
        let keys: Vec<Key> = rows.iter().filter_map(|am| am_key::<E>(am, &pk)).collect();
        let scope = Condition::all()
            .add(key_in::<E>(backend, &pk, keys))
            .add(live);
        if conn.support_returning() {
            let Some(mut stmt) = self.case_update(rows, &pk) else {
                return E::find()
                    .filter(scope)
                    .all(conn)
                    .await
                    .map_err(|e| self.db_err(e));
            };
            stmt.cond_where(scope).returning(returning::<E>(backend));
            let returned = conn.query_all(&stmt).await.map_err(|e| self.db_err(e))?;
            return self.decode(returned);
        }
        // MySQL: lock the rows that will change, update exactly those, read them back
        let locked = E::find()
            .filter(scope)
            .lock_exclusive()
            .all(conn)
            .await
            .map_err(|e| self.db_err(e))?;
        let keys: Vec<Key> = locked.iter().map(|m| model_key::<E>(m, &pk)).collect();
        let locked_keys: HashSet<&Key> = keys.iter().collect();
        let rows: Vec<E::ActiveModel> = rows
            .iter()
            .filter(|am| am_key::<E>(am, &pk).is_some_and(|k| locked_keys.contains(&k)))
            .cloned()
            .collect();
        let Some(mut stmt) = self.case_update(&rows, &pk) else {
            return Ok(locked);
        };
        stmt.cond_where(key_in::<E>(backend, &pk, keys.clone()));
        conn.execute(&stmt).await.map_err(|e| self.db_err(e))?;
        self.reselect(conn, &pk, keys, true).await
    }

    /// `WITH aa_v (k0, …, s0, …) AS (VALUES (…), …) UPDATE t SET col = aa_v.s0, … FROM aa_v
    /// WHERE t.pk = aa_v.k0 …` (PostgreSQL, SQLite): the rows joined by key, so the work grows
    /// with the number of rows, where [`case_update`](Self::case_update) tests every `WHEN`
    /// for every row — quadratic, and on PostgreSQL a `CASE` of thousands of branches also
    /// sets off JIT compilation that takes seconds. `None` unless every row sets the same
    /// columns (rows that set different ones keep the `CASE` form).
    fn values_update(
        &self,
        rows: &[E::ActiveModel],
        pk: &[E::Column],
    ) -> Option<sea_orm::sea_query::UpdateStatement> {
        let first = rows.first()?;
        let cols: Vec<E::Column> = E::Column::iter()
            .filter(|c| !has(pk, *c) && sets(first, *c))
            .collect();
        if cols.is_empty() {
            return None;
        }
        let mut values = Vec::with_capacity(rows.len());
        for am in rows {
            let set = E::Column::iter()
                .filter(|c| !has(pk, *c) && sets(am, *c))
                .count();
            if set != cols.len() {
                return None;
            }
            let mut row = am_key::<E>(am, pk)?;
            for col in &cols {
                let sea_orm::ActiveValue::Set(value) = am.get(*col) else {
                    return None;
                };
                row.push(value);
            }
            values.push(Values(row));
        }
        let v = Alias::new("aa_v");
        let key = |i: usize| Alias::new(format!("k{i}"));
        let new = |i: usize| Alias::new(format!("s{i}"));
        let cte = CommonTableExpression::new()
            .table_name(v.clone())
            .columns((0..pk.len()).map(key).chain((0..cols.len()).map(new)))
            .values(values)
            .to_owned();
        let mut stmt = Query::update();
        stmt.table(E::default().table_ref()).from(v.clone());
        for (i, col) in cols.iter().enumerate() {
            stmt.value(*col, col.save_as(Expr::col((v.clone(), new(i)))));
        }
        let join = pk.iter().enumerate().fold(Condition::all(), |all, (i, c)| {
            all.add(Expr::col((E::default(), *c)).eq(c.save_as(Expr::col((v.clone(), key(i))))))
        });
        stmt.cond_where(join).with_cte(cte);
        Some(stmt)
    }

    /// `UPDATE t SET col = CASE WHEN <key> THEN <value> … ELSE col END, …` over the columns
    /// some row sets; `None` when no row sets any column.
    fn case_update(
        &self,
        rows: &[E::ActiveModel],
        pk: &[E::Column],
    ) -> Option<sea_orm::sea_query::UpdateStatement> {
        let mut stmt = Query::update();
        stmt.table(E::default().table_ref());
        let mut any = false;
        for col in E::Column::iter().filter(|c| !has(pk, *c)) {
            let mut case: Option<CaseStatement> = None;
            for am in rows {
                let (sea_orm::ActiveValue::Set(value), Some(key)) =
                    (am.get(col), am_key::<E>(am, pk))
                else {
                    continue;
                };
                let when = key_eq::<E>(pk, key);
                let then = save_expr::<E>(self.backend(), col, value);
                case = Some(match case {
                    None => Expr::case(when, then),
                    Some(case) => case.case(when, then),
                });
            }
            if let Some(case) = case {
                stmt.value(col, case.finally(Expr::col(col)));
                any = true;
            }
        }
        any.then_some(stmt)
    }
}
