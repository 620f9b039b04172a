//! Find-by-natural-key writes: `get_or_upsert` (find, else create; race-free) and
//! `get_and_update` (find, then update what differs).
//!
//! The create path is the one [`as_unique`](crate::mixins::UniqueMixin::as_unique) takes:
//! `SELECT`, then an insert that cannot fail on the match key — `ON CONFLICT (key) DO
//! NOTHING RETURNING …` on PostgreSQL and SQLite, `ON DUPLICATE KEY UPDATE` with a no-op
//! on MySQL — then, when another caller won the race, a read of the winner's row. N
//! concurrent callers with the same new key end with one row and one `created == true`.

use super::rows::{Key, am_key, has, key_eq};
use super::{Repository, atomic, pk_columns};
use crate::base::Base;
use crate::error::{Error, Result};
use sea_orm::sea_query::{Condition, Expr, OnConflict};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, IdenStatic,
    IntoActiveModel, Iterable, ModelTrait, QueryFilter, QuerySelect, TransactionTrait,
};

/// What MySQL's `LAST_INSERT_ID(expr)` is set to when `ON DUPLICATE KEY UPDATE` found an
/// existing row; the statement then reports it as its insert id. No autoincrement key
/// reaches it, so an insert id equal to it means "not inserted".
pub(crate) const EXISTED: u64 = u64::MAX;

/// MySQL's `ON DUPLICATE KEY UPDATE first_pk = IF(LAST_INSERT_ID(EXISTED) …, first_pk,
/// first_pk)`: writes nothing, but makes the statement report [`EXISTED`] as its insert id
/// when the key existed. (Affected rows cannot tell: sqlx connects with
/// CLIENT_FOUND_ROWS, so a no-op update counts 1, like an insert.)
pub(crate) fn mysql_noop_reporting_existing<C: sea_orm::ColumnTrait>(first_pk: C) -> OnConflict {
    let noop = Expr::cust_with_exprs(
        format!("IF(LAST_INSERT_ID({EXISTED}) = {EXISTED}, ?, ?)"),
        [Expr::col(first_pk), Expr::col(first_pk)],
    );
    OnConflict::new().value(first_pk, noop).to_owned()
}

/// Whether the create step inserted our row.
enum Insert<M> {
    Created(M),
    Existed,
}

impl<E, C> Repository<'_, E, C>
where
    E: Base,
    C: ConnectionTrait + TransactionTrait,
{
    /// The row whose `match_fields` equal those of `data`, created from `data` when there
    /// is none; `true` when it was created. With `upsert`, an existing row gets the other
    /// columns `data` carries wherever they differ (never its primary key or audit
    /// columns; `updated_at` moves only then). The Python `get_or_upsert`.
    ///
    /// Race-free: the insert cannot fail on the match key, and a caller that loses the
    /// race reads the winner's row, so concurrent callers with the same new key end with
    /// one row, and exactly one of them sees `created`, when the match fields are the
    /// primary key or a unique constraint. Other match fields are accepted, as in the
    /// Python library: the lookup and insert then run under the strongest lock the
    /// backend has (see [`upsert_many`](Self::upsert_many)), which is race-free only
    /// against callers taking the same lock. The match fields must be set, not NULL, in
    /// `data`. A collision on another unique key is
    /// [`Error::DuplicateKey`] naming it, as is a soft-deleted row holding the key.
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
    /// let grace = |name: &str| user::ActiveModel {
    ///     email: Set("grace@example.com".into()), name: Set(name.into()), ..Default::default()
    /// };
    /// let by_email = [user::Column::Email];
    ///
    /// let (created, is_new) = users.get_or_upsert(grace("Grace"), &by_email, true).await?;
    /// assert!(is_new);
    /// let (same, is_new) = users.get_or_upsert(grace("Grace Hopper"), &by_email, false).await?;
    /// assert_eq!((same.id, same.name.as_str(), is_new), (created.id, "Grace", false));
    /// let (updated, _) = users.get_or_upsert(grace("Grace Hopper"), &by_email, true).await?;
    /// assert_eq!((updated.id, updated.name.as_str()), (created.id, "Grace Hopper"));
    /// # Ok(()) }
    /// ```
    pub async fn get_or_upsert(
        &self,
        data: impl IntoActiveModel<E::ActiveModel>,
        match_fields: &[E::Column],
        upsert: bool,
    ) -> Result<(E::Model, bool)> {
        // DateTimeUTC values in this backend's form, so matching and comparing with the
        // stored row see equal instants as equal
        let am = crate::base::bind_datetimes(data.into_active_model(), self.backend());
        let key = self.match_key(&am, match_fields, "get_or_upsert")?;
        let unique = self.unique_target(self.conn, match_fields).await?;
        let find = self.match_condition(match_fields, key.clone());
        atomic!(self, !unique, |conn| async {
            if !unique {
                // no constraint to conflict on: serialize the callers of this key
                self.lock_match_key(conn, match_fields, &key).await?;
            }
            let found = match unique {
                true => self.find_by_match(conn, find.clone(), false).await?,
                false => self.find_by_match_for_update(conn, find.clone()).await?,
            };
            if let Some(found) = found {
                return match upsert {
                    true => Ok((
                        self.apply_changes(conn, found, &am, match_fields).await?.0,
                        false,
                    )),
                    false => Ok((found, false)),
                };
            }
            let prepared = am
                .clone()
                .before_save(conn, true)
                .await
                .map_err(|e| self.db_err(e))?;
            match self
                .insert_unless_exists(conn, &prepared, match_fields, unique)
                .await?
            {
                Insert::Created(model) => {
                    let model =
                        <E::ActiveModel as ActiveModelBehavior>::after_save(model, conn, true)
                            .await
                            .map_err(|e| self.db_err(e))?;
                    Ok((model, true))
                }
                Insert::Existed => match self.find_by_match(conn, find, true).await? {
                    Some(found) if upsert => Ok((
                        self.apply_changes(conn, found, &am, match_fields).await?.0,
                        false,
                    )),
                    Some(found) => Ok((found, false)),
                    None => Err(self.surface_conflict(conn, prepared).await),
                },
            }
        })
    }

    /// Finds the row whose `match_fields` equal those of `data` and writes the other
    /// columns `data` carries wherever they differ (never its primary key or audit
    /// columns); `true` when something was written, and only then does `updated_at`
    /// move. No such row is [`Error::NotFound`], several are
    /// [`Error::MultipleResultsFound`]. The Python
    /// `get_and_update`.
    ///
    /// ```
    /// # mod user { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "user_account")]
    /// #   pub struct Model { #[sea_orm(unique)] pub email: String, pub name: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::Error;
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<user::Entity>().create_all(&db).await?;
    /// let users = advanced_alchemy::repository::Repository::<user::Entity, _>::new(&db);
    /// let linus = |name: &str| user::ActiveModel {
    ///     email: Set("linus@example.com".into()), name: Set(name.into()), ..Default::default()
    /// };
    /// let by_email = [user::Column::Email];
    /// assert!(matches!(users.get_and_update(linus("Linus"), &by_email).await, Err(Error::NotFound { .. })));
    ///
    /// users.add(linus("Linus")).await?;
    /// let (_, updated) = users.get_and_update(linus("Linus"), &by_email).await?;
    /// assert!(!updated); // nothing differed
    /// let (row, updated) = users.get_and_update(linus("Linus Torvalds"), &by_email).await?;
    /// assert!(updated);
    /// assert_eq!(row.name, "Linus Torvalds");
    /// # Ok(()) }
    /// ```
    pub async fn get_and_update(
        &self,
        data: impl IntoActiveModel<E::ActiveModel>,
        match_fields: &[E::Column],
    ) -> Result<(E::Model, bool)> {
        // DateTimeUTC values in this backend's form, so matching and comparing with the
        // stored row see equal instants as equal
        let am = crate::base::bind_datetimes(data.into_active_model(), self.backend());
        let key = self.match_key(&am, match_fields, "get_and_update")?;
        let find = self.match_condition(match_fields, key);
        atomic!(self, false, |conn| async {
            let found = self
                .find_by_match(conn, find, false)
                .await?
                .ok_or_else(|| self.not_found())?;
            self.apply_changes(conn, found, &am, match_fields).await
        })
    }

    /// The values of the match fields in `data`: every one set and not NULL.
    fn match_key(&self, am: &E::ActiveModel, fields: &[E::Column], method: &str) -> Result<Key> {
        if fields.is_empty() {
            return Err(self.err(Error::InvalidRequest(format!(
                "{method} of {}: match_fields is empty",
                self.model_name()
            ))));
        }
        am_key::<E>(am, fields).ok_or_else(|| {
            let names: Vec<&str> = fields.iter().map(|c| c.as_str()).collect();
            self.err(Error::InvalidRequest(format!(
                "{method} of {}: the match fields ({}) must all be set, and not NULL, in the data",
                self.model_name(),
                names.join(", ")
            )))
        })
    }

    /// `match fields = key`, within the soft-delete scope.
    fn match_condition(&self, fields: &[E::Column], key: Key) -> Condition {
        let condition = key_eq::<E>(fields, key);
        match E::soft_delete_column() {
            Some(col) if !self.include_deleted => condition.add(col.is_null()),
            _ => condition,
        }
    }

    /// `SELECT … LIMIT 2`: none, one, or [`Error::MultipleResultsFound`]. With `latest`, a
    /// locking read on MySQL, whose plain reads stay on the transaction's first snapshot.
    async fn find_by_match<X: ConnectionTrait>(
        &self,
        conn: &X,
        condition: Condition,
        latest: bool,
    ) -> Result<Option<E::Model>> {
        let mut select = E::find().filter(condition).limit(2);
        if latest && self.backend() == DbBackend::MySql {
            select = select.lock_shared();
        }
        let mut rows = select.all(conn).await.map_err(|e| self.db_err(e))?;
        match rows.len() {
            0 | 1 => Ok(rows.pop()),
            _ => Err(self.err(Error::multiple_results(self.model_name()))),
        }
    }

    /// [`find_by_match`](Self::find_by_match) locking the rows it finds (`FOR UPDATE`;
    /// on MySQL also the gap a new row would go in); SQLite's write lock is already held.
    async fn find_by_match_for_update<X: ConnectionTrait>(
        &self,
        conn: &X,
        condition: Condition,
    ) -> Result<Option<E::Model>> {
        let mut select = E::find().filter(condition).limit(2);
        if self.backend() != DbBackend::Sqlite {
            select = select.lock_exclusive();
        }
        let mut rows = select.all(conn).await.map_err(|e| self.db_err(e))?;
        match rows.len() {
            0 | 1 => Ok(rows.pop()),
            _ => Err(self.err(Error::multiple_results(self.model_name()))),
        }
    }

    /// Writes the columns of `data` that differ from `found` (not the key, the match
    /// fields or the audit columns); `true` when there were any.
    async fn apply_changes<X: ConnectionTrait>(
        &self,
        conn: &X,
        found: E::Model,
        data: &E::ActiveModel,
        match_fields: &[E::Column],
    ) -> Result<(E::Model, bool)> {
        let pk = pk_columns::<E>();
        let audit: Vec<E::Column> = E::audit_columns()
            .map(|(created, updated)| vec![created, updated])
            .unwrap_or_default();
        let mut change = found.clone().into_active_model();
        let mut changed = false;
        for col in E::Column::iter() {
            if has(&pk, col) || has(match_fields, col) || has(&audit, col) {
                continue;
            }
            if let Some(value) = data.get(col).into_value()
                && found.get(col) != value
            {
                change.try_set(col, value).map_err(|e| self.db_err(e))?;
                changed = true;
            }
        }
        if !changed {
            return Ok((found, false));
        }
        Ok((self.update_on(conn, change).await?, true))
    }

    /// Inserts `am` unless a row with its match key exists (ours or a concurrent winner's).
    async fn insert_unless_exists<X: ConnectionTrait>(
        &self,
        conn: &X,
        am: &E::ActiveModel,
        match_fields: &[E::Column],
        unique: bool,
    ) -> Result<Insert<E::Model>> {
        if !unique {
            // looked up under the key's lock: a plain insert
            let model = self
                .insert_rows(conn, std::slice::from_ref(am))
                .await?
                .remove(0);
            return Ok(Insert::Created(model));
        }
        let cols = super::rows::present::<E>(am);
        let mut stmt = self.insert_statement(&cols, &[am])?;
        if self.backend() != DbBackend::MySql {
            stmt.on_conflict(
                OnConflict::columns(match_fields.iter().copied())
                    .do_nothing()
                    .to_owned(),
            )
            .returning(super::rows::returning::<E>(self.backend()));
            let row = conn
                .query_one(&stmt)
                .await
                .map_err(|e| self.upsert_err(e, match_fields))?;
            return Ok(match row {
                Some(row) => Insert::Created(self.decode(vec![row])?.remove(0)),
                None => Insert::Existed,
            });
        }
        // MySQL: `ON DUPLICATE KEY UPDATE pk = IF(LAST_INSERT_ID(EXISTED) …, pk, pk)` writes
        // nothing but reports EXISTED as the insert id when the key existed. (Affected rows
        // cannot tell: sqlx connects with CLIENT_FOUND_ROWS, so a no-op update counts 1.)
        let pk = pk_columns::<E>();
        stmt.on_conflict(mysql_noop_reporting_existing(pk[0]));
        let result = conn.execute(&stmt).await.map_err(|e| self.db_err(e))?;
        if result.last_insert_id() == EXISTED {
            return Ok(Insert::Existed);
        }
        let condition = match am_key::<E>(am, &pk) {
            Some(key) => key_eq::<E>(&pk, key),
            None => key_eq::<E>(&pk, vec![result.last_insert_id().into()]),
        };
        let model = E::find()
            .filter(condition)
            .one(conn)
            .await
            .map_err(|e| self.db_err(e))?
            .ok_or_else(|| self.unexpected("an inserted row was not found by its key".into()))?;
        Ok(Insert::Created(model))
    }

    /// The match key exists but its row is not visible (soft-deleted, or deleted since):
    /// run the plain insert in a savepoint so the database names the violated constraint.
    async fn surface_conflict<X: ConnectionTrait + TransactionTrait>(
        &self,
        conn: &X,
        am: E::ActiveModel,
    ) -> Error {
        let options = crate::session::write_transaction(conn.get_database_backend());
        let savepoint = match conn.begin_with_options(options).await {
            Ok(savepoint) => savepoint,
            Err(e) => return self.db_err(e),
        };
        let outcome = E::insert(am).exec(&savepoint).await;
        if let Err(e) = sea_orm::TransactionSession::rollback(savepoint).await {
            return self.db_err(e);
        }
        match outcome {
            Err(e) => self.db_err(e),
            Ok(_) => self.unexpected(format!(
                "a {} row conflicted on its match fields but could not be read; retry",
                self.model_name()
            )),
        }
    }
}
