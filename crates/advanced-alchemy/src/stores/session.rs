//! [`SessionStore`]: a `tower_sessions` store on SeaORM, in Python's session table.

use super::SessionModel;
use crate::error::Error;
use crate::types::DateTimeUTC;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Value,
};
use std::fmt;
use std::marker::PhantomData;
use tower_sessions_core::session::{Id, Record};
use tower_sessions_core::session_store::{self, ExpiredDeletion};

/// How often [`create`](tower_sessions_core::SessionStore::create) draws a new id when the
/// drawn one is taken, before it gives up. A collision of two random 128-bit ids is
/// astronomically rare; more than one in a row means something else is wrong.
const CREATE_ATTEMPTS: usize = 8;

/// A [`tower_sessions_core::SessionStore`] (and [`ExpiredDeletion`]) on any SeaORM pool:
/// SQLite, PostgreSQL or MySQL/MariaDB, in the table of Python's `SessionModelMixin`
/// ([`session_model!`](crate::session_model)).
///
/// * **create** inserts a new row; if the session id is taken, it draws a new id and
///   tries again (the record's id changes), so an existing session is never overwritten.
/// * **save** is one upsert statement on `session_id`.
/// * **load** returns nothing for an expired session: the check is in the SQL.
/// * **delete_expired** deletes every expired row (run it periodically, e.g. with
///   tower-sessions' `continuously_delete_expired`).
///
/// A row holds the record's id in `session_id` (tower-sessions' 22-character
/// base64url text), its expiry in `expires_at` (to the microsecond) and its data in
/// `data` as JSON of the key/value map: `{"user_id": 42}`. That is the format Litestar's
/// server-side sessions store, so a Python service on the same table reads what this
/// store wrote when its cookie carries the same id. The other way round works for the
/// data, but not for the id: Litestar's ids are 32 hex characters, which tower-sessions
/// cannot parse, so a session Python created is not found here.
///
/// ```
/// advanced_alchemy::session_model!(mod web_session, "web_session");
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use advanced_alchemy::stores::SessionStore;
/// use tower_sessions_core::{ExpiredDeletion, SessionStore as _, session::{Id, Record}};
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// advanced_alchemy::registry::Registry::new().register::<web_session::Entity>().create_all(&db).await?;
/// let store = SessionStore::<web_session::Entity>::new(db);
///
/// let mut record = Record {
///     id: Id::default(),
///     data: [("user_id".to_owned(), serde_json::json!(42))].into(),
///     expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
/// };
/// store.create(&mut record).await?;
/// let loaded = store.load(&record.id).await?.expect("stored");
/// assert_eq!(loaded.data, record.data);
///
/// store.delete_expired().await?;   // the session is still valid: kept
/// assert!(store.load(&record.id).await?.is_some());
/// # Ok(()) }
/// ```
pub struct SessionStore<E> {
    db: DatabaseConnection,
    _entity: PhantomData<fn() -> E>,
}

impl<E> Clone for SessionStore<E> {
    fn clone(&self) -> Self {
        Self {
            db: self.db.clone(),
            _entity: PhantomData,
        }
    }
}

impl<E: EntityTrait> fmt::Debug for SessionStore<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionStore")
            .field("table", &E::default().table_name())
            .finish()
    }
}

impl<E: SessionModel> SessionStore<E> {
    /// A store on `db`, in `E`'s table.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            _entity: PhantomData,
        }
    }

    /// Deletes every expired session; returns how many (what
    /// [`ExpiredDeletion::delete_expired`] does, with the count).
    pub async fn delete_expired_count(&self) -> crate::Result<u64> {
        let now = DateTimeUTC::now().for_backend(self.db.get_database_backend());
        let done = E::delete_many()
            .filter(E::expires_at_column().lte(now))
            .exec(&self.db)
            .await
            .map_err(Error::from_db)?;
        Ok(done.rows_affected)
    }

    fn row(&self, record: &Record) -> session_store::Result<E::ActiveModel> {
        let data = serde_json::to_vec(&record.data)
            .map_err(|e| session_store::Error::Encode(format!("session data: {e}")))?;
        let expires_at =
            to_datetime(record.expiry_date)?.for_backend(self.db.get_database_backend());
        let mut row = <E::ActiveModel as ActiveModelTrait>::default();
        let values: [(E::Column, Value); 4] = [
            (E::id_column(), Value::Uuid(Some(uuid::Uuid::now_v7()))),
            (E::session_id_column(), record.id.to_string().into()),
            (E::data_column(), Value::Bytes(Some(data))),
            (E::expires_at_column(), expires_at.into()),
        ];
        for (column, value) in values {
            // a column of another type than `SessionModel` promises
            row.try_set(column, value)
                .map_err(|e| backend(Error::from_db(e)))?;
        }
        let row = crate::base::bind_datetimes(row, self.db.get_database_backend());
        Ok(row)
    }
}

#[sea_orm::prelude::async_trait::async_trait]
impl<E: SessionModel> tower_sessions_core::SessionStore for SessionStore<E>
where
    E::ActiveModel: Send,
{
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        for _ in 0..CREATE_ATTEMPTS {
            let row = self.row(record)?;
            match E::insert(row).exec_without_returning(&self.db).await {
                Ok(_) => return Ok(()),
                Err(e) => match Error::from_db(e) {
                    // the id is taken (the message would name it: not passed on)
                    Error::DuplicateKey { .. } => record.id = Id::default(),
                    other => return Err(backend(other)),
                },
            }
        }
        Err(session_store::Error::Backend(format!(
            "no free session id after {CREATE_ATTEMPTS} attempts"
        )))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let row = self.row(record)?;
        E::insert(row)
            .on_conflict(
                OnConflict::column(E::session_id_column())
                    .update_columns([E::data_column(), E::expires_at_column()])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(|e| backend(Error::from_db(e)))?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = DateTimeUTC::now().for_backend(self.db.get_database_backend());
        let found = E::find()
            .select_only()
            .column(E::data_column())
            .column(E::expires_at_column())
            .filter(E::session_id_column().eq(id.to_string()))
            .filter(E::expires_at_column().gt(now))
            .into_tuple::<(Vec<u8>, DateTimeUTC)>()
            .one(&self.db)
            .await
            .map_err(|e| backend(Error::from_db(e)))?;
        let Some((data, expires_at)) = found else {
            return Ok(None);
        };
        let data = serde_json::from_slice(&data).map_err(|e| {
            session_store::Error::Decode(format!(
                "session data is not a JSON object of values: {e}"
            ))
        })?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: to_offset(expires_at)?,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        E::delete_many()
            .filter(E::session_id_column().eq(id.to_string()))
            .exec(&self.db)
            .await
            .map_err(|e| backend(Error::from_db(e)))?;
        Ok(())
    }
}

#[sea_orm::prelude::async_trait::async_trait]
impl<E: SessionModel> ExpiredDeletion for SessionStore<E>
where
    E::ActiveModel: Send,
{
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.delete_expired_count().await.map_err(backend)?;
        Ok(())
    }
}

/// The error as tower-sessions carries it: our message, which names no session id and
/// no connection string.
fn backend(e: Error) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

fn to_datetime(at: time::OffsetDateTime) -> session_store::Result<DateTimeUTC> {
    let nanos = at.unix_timestamp_nanos();
    let secs = nanos.div_euclid(1_000_000_000);
    let sub = nanos.rem_euclid(1_000_000_000);
    i64::try_from(secs)
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, sub as u32))
        .map(DateTimeUTC::from)
        .ok_or_else(|| session_store::Error::Encode(format!("expiry {at} is out of range")))
}

fn to_offset(at: DateTimeUTC) -> session_store::Result<time::OffsetDateTime> {
    let at = at.into_inner();
    let nanos =
        i128::from(at.timestamp()) * 1_000_000_000 + i128::from(at.timestamp_subsec_nanos());
    time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
        .map_err(|e| session_store::Error::Decode(format!("expires_at {at}: {e}")))
}
