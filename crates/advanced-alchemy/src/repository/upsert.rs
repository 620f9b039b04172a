//! Upserts: `upsert` and `upsert_many` (insert, or update the row with the same key).
//!
//! PostgreSQL and SQLite: `INSERT … ON CONFLICT (key) DO UPDATE SET … RETURNING …`, one
//! statement per chunk. MySQL: `INSERT … ON DUPLICATE KEY UPDATE …`, then the rows are
//! read back by key. Those need the key (the match fields, or the primary key) to be a
//! primary key or unique constraint, which the repository asks the database's catalog
//! (MySQL's `ON DUPLICATE KEY` would otherwise match whatever unique key collides); other
//! match fields take a lookup-then-write path under a lock (see `upsert_many`).
//!
//! `get_or_upsert` and `get_and_update` are in `get_or_upsert.rs`.

use super::rows::{Key, am_key, by_key, group_by_columns, has, key_eq};
use super::{Repository, active_models, atomic, pk_columns};
use crate::base::Base;
use crate::error::{Error, Result};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelBehavior, ConnectionTrait, DbBackend, DbErr, IdenStatic, IntoActiveModel,
    QueryFilter, RuntimeErr, Statement, TransactionTrait, Value,
};
use std::collections::HashMap;

impl<E, C> Repository<'_, E, C>
where
    E: Base,
    C: ConnectionTrait + TransactionTrait,
{
    /// Inserts `data`, or updates the row that has the same `match_fields` (default: the
    /// primary key), and returns the row as stored. See [`upsert_many`](Self::upsert_many).
    ///
    /// ```
    /// # mod user { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(UUIDv7AuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "user_account")]
    /// #   pub struct Model { #[sea_orm(unique)] pub email: String, pub name: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<user::Entity>().create_all(&db).await?;
    /// let users = advanced_alchemy::repository::Repository::<user::Entity, _>::new(&db);
    /// let by_email = Some(&[user::Column::Email][..]);
    /// let ada = |name: &str| user::ActiveModel {
    ///     email: Set("ada@example.com".into()), name: Set(name.into()), ..Default::default()
    /// };
    ///
    /// let first = users.upsert(ada("Ada"), by_email).await?;
    /// let second = users.upsert(ada("Ada Lovelace"), by_email).await?;
    /// assert_eq!(second.id, first.id); // the existing row keeps its key…
    /// assert_eq!(second.created_at, first.created_at); // …and its created_at
    /// assert_eq!(second.name, "Ada Lovelace");
    /// assert_eq!(users.count(()).await?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn upsert(
        &self,
        data: impl IntoActiveModel<E::ActiveModel>,
        match_fields: Option<&[E::Column]>,
    ) -> Result<E::Model> {
        let mut rows = self.upsert_many([data], match_fields).await?;
        rows.pop()
            .ok_or_else(|| self.unexpected("an upserted row was not returned".into()))
    }

    /// Inserts each row, or updates the row that has the same `match_fields` (default:
    /// the primary key); returns one stored row per input row, in input order.
    ///
    /// * Save hooks run per row with `insert = true`: new rows get client-side keys and
    ///   audit columns. An existing row keeps its primary key and `created_at`; the
    ///   columns a row sets are written (never the match fields, the primary key or
    ///   `created_at`), and `updated_at` moves. `after_save` does not run: a native upsert
    ///   does not say which rows it inserted.
    /// * Rows whose match fields are unset or NULL cannot match anything and are
    ///   inserted (a database-assigned key that is not set yet, for instance).
    /// * Rows with the same match key in one call: the last one is written (PostgreSQL
    ///   refuses to touch a row twice in one statement), and each of their positions in
    ///   the result holds that row.
    /// * Match fields that a primary key or unique constraint covers exactly take the
    ///   race-free native path (`ON CONFLICT` / `ON DUPLICATE KEY`). Any other match
    ///   fields are accepted, as in the Python library, and take its path: each row is
    ///   looked up under the strongest lock the backend has (PostgreSQL: an advisory
    ///   lock on the key, then `FOR UPDATE`; MySQL: `FOR UPDATE`, which also locks the
    ///   gap; SQLite: the `BEGIN IMMEDIATE` write lock), then the one match is updated or
    ///   the row inserted; several matches are [`Error::MultipleResultsFound`]. Only a
    ///   unique constraint makes this safe against writers that do not take the same
    ///   lock (plain inserts, other programs).
    /// * Match keys compare as the column's collation compares them, as the unique
    ///   index does. MySQL and MariaDB's default collations ignore case (and trailing
    ///   spaces, and some accents): upserting `AGATHA@example.com` updates the row stored
    ///   as `agatha@example.com`, and the row returned carries the stored spelling, not
    ///   the one sent (the match fields are never rewritten). PostgreSQL and SQLite
    ///   compare bytes: the same call inserts a second row. Use a binary collation
    ///   (`utf8mb4_bin`) on MySQL, or normalise the key (`lower()`) before the call, to
    ///   get one behaviour everywhere. The same holds for `get_or_upsert` and for the
    ///   text filters (see [`filters`](crate::filters)).
    /// * Chunked under the bind-parameter limit; several statements run in one
    ///   transaction (a savepoint inside yours), so a failure writes nothing.
    ///
    /// ```
    /// # mod tag { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "tag")]
    /// #   pub struct Model { #[sea_orm(unique)] pub name: String, pub uses: i32 } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<tag::Entity>().create_all(&db).await?;
    /// let tags = advanced_alchemy::repository::Repository::<tag::Entity, _>::new(&db);
    /// let tag = |name: &str, uses| tag::ActiveModel { name: Set(name.into()), uses: Set(uses), ..Default::default() };
    /// let by_name = Some(&[tag::Column::Name][..]);
    ///
    /// let rust = tags.add(tag("rust", 1)).await?;
    /// let rows = tags.upsert_many([tag("rust", 2), tag("sql", 1)], by_name).await?;
    /// assert_eq!(rows[0].id, rust.id);
    /// assert_eq!((rows[0].uses, rows[1].name.as_str()), (2, "sql"));
    /// assert_eq!(tags.count(()).await?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn upsert_many(
        &self,
        data: impl IntoIterator<Item = impl IntoActiveModel<E::ActiveModel>>,
        match_fields: Option<&[E::Column]>,
    ) -> Result<Vec<E::Model>> {
        let rows = active_models::<E>(data);
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let target = match match_fields {
            Some([]) => {
                return Err(self.err(Error::InvalidRequest(format!(
                    "upsert of {}: match_fields is empty",
                    self.model_name()
                ))));
            }
            Some(fields) => fields.to_vec(),
            None => pk_columns::<E>(),
        };
        let unique = self.unique_target(self.conn, &target).await?;
        let multi = rows.len() > 1 || !unique || self.backend() == DbBackend::MySql;
        atomic!(self, multi, |conn| self
            .upsert_on(conn, rows, &target, unique))
    }

    async fn upsert_on<X: ConnectionTrait>(
        &self,
        conn: &X,
        rows: Vec<E::ActiveModel>,
        target: &[E::Column],
        unique: bool,
    ) -> Result<Vec<E::Model>> {
        // hooks first: they may fill the key columns; then one row per match key, the last
        // one winning, and `slots` remembering which distinct row each input became
        let mut distinct: Vec<E::ActiveModel> = Vec::with_capacity(rows.len());
        let mut keys: Vec<Option<Key>> = Vec::with_capacity(rows.len());
        let mut slots = Vec::with_capacity(rows.len());
        let mut seen: HashMap<Key, usize> = HashMap::new();
        for mut am in rows {
            // an upsert is a write now: `updated_at` moves unless the caller `Set` it (a
            // model turned into an active model carries its old value as `Unchanged`)
            if let Some((_, updated)) = E::audit_columns()
                && !matches!(
                    sea_orm::ActiveModelTrait::get(&am, updated),
                    sea_orm::ActiveValue::Set(_)
                )
            {
                sea_orm::ActiveModelTrait::not_set(&mut am, updated);
            }
            let am = am
                .before_save(conn, true)
                .await
                .map_err(|e| self.db_err(e))?;
            let key = am_key::<E>(&am, target);
            match key.as_ref().and_then(|k| seen.get(k)) {
                Some(&slot) => {
                    distinct[slot] = am;
                    slots.push(slot);
                }
                None => {
                    if let Some(k) = &key {
                        seen.insert(k.clone(), distinct.len());
                    }
                    slots.push(distinct.len());
                    distinct.push(am);
                    keys.push(key);
                }
            }
        }
        let mut stored: Vec<Option<E::Model>> = vec![None; distinct.len()];
        // Rows in one fixed order of their keys, whatever order the caller gave: two calls
        // writing the same keys then lock them in the same order instead of deadlocking.
        let mut keyed: Vec<(String, usize)> = keys
            .iter()
            .enumerate()
            .filter_map(|(i, key)| key.as_ref().map(|k| (format!("{k:?}"), i)))
            .collect();
        keyed.sort_unstable();
        if !unique {
            // no unique constraint to conflict on: look each row up (Python's way)
            for (_, i) in &keyed {
                if let Some(key) = &keys[*i] {
                    stored[*i] = Some(
                        self.upsert_by_lookup(conn, &distinct[*i], target, key)
                            .await?,
                    );
                }
            }
            keyed.clear();
        }
        let groups = group_by_columns::<E>(keyed.iter().map(|(_, i)| (*i, &distinct[*i])));
        for (cols, positions) in groups {
            for chunk in positions.chunks(self.rows_per_chunk(cols.len())) {
                let chunk_rows: Vec<&E::ActiveModel> =
                    chunk.iter().map(|&i| &distinct[i]).collect();
                let chunk_keys: Vec<Key> = chunk.iter().filter_map(|&i| keys[i].clone()).collect();
                let models = self
                    .upsert_chunk(conn, &cols, &chunk_rows, target, &chunk_keys)
                    .await?;
                for (&i, model) in chunk.iter().zip(models) {
                    stored[i] = Some(model);
                }
            }
        }
        // rows that cannot conflict on the target: plain inserts
        let unkeyed: Vec<usize> = (0..distinct.len()).filter(|&i| keys[i].is_none()).collect();
        if !unkeyed.is_empty() {
            let plain: Vec<E::ActiveModel> = unkeyed.iter().map(|&i| distinct[i].clone()).collect();
            for (i, model) in unkeyed
                .into_iter()
                .zip(self.insert_rows(conn, &plain).await?)
            {
                stored[i] = Some(model);
            }
        }
        slots
            .into_iter()
            .map(|slot| {
                stored[slot]
                    .clone()
                    .ok_or_else(|| self.unexpected("an upserted row was not read back".into()))
            })
            .collect()
    }

    /// One `INSERT … ON CONFLICT DO UPDATE` (or `ON DUPLICATE KEY UPDATE`) for rows that
    /// carry the same columns and distinct keys; returns them in the order of `keys`.
    async fn upsert_chunk<X: ConnectionTrait>(
        &self,
        conn: &X,
        cols: &[E::Column],
        rows: &[&E::ActiveModel],
        target: &[E::Column],
        keys: &[Key],
    ) -> Result<Vec<E::Model>> {
        let pk = pk_columns::<E>();
        let created = E::audit_columns().map(|(created, _)| created);
        let update: Vec<E::Column> = cols
            .iter()
            .copied()
            .filter(|c| !has(target, *c) && !has(&pk, *c))
            .filter(|c| created.is_none_or(|created| created.as_str() != c.as_str()))
            .collect();
        let mut on_conflict = OnConflict::columns(target.iter().copied());
        match update.is_empty() {
            // nothing to write, but the row must still come back: a no-op assignment
            true => on_conflict.value(target[0], Expr::col((E::default(), target[0]))),
            false => on_conflict.update_columns(update),
        };
        let mut stmt = self.insert_statement(cols, rows)?;
        stmt.on_conflict(on_conflict);
        let found = if conn.support_returning() {
            stmt.returning(super::rows::returning::<E>(self.backend()));
            let returned = conn
                .query_all(&stmt)
                .await
                .map_err(|e| self.upsert_err(e, target))?;
            self.decode(returned)?
        } else {
            conn.execute(&stmt)
                .await
                .map_err(|e| self.upsert_err(e, target))?;
            self.reselect(conn, target, keys.to_vec(), false).await?
        };
        let mut models = by_key::<E>(keys, found, target);
        for (i, slot) in models.iter_mut().enumerate() {
            if slot.is_none() {
                *slot = Some(
                    self.resolve_unmatched(conn, cols, rows[i], target, &keys[i])
                        .await?,
                );
            }
        }
        Ok(models.into_iter().flatten().collect())
    }

    /// A row whose stored key is not byte-for-byte the key we sent: a collation that
    /// equates different spellings (MySQL's default is case-insensitive), or — on MySQL,
    /// whose `ON DUPLICATE KEY` reacts to any unique key — a collision on another unique
    /// key, which wrote to some other row. Ask the database for the row by our key; when
    /// there is none, repeat the plain insert so the error names the violated constraint
    /// (the surrounding transaction then rolls the whole call back).
    async fn resolve_unmatched<X: ConnectionTrait>(
        &self,
        conn: &X,
        cols: &[E::Column],
        row: &E::ActiveModel,
        target: &[E::Column],
        key: &Key,
    ) -> Result<E::Model> {
        let mut found = E::find()
            .filter(key_eq::<E>(target, key.clone()))
            .all(conn)
            .await
            .map_err(|e| self.db_err(e))?;
        if found.len() == 1
            && let Some(model) = found.pop()
        {
            return Ok(model);
        }
        let stmt = self.insert_statement(cols, &[row])?;
        match conn.execute(&stmt).await {
            Err(e) => Err(self.db_err(e)),
            Ok(_) => Err(self.unexpected(format!(
                "an upserted {} row could not be read back by its match fields",
                self.model_name()
            ))),
        }
    }

    /// Whether a primary key or a unique constraint (not a partial index) covers
    /// exactly the columns of `target`, as the database says: the native
    /// `ON CONFLICT` / `ON DUPLICATE KEY` upserts need one.
    pub(super) async fn unique_target<X: ConnectionTrait>(
        &self,
        conn: &X,
        target: &[E::Column],
    ) -> Result<bool> {
        let pk = pk_columns::<E>();
        let covers = |cols: &[&str]| {
            cols.len() == target.len()
                && target
                    .iter()
                    .all(|t| cols.iter().any(|c| c.eq_ignore_ascii_case(t.as_str())))
        };
        if covers(&pk.iter().map(|c| c.as_str()).collect::<Vec<_>>()) {
            return Ok(true);
        }
        // a column the entity declares unique: PostgreSQL and SQLite would refuse the
        // native statement if the schema disagreed (MySQL would not, so it is asked)
        if self.backend() != DbBackend::MySql
            && let [col] = target
            && sea_orm::ColumnTrait::def(col).is_unique()
        {
            return Ok(true);
        }
        let entity = E::default();
        let table = entity.table_name().to_owned();
        let (sql, values): (&str, Vec<Value>) = match self.backend() {
            DbBackend::MySql => (
                "SELECT CAST(INDEX_NAME AS CHAR) AS name, CAST(COLUMN_NAME AS CHAR) AS col \
                 FROM information_schema.STATISTICS \
                 WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND NON_UNIQUE = 0",
                vec![entity.schema_name().map(str::to_owned).into(), table.into()],
            ),
            DbBackend::Postgres => (
                "SELECT CAST(i.indexrelid AS TEXT) AS name, CAST(a.attname AS TEXT) AS col \
                 FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid \
                 JOIN pg_namespace n ON n.oid = c.relnamespace \
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) \
                 WHERE i.indisunique AND i.indpred IS NULL AND c.relname = $2 \
                 AND n.nspname = COALESCE($1, current_schema())",
                vec![entity.schema_name().map(str::to_owned).into(), table.into()],
            ),
            _ => (
                "SELECT il.name AS name, ii.name AS col \
                 FROM pragma_index_list(?) AS il, pragma_index_info(il.name) AS ii \
                 WHERE il.\"unique\" = 1 AND il.partial = 0",
                vec![table.into()],
            ),
        };
        let rows = conn
            .query_all_raw(Statement::from_sql_and_values(self.backend(), sql, values))
            .await
            .map_err(|e| self.db_err(e))?;
        let mut indexes: HashMap<String, Vec<String>> = HashMap::new();
        for row in rows {
            let name: String = row.try_get("", "name").map_err(|e| self.db_err(e))?;
            let col: String = row.try_get("", "col").map_err(|e| self.db_err(e))?;
            indexes.entry(name).or_default().push(col);
        }
        Ok(indexes
            .values()
            .any(|cols| covers(&cols.iter().map(String::as_str).collect::<Vec<_>>())))
    }

    /// Serializes writers of one match key on non-unique match fields: on PostgreSQL a
    /// transaction-level advisory lock on a hash of the table, the fields and the key
    /// (PostgreSQL has no lock on rows that do not exist yet); MySQL's locking read
    /// (`FOR UPDATE`, which under REPEATABLE READ also locks the gap a new row would go
    /// in) and SQLite's `BEGIN IMMEDIATE` write lock need nothing more.
    pub(super) async fn lock_match_key<X: ConnectionTrait>(
        &self,
        conn: &X,
        target: &[E::Column],
        key: &Key,
    ) -> Result<()> {
        if self.backend() != DbBackend::Postgres {
            return Ok(());
        }
        use sha2::Digest;
        let mut hash = sha2::Sha256::new();
        hash.update(E::default().table_name().as_bytes());
        for col in target {
            hash.update([0]);
            hash.update(col.as_str().as_bytes());
        }
        hash.update([0]);
        hash.update(format!("{key:?}").as_bytes());
        let digest = hash.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        let lock: Value = i64::from_be_bytes(first).into();
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [lock],
        ))
        .await
        .map_err(|e| self.db_err(e))?;
        Ok(())
    }

    /// An upsert on match fields without a unique constraint, as the Python library does
    /// it: lock the key ([`lock_match_key`](Self::lock_match_key)), look the row up
    /// (`FOR UPDATE` on the servers), then update the one match or insert. Several
    /// matches are [`Error::MultipleResultsFound`]. `am` has been through the save hooks
    /// as an insert.
    async fn upsert_by_lookup<X: ConnectionTrait>(
        &self,
        conn: &X,
        am: &E::ActiveModel,
        target: &[E::Column],
        key: &Key,
    ) -> Result<E::Model> {
        use sea_orm::{ActiveModelTrait, ActiveValue, Iterable, QuerySelect};
        self.lock_match_key(conn, target, key).await?;
        let mut find = E::find().filter(key_eq::<E>(target, key.clone())).limit(2);
        if let Some(col) = E::soft_delete_column()
            && !self.include_deleted
        {
            find = find.filter(sea_orm::ColumnTrait::is_null(&col));
        }
        if self.backend() != DbBackend::Sqlite {
            find = find.lock_exclusive();
        }
        let mut found = find.all(conn).await.map_err(|e| self.db_err(e))?;
        let existing = match found.len() {
            0 => {
                return Ok(self
                    .insert_rows(conn, std::slice::from_ref(am))
                    .await?
                    .remove(0));
            }
            1 => found.remove(0),
            _ => return Err(self.err(Error::multiple_results(self.model_name()))),
        };
        let pk = pk_columns::<E>();
        let created = E::audit_columns().map(|(created, _)| created);
        // the stored row, with what `am` sets written over it (not the key, the match
        // fields or `created_at`)
        let mut change = existing.clone().into_active_model();
        let mut writes = false;
        for col in E::Column::iter() {
            if has(&pk, col)
                || has(target, col)
                || created.is_some_and(|c| c.as_str() == col.as_str())
            {
                continue;
            }
            if let ActiveValue::Set(value) = am.get(col) {
                change.set(col, value);
                writes = true;
            }
        }
        if !writes {
            return Ok(existing);
        }
        E::update(change)
            .exec(conn)
            .await
            .map_err(|e| self.db_err(e))
    }

    fn no_unique(&self, target: &[E::Column]) -> Error {
        let fields: Vec<&str> = target.iter().map(|c| c.as_str()).collect();
        self.err(Error::InvalidRequest(format!(
            "{}: no primary key or unique constraint covers exactly ({}), so rows cannot be matched on them without races",
            self.model_name(),
            fields.join(", ")
        )))
    }

    /// Context for an error of an upsert statement: a conflict target without a unique
    /// constraint (PostgreSQL 42P10, SQLite's "does not match any PRIMARY KEY or UNIQUE
    /// constraint") is the caller's mistake, named as such.
    pub(super) fn upsert_err(&self, err: DbErr, target: &[E::Column]) -> Error {
        if no_conflict_target(&err) {
            self.no_unique(target)
        } else {
            self.db_err(err)
        }
    }
}

/// Whether `err` says an `ON CONFLICT` target matches no unique constraint.
fn no_conflict_target(err: &DbErr) -> bool {
    let (DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e))) = err
    else {
        return false;
    };
    let sea_orm::sqlx::Error::Database(db) = e.as_ref() else {
        return false;
    };
    db.code().as_deref() == Some("42P10")
        || db
            .message()
            .contains("does not match any PRIMARY KEY or UNIQUE constraint")
}
