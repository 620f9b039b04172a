use crate::base::Base;
use crate::error::{Error, Result};
use crate::session::Session;
use sea_orm::sea_query::{Condition, OnConflict};
use sea_orm::{
    ActiveModelBehavior, ConnectionTrait, DbBackend, DbErr, FromQueryResult, Iterable,
    PrimaryKeyToColumn, QueryFilter, QuerySelect, QueryTrait,
};
use std::future::Future;
use std::hash::Hash;

/// Get-or-create by a natural key: the Python library's `UniqueMixin`.
///
/// Implement it on the entity for each kind of argument you look rows up by (`Args`):
/// [`unique_hash`](Self::unique_hash) names the row in the session cache,
/// [`unique_filter`](Self::unique_filter) finds it in the database, and
/// [`new_model`](Self::new_model) builds it when it is missing. Then
/// [`as_unique`](Self::as_unique) returns the one row for those arguments:
///
/// * from the [`Session`] cache when this session (or an enclosing one) has seen the key —
///   no query at all;
/// * else from the database (`SELECT … WHERE unique_filter LIMIT 2`; two rows are
///   [`Error::MultipleResultsFound`]);
/// * else it inserts the new row with `ON CONFLICT DO NOTHING` (PostgreSQL, SQLite) or
///   `ON DUPLICATE KEY UPDATE pk = pk` (MySQL) and, if a concurrent transaction won the
///   race, reads the winner's row. N transactions asking for the same new key all get the
///   one row and no unique-violation error escapes. A conflict on a *different* unique
///   constraint is reported as [`Error::DuplicateKey`] naming it.
///
/// The race-free read of the winner's row relies on the default isolation level (READ
/// COMMITTED on PostgreSQL; MySQL uses a locking read under its REPEATABLE READ). In a
/// PostgreSQL REPEATABLE READ or SERIALIZABLE transaction the winner's row is invisible,
/// and the race surfaces as an error (a serialization failure, or [`Error::DuplicateKey`]):
/// retry the transaction, as those isolation levels ask of every writer.
///
/// Because `Args` is a type parameter, one entity can be de-duplicated from plain
/// arguments and from an already-built model (the Python library's issue #359):
///
/// ```
/// mod tag {
///     use sea_orm::entity::prelude::*;
///
///     #[advanced_alchemy::model(BigIntAuditBase, SlugKey)]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "tag")]
///     pub struct Model {
///         pub name: String,
///     }
/// }
///
/// use advanced_alchemy::mixins::UniqueMixin;
/// use advanced_alchemy::utils::text::slugify;
/// use sea_orm::{ActiveValue::Set, ColumnTrait, sea_query::{Condition, IntoCondition}};
///
/// // Look up by name, as the seed's `Tag.as_unique_async(session, name=…)`.
/// impl UniqueMixin<&str> for tag::Entity {
///     type Key = String;
///     fn unique_hash(name: &&str) -> String { slugify(name) }
///     fn unique_filter(name: &&str) -> Condition {
///         tag::Column::Slug.eq(slugify(name)).into_condition()
///     }
///     fn new_model(name: &str) -> tag::ActiveModel {
///         tag::ActiveModel { name: Set(name.to_owned()), slug: Set(slugify(name)), ..Default::default() }
///     }
/// }
///
/// // De-duplicate a model someone already built.
/// impl UniqueMixin<tag::ActiveModel> for tag::Entity {
///     type Key = String;
///     fn unique_hash(tag: &tag::ActiveModel) -> String { slugify(tag.name.as_ref()) }
///     fn unique_filter(tag: &tag::ActiveModel) -> Condition {
///         tag::Column::Slug.eq(slugify(tag.name.as_ref())).into_condition()
///     }
///     fn new_model(mut tag: tag::ActiveModel) -> tag::ActiveModel {
///         tag.slug = Set(slugify(tag.name.as_ref()));
///         tag
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// advanced_alchemy::registry::Registry::new().register::<tag::Entity>().create_all(&db).await?;
/// let session = advanced_alchemy::Session::begin(&db).await?;
///
/// let rust = tag::Entity::as_unique(&session, "Rust").await?;
/// let again = tag::Entity::as_unique(&session, "rust").await?; // from the cache
/// let built = tag::ActiveModel { name: Set("RUST".into()), ..Default::default() };
/// let merged = tag::Entity::as_unique(&session, built).await?;
/// assert_eq!((rust.id, again.id, merged.id), (rust.id, rust.id, rust.id));
/// session.commit().await?;
/// # Ok(()) }
/// ```
pub trait UniqueMixin<Args>: Base {
    /// What identifies a row among the ones built from `Args` (Python's `Hashable`).
    /// Implementations for different `Args` that share a `Key` type share cache entries.
    type Key: Hash + Eq + Clone + Send + Sync + 'static;

    /// The cache key for `args` (Python's `unique_hash`).
    fn unique_hash(args: &Args) -> Self::Key;

    /// The condition that finds the existing row for `args` (Python's `unique_filter`).
    fn unique_filter(args: &Args) -> Condition;

    /// The new row to insert when none exists (Python's `cls(*args, **kwargs)`).
    fn new_model(args: Args) -> Self::ActiveModel;

    /// The one row for `args`: cached, found, or created. See the trait docs.
    fn as_unique(session: &Session, args: Args) -> impl Future<Output = Result<Self::Model>> + Send
    where
        Self: Sized,
        Args: Send,
    {
        as_unique::<Self, Args>(session, args)
    }
}

/// [`UniqueMixin::as_unique`] as a free function, for generic code.
///
/// ```no_run
/// use advanced_alchemy::{Result, Session, mixins::UniqueMixin};
///
/// async fn get_or_create<E: UniqueMixin<A>, A: Send>(session: &Session, args: A) -> Result<E::Model> {
///     advanced_alchemy::mixins::as_unique::<E, A>(session, args).await
/// }
/// ```
pub async fn as_unique<E, Args>(session: &Session, args: Args) -> Result<E::Model>
where
    E: UniqueMixin<Args>,
    Args: Send,
{
    let key = E::unique_hash(&args);
    if let Some(model) = session.cached::<E, E::Key, E::Model>(&key) {
        return Ok(model);
    }
    let filter = E::unique_filter(&args);
    let model = match find_one::<E>(session, filter.clone(), false).await? {
        Some(found) => found,
        None => insert_or_fetch::<E>(session, E::new_model(args), filter).await?,
    };
    session.remember::<E, E::Key, E::Model>(key, model.clone());
    Ok(model)
}

/// `SELECT … WHERE filter LIMIT 2`: none, one, or [`Error::MultipleResultsFound`].
/// With `latest`, reads the newest committed version (a locking read on MySQL, whose
/// plain reads stay on the transaction's first snapshot).
async fn find_one<E: Base>(
    session: &Session,
    filter: Condition,
    latest: bool,
) -> Result<Option<E::Model>> {
    let mut select = E::find().filter(filter).limit(2);
    if latest && session.get_database_backend() == DbBackend::MySql {
        select = select.lock_shared();
    }
    let mut rows = select.all(session).await?;
    match rows.len() {
        0 | 1 => Ok(rows.pop()),
        _ => Err(Error::multiple_results(E::default().table_name())),
    }
}

/// Inserts `am` unless a row with one of its unique keys exists, then returns the row
/// that `filter` finds (ours or the concurrent winner's).
async fn insert_or_fetch<E: Base>(
    session: &Session,
    am: E::ActiveModel,
    filter: Condition,
) -> Result<E::Model> {
    let am = am.before_save(session, true).await?;
    let backend = session.get_database_backend();
    let on_conflict = match backend {
        DbBackend::MySql => match E::PrimaryKey::iter().next() {
            Some(pk) => crate::repository::mysql_noop_reporting_existing(pk.into_column()),
            None => OnConflict::new().do_nothing().to_owned(),
        },
        _ => OnConflict::new().do_nothing().to_owned(),
    };
    let mut insert = E::insert(am.clone()).on_conflict(on_conflict).into_query();
    let mut inserted = false;
    if backend == DbBackend::MySql {
        // No RETURNING: the re-read below finds our row or the winner's. The no-op
        // `ON DUPLICATE KEY UPDATE` reports a marker insert id when the key existed
        // (affected rows cannot tell: sqlx counts the no-op update as 1).
        let result = session.execute(&insert).await?;
        inserted = result.last_insert_id() != crate::repository::MYSQL_EXISTED;
    } else {
        insert.returning_all();
        // DO NOTHING returns no row when the key already exists
        if let Some(row) = session.query_one(&insert).await? {
            let model = E::Model::from_query_result(&row, "")?;
            return after_insert::<E>(session, model).await;
        }
    }
    match find_one::<E>(session, filter, true).await? {
        Some(model) if inserted => after_insert::<E>(session, model).await,
        Some(model) => Ok(model),
        // The conflict was on another unique key than the one `filter` looks at: run the
        // plain insert in a savepoint so the database names the violated constraint.
        None => Err(surface_conflict::<E>(session, am).await),
    }
}

async fn after_insert<E: Base>(session: &Session, model: E::Model) -> Result<E::Model> {
    Ok(<E::ActiveModel as ActiveModelBehavior>::after_save(model, session, true).await?)
}

async fn surface_conflict<E: Base>(session: &Session, am: E::ActiveModel) -> Error {
    let savepoint = match session.begin_nested().await {
        Ok(savepoint) => savepoint,
        Err(err) => return err,
    };
    let outcome = E::insert(am).exec(&savepoint).await;
    // The savepoint only existed to capture the error; undo whatever it did.
    if let Err(err) = savepoint.rollback().await {
        return err;
    }
    match outcome {
        Err(err) => Error::from_db(err),
        Ok(_) => Error::Database(DbErr::Custom(format!(
            "`{}` row conflicted on insert, yet neither the unique filter nor a plain insert found the conflict",
            E::default().table_name()
        ))),
    }
}
