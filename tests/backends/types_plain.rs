//! Python's `Bool`, `BigIntIdentity` and `MutableList` need no type of their own here:
//! SeaORM's `bool` and `i64` are stored as Python's types store them (checked in the
//! catalog of each backend), and a `JsonB<Vec<T>>` changed in place is saved by `Set`.

use crate::support::TestDb;
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::JsonB;
use sea_orm::{ActiveValue::Set, DbBackend, IntoActiveModel};

pub mod typ_plain_row {
    use advanced_alchemy::types::JsonB;
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "typ_plain_row")]
    pub struct Model {
        pub flag: bool,
        pub big: i64,
        pub tags: JsonB<Vec<String>>,
    }
}

use typ_plain_row as row;

async fn bool_bigint_and_lists_are_plain_seaorm(t: TestDb) {
    let rows = Repository::<row::Entity, _>::new(&t.db);
    let added = rows
        .add(row::ActiveModel {
            flag: Set(true),
            big: Set(i64::MAX),
            tags: Set(JsonB(vec!["a".into()])),
            ..Default::default()
        })
        .await
        .expect("add");
    // Python's Boolean and BigIntIdentity (BIGINT, INTEGER on SQLite) in the catalog
    let types = match t.db_backend() {
        DbBackend::Postgres => {
            t.strings(
                "SELECT data_type::text FROM information_schema.columns \
                 WHERE table_name = 'typ_plain_row' AND column_name IN ('id', 'flag', 'big') \
                 ORDER BY column_name",
            )
            .await
        }
        DbBackend::MySql => {
            t.strings(
                "SELECT CAST(COLUMN_TYPE AS CHAR) FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'typ_plain_row' \
                 AND COLUMN_NAME IN ('id', 'flag', 'big') ORDER BY COLUMN_NAME",
            )
            .await
        }
        _ => {
            t.strings(
                "SELECT lower(type) FROM pragma_table_info('typ_plain_row') \
                 WHERE name IN ('id', 'flag', 'big') ORDER BY name",
            )
            .await
        }
    };
    let expected: [&str; 3] = match t.db_backend() {
        DbBackend::Postgres => ["bigint", "boolean", "bigint"],
        DbBackend::MySql => ["bigint(20)", "tinyint(1)", "bigint(20)"],
        // sea-query writes i64 as INTEGER on SQLite: exactly BigIntIdentity there
        _ => ["integer", "boolean", "integer"],
    };
    assert_eq!(types, expected, "big, flag, id");
    if t.db_backend() != DbBackend::Postgres {
        // SQLAlchemy's Boolean outside PostgreSQL: the integers 1 and 0
        assert_eq!(t.scalar("SELECT flag FROM typ_plain_row").await, 1);
    }
    // MutableList: change the list in place, Set it, update; no change tracking needed
    let mut tags = added.tags.clone();
    tags.push("b".into());
    tags.retain(|t| t != "a");
    let mut change = added.clone().into_active_model();
    change.tags = Set(tags);
    rows.update(change).await.expect("update");
    let read = rows.get(added.id).await.expect("get");
    assert_eq!(*read.tags, ["b"]);
    assert!(read.flag && read.big == i64::MAX);
}

crate::backend_tests!(bool_bigint_and_lists_are_plain_seaorm);
