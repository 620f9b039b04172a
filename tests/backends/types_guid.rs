//! `GUID`: Python's `GUID` column, native `uuid` on PostgreSQL and 16 raw bytes
//! (`BINARY(16)`) elsewhere: what is stored, the column types, rows written the way
//! Python writes them, and equality / `IN` filters on a key, a non-key and a nullable
//! GUID column.

use crate::support::{Backend, TestDb};
use advanced_alchemy::filters::{
    CollectionFilter, ComparisonFilter, Filter, NotInCollectionFilter, NullFilter, Operator,
};
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::GUID;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};

pub mod guid_row {
    use advanced_alchemy::types::GUID;
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(UUIDv7Base)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "guid_row")]
    pub struct Model {
        pub label: String,
        pub token: GUID,
        pub parent: Option<GUID>,
    }
}

fn guid(text: &str) -> GUID {
    GUID::parse_str(text).expect("a UUID literal")
}

const T1: &str = "0190e4a4-6a1e-7cc2-8f3b-52f1c3e2a001";
const T2: &str = "c9a646d3-9c61-4cb7-bfcd-ee2522c8f633";
const T3: &str = "00000000-0000-4000-8000-0000000000ff";

async fn seed(t: &TestDb) -> Vec<guid_row::Model> {
    let repo = Repository::<guid_row::Entity, _>::new(&t.db);
    let mut out = Vec::new();
    for (label, token, parent) in [
        ("one", T1, Some(T1)),
        ("two", T2, None),
        ("three", T3, Some(T1)),
    ] {
        out.push(
            repo.add(guid_row::ActiveModel {
                label: Set(label.into()),
                token: Set(guid(token)),
                parent: Set(parent.map(guid)),
                ..Default::default()
            })
            .await
            .expect("add"),
        );
    }
    out
}

async fn matching(
    repo: &Repository<'_, guid_row::Entity>,
    filter: impl Filter<guid_row::Entity>,
) -> Vec<String> {
    labels(repo.get_many(filter).await.expect("filter"))
}

fn labels(rows: Vec<guid_row::Model>) -> Vec<String> {
    let mut labels: Vec<String> = rows.into_iter().map(|m| m.label).collect();
    labels.sort();
    labels
}

async fn guid_stores_sixteen_bytes(t: TestDb) {
    let rows = seed(&t).await;
    let repo = Repository::<guid_row::Entity, _>::new(&t.db);
    for row in &rows {
        assert_eq!(&repo.get(row.id).await.expect("get"), row);
    }
    match t.backend {
        Backend::Sqlite | Backend::MySql => {
            // Python binds `value.bytes`: the 16 bytes in the UUID's own (big-endian) order
            let sql = if t.backend == Backend::Sqlite {
                "SELECT LENGTH(token) || ' ' || LENGTH(id) || ' ' || HEX(token) FROM guid_row ORDER BY label"
            } else {
                "SELECT CONCAT(LENGTH(token), ' ', LENGTH(id), ' ', HEX(token)) FROM guid_row ORDER BY label"
            };
            let shape = t.strings(sql).await;
            let expected: Vec<String> = [T1, T3, T2]
                .iter()
                .map(|u| format!("16 16 {}", guid(u).simple().to_string().to_uppercase()))
                .collect();
            assert_eq!(shape, expected);
            if t.backend == Backend::Sqlite {
                let storage = t
                    .strings("SELECT DISTINCT typeof(token) || ' ' || typeof(id) FROM guid_row")
                    .await;
                assert_eq!(storage, ["blob blob"]);
            }
            assert_eq!(
                t.scalar(
                    "SELECT COUNT(*) FROM guid_row WHERE parent IS NOT NULL AND LENGTH(parent) = 16"
                )
                .await,
                2
            );
        }
        Backend::Postgres => {
            let shape = t
                .strings("SELECT DISTINCT pg_typeof(token)::text || ' ' || pg_typeof(id)::text FROM guid_row")
                .await;
            assert_eq!(shape, ["uuid uuid"]);
            let text = t
                .strings("SELECT token::text FROM guid_row ORDER BY label")
                .await;
            assert_eq!(text, [T1, T3, T2]);
        }
    }

    // Python's column types: uuid on PostgreSQL, BINARY(16) on MySQL and SQLite
    let types = match t.backend {
        Backend::Sqlite => {
            t.strings("SELECT type FROM pragma_table_info('guid_row') WHERE name IN ('id', 'token', 'parent') ORDER BY cid")
                .await
        }
        Backend::Postgres => {
            t.strings("SELECT data_type::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'guid_row' AND column_name IN ('id', 'token', 'parent') ORDER BY ordinal_position")
                .await
        }
        Backend::MySql => {
            t.strings("SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'guid_row' AND COLUMN_NAME IN ('id', 'token', 'parent') ORDER BY ORDINAL_POSITION")
                .await
        }
    };
    let expected = match t.backend {
        Backend::Postgres => "uuid",
        _ => "binary(16)",
    };
    assert_eq!(types, [expected; 3]);
}

async fn guid_reads_rows_written_as_python_writes_them(t: TestDb) {
    let id = GUID::now_v7();
    let token = guid(T2);
    let literal = |u: GUID| match t.backend {
        Backend::Postgres => format!("'{u}'"),
        // SQLAlchemy binds GUID as `value.bytes` on MySQL and SQLite
        _ => format!("X'{}'", u.simple()),
    };
    t.db.execute_unprepared(&format!(
        "INSERT INTO guid_row (id, label, token, parent) VALUES ({}, 'from python', {}, {})",
        literal(id),
        literal(token),
        literal(id)
    ))
    .await
    .expect("raw insert");
    let repo = Repository::<guid_row::Entity, _>::new(&t.db);
    let row = repo.get(id).await.expect("get by key");
    assert_eq!((row.token, row.parent), (token, Some(id)));
    let found = repo
        .get_one(guid_row::Column::Token.eq(token))
        .await
        .expect("by token");
    assert_eq!(found.id, id);
}

async fn guid_equality_and_in_filters(t: TestDb) {
    let rows = seed(&t).await;
    let repo = Repository::<guid_row::Entity, _>::new(&t.db);
    let (t1, t2, t3) = (guid(T1), guid(T2), guid(T3));
    let absent = guid("11111111-2222-4333-8444-555555555555");

    // SeaORM conditions, on the non-key and the nullable column
    let by = |f: sea_orm::sea_query::Expr| {
        guid_row::Entity::find()
            .filter(f)
            .order_by_asc(guid_row::Column::Label)
    };
    let found = by(guid_row::Column::Token.eq(t2))
        .all(&t.db)
        .await
        .expect("eq");
    assert_eq!(labels(found), ["two"]);
    let found = by(guid_row::Column::Token.is_in([t1, t3, absent]))
        .all(&t.db)
        .await
        .expect("is_in");
    assert_eq!(labels(found), ["one", "three"]);
    let found = by(guid_row::Column::Parent.eq(t1))
        .all(&t.db)
        .await
        .expect("eq on nullable");
    assert_eq!(labels(found), ["one", "three"]);
    let found = by(guid_row::Column::Parent.is_in([t2, t1]))
        .all(&t.db)
        .await
        .expect("is_in on nullable");
    assert_eq!(labels(found), ["one", "three"]);
    let found = by(guid_row::Column::Parent.is_not_in([t1]))
        .all(&t.db)
        .await
        .expect("not in on nullable");
    assert!(found.is_empty(), "NULL is not in or out");

    // the repository's filters
    let repo = &repo;
    assert_eq!(
        matching(
            repo,
            ComparisonFilter::new(guid_row::Column::Token, Operator::Eq, t2)
        )
        .await,
        ["two"]
    );
    assert_eq!(
        matching(
            repo,
            ComparisonFilter::new(guid_row::Column::Token, Operator::Ne, t2)
        )
        .await,
        ["one", "three"]
    );
    assert_eq!(
        matching(
            repo,
            CollectionFilter::new(guid_row::Column::Token, [t1, absent])
        )
        .await,
        ["one"]
    );
    assert_eq!(
        matching(
            repo,
            NotInCollectionFilter::new(guid_row::Column::Token, [t1, absent])
        )
        .await,
        ["three", "two"]
    );
    assert_eq!(
        matching(
            repo,
            ComparisonFilter::new(guid_row::Column::Parent, Operator::Eq, t1)
        )
        .await,
        ["one", "three"]
    );
    assert_eq!(
        matching(
            repo,
            CollectionFilter::new(guid_row::Column::Parent, [t3, t1])
        )
        .await,
        ["one", "three"]
    );
    assert_eq!(
        matching(repo, NullFilter::new(guid_row::Column::Parent)).await,
        ["two"]
    );
    assert_eq!(
        matching(
            repo,
            CollectionFilter::new(guid_row::Column::Id, [rows[0].id, rows[2].id, absent])
        )
        .await,
        ["one", "three"]
    );

    // SeaORM writes `.eq(None)` as `IS NULL`
    let none: Option<GUID> = None;
    assert_eq!(
        labels(
            repo.get_many(guid_row::Column::Parent.eq(none))
                .await
                .expect("eq None")
        ),
        ["two"]
    );
}

crate::backend_tests!(
    guid_stores_sixteen_bytes,
    guid_reads_rows_written_as_python_writes_them,
    guid_equality_and_in_filters,
);
