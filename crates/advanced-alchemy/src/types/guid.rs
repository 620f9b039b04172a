//! [`GUID`]: a UUID column stored as Python's `GUID` stores it.

/// A UUID column: Python's `GUID`, native `uuid` on PostgreSQL and 16 raw bytes
/// (`BINARY(16)`) on MySQL/MariaDB and SQLite.
///
/// It is [`uuid::Uuid`] itself (`GUID::new_v4()`, `GUID::parse_str(…)`), the type the
/// keys of the `UUID…Base` models already are: sqlx binds a `Uuid` as a
/// PostgreSQL `uuid` and as its 16 bytes (big-endian, `Uuid::as_bytes`) on MySQL and
/// SQLite, which is exactly Python's `GUID(binary=True)` (`value.bytes`). What differs
/// from SeaORM is only the DDL, and [`create_all`](crate::registry::create_all) writes
/// Python's: `uuid` on PostgreSQL and `BINARY(16)` on MySQL and SQLite, for every UUID
/// column, keys included (SeaORM's own `Schema` writes `uuid_text` on SQLite, a text
/// affinity that still keeps the bytes as a BLOB). A newtype would add nothing but
/// conversions: every SeaORM trait, filter and cursor already knows `Uuid`.
///
/// Equality and `IN` work on every backend, through SeaORM (`.eq`, `.is_in`) or the
/// filters ([`ComparisonFilter`](crate::filters::ComparisonFilter),
/// [`CollectionFilter`](crate::filters::CollectionFilter)), because the bound value is
/// the same 16 bytes the column holds; so do `NULL` tests on an `Option<GUID>`. Ordering
/// is by those bytes (and by PostgreSQL's `uuid` order, the same), so UUIDv7 keys sort by
/// time everywhere. A `LIKE` on the column is meaningless outside PostgreSQL.
///
/// Not supported: Python's `GUID(binary=False)`, which stores 32 hex characters in a
/// `CHAR(32)`; MariaDB's own `UUID` type reads (SeaORM parses its text) but is not what
/// Python creates.
///
/// ```
/// mod device {
///     use advanced_alchemy::types::GUID;
///     use sea_orm::entity::prelude::*;
///
///     #[advanced_alchemy::model(BigIntBase)]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "device")]
///     pub struct Model {
///         pub serial: GUID,              // BINARY(16) NOT NULL (uuid on PostgreSQL)
///         pub replaced_by: Option<GUID>, // BINARY(16) NULL
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::{filters::CollectionFilter, repository::Repository, types::GUID};
/// use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, Statement};
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// advanced_alchemy::registry::Registry::new().register::<device::Entity>().create_all(&db).await?;
/// let devices = Repository::<device::Entity, _>::new(&db);
///
/// let serial = GUID::parse_str("0190e4a4-6a1e-7cc2-8f3b-52f1c3e2a001").expect("a UUID");
/// devices
///     .add(device::ActiveModel { serial: Set(serial), replaced_by: Set(None), ..Default::default() })
///     .await?;
///
/// let found = devices.get_one(device::Column::Serial.eq(serial)).await?;
/// assert_eq!(found.serial, serial);
/// let found = devices.get_many(CollectionFilter::new(device::Column::Serial, [serial, GUID::nil()])).await?;
/// assert_eq!(found.len(), 1);
///
/// // 16 raw bytes in the column, as Python's GUID writes them
/// let row = db
///     .query_one_raw(Statement::from_string(
///         db.get_database_backend(),
///         "SELECT length(serial), typeof(serial), hex(serial) FROM device",
///     ))
///     .await?
///     .expect("one row");
/// assert_eq!(row.try_get_by_index::<i64>(0)?, 16);
/// assert_eq!(row.try_get_by_index::<String>(1)?, "blob");
/// assert_eq!(row.try_get_by_index::<String>(2)?, "0190E4A46A1E7CC28F3B52F1C3E2A001");
/// # Ok(()) }
/// ```
#[allow(clippy::upper_case_acronyms)]
pub type GUID = uuid::Uuid;
