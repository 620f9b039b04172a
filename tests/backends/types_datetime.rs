//! types::DateTimeUTC: what each backend stores (SQLAlchemy's forms), microsecond round
//! trips, time order, filters, rows written the way Python writes them, and PostgreSQL
//! sessions in another time zone.

use crate::support::{Backend, TestDb};
use advanced_alchemy::filters::{
    BeforeAfter, CollectionFilter, ComparisonFilter, NullFilter, Operator, OrderBy,
};
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::DateTimeUTC;
use chrono::{TimeZone, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, TransactionTrait,
};

pub mod typ_dt_event {
    use advanced_alchemy::types::DateTimeUTC;
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntAuditBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "typ_dt_event")]
    pub struct Model {
        #[sea_orm(unique)]
        pub name: String,
        pub starts_at: DateTimeUTC,
        pub ends_at: Option<DateTimeUTC>,
    }
}

use typ_dt_event as event;

fn at(text: &str) -> DateTimeUTC {
    DateTimeUTC::parse(text).expect(text)
}

fn events(t: &TestDb) -> Repository<'_, event::Entity> {
    Repository::new(&t.db)
}

async fn add(t: &TestDb, name: &str, starts: &str, ends: Option<&str>) -> event::Model {
    events(t)
        .add(event::ActiveModel {
            name: Set(name.into()),
            starts_at: Set(at(starts)),
            ends_at: Set(ends.map(at)),
            ..Default::default()
        })
        .await
        .expect("add")
}

/// `starts_at` of row `name` as the database holds it, as text in SQLAlchemy's form
/// (on PostgreSQL rendered in UTC).
async fn stored_text(t: &TestDb, name: &str) -> String {
    let sql = match t.backend {
        Backend::Sqlite => {
            format!(
                "SELECT typeof(starts_at) || ' ' || starts_at FROM typ_dt_event WHERE name = '{name}'"
            )
        }
        Backend::MySql => {
            format!("SELECT CAST(starts_at AS CHAR) FROM typ_dt_event WHERE name = '{name}'")
        }
        Backend::Postgres => format!(
            "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM typ_dt_event WHERE name = '{name}'"
        ),
    };
    t.strings(&sql).await.remove(0)
}

async fn stores_what_python_stores(t: TestDb) {
    let saved = add(&t, "a", "2024-01-02 03:04:05.123456", None).await;
    add(&t, "b", "2024-01-02 03:04:05", None).await;
    let expected = |text: &str| match t.backend {
        Backend::Sqlite => format!("text {text}"),
        _ => text.to_owned(),
    };
    assert_eq!(
        stored_text(&t, "a").await,
        expected("2024-01-02 03:04:05.123456")
    );
    assert_eq!(
        stored_text(&t, "b").await,
        expected("2024-01-02 03:04:05.000000")
    );
    // the audit columns are DateTimeUTC too
    if t.backend == Backend::Sqlite {
        let created = t
            .strings("SELECT created_at FROM typ_dt_event WHERE name = 'a'")
            .await
            .remove(0);
        assert_eq!(created, saved.created_at.to_naive_text());
        assert_eq!(created.len(), 26, "{created}");
    }
    // the column types SQLAlchemy declares (with microseconds on MySQL)
    let ddl = match t.backend {
        Backend::Sqlite => {
            "SELECT type FROM pragma_table_info('typ_dt_event') WHERE name = 'starts_at'"
        }
        Backend::MySql => {
            "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'typ_dt_event' AND COLUMN_NAME = 'starts_at'"
        }
        Backend::Postgres => {
            "SELECT data_type FROM information_schema.columns WHERE table_name = 'typ_dt_event' AND column_name = 'starts_at'"
        }
    };
    let expected_ddl = match t.backend {
        Backend::Sqlite => "DATETIME",
        Backend::MySql => "datetime(6)",
        Backend::Postgres => "timestamp with time zone",
    };
    assert_eq!(t.strings(ddl).await, [expected_ddl]);
}

async fn round_trips_to_the_microsecond(t: TestDb) {
    let nanos = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap()
        + chrono::Duration::nanoseconds(999_999_999);
    let saved = events(&t)
        .add(event::ActiveModel {
            name: Set("edge".into()),
            starts_at: Set(nanos.into()),
            ends_at: Set(Some(at("2000-01-01 00:00:00.000001"))),
            ..Default::default()
        })
        .await
        .expect("add");
    assert_eq!(saved.starts_at, at("1999-12-31 23:59:59.999999"));
    let loaded = events(&t).get(saved.id).await.expect("get");
    assert_eq!(loaded, saved);
    assert_eq!(loaded.ends_at, Some(at("2000-01-01 00:00:00.000001")));

    // update through SeaORM's own ActiveModel::update and through the repository
    let mut change = loaded.clone().into_active_model();
    change.ends_at = Set(None);
    let updated = change.update(&t.db).await.expect("update");
    assert_eq!(updated.ends_at, None);
    let mut change = updated.into_active_model();
    change.starts_at = Set(at("2030-06-15 12:00:00.5"));
    let updated = events(&t).update(change).await.expect("update");
    assert_eq!(events(&t).get(saved.id).await.expect("get"), updated);
    assert!(
        stored_text(&t, "edge")
            .await
            .ends_with("2030-06-15 12:00:00.500000")
    );
}

async fn sorts_in_time_order(t: TestDb) {
    let times = [
        "2024-01-02 03:04:05.1",
        "2024-01-02 03:04:05",
        "2024-01-02 03:04:05.999999",
        "2024-01-02 03:04:05.000001",
        "2024-01-02 03:04:06",
        "2023-12-31 23:59:59.999999",
        "2024-01-02 13:04:05",
    ];
    for (i, time) in times.iter().enumerate() {
        add(&t, &format!("e{i}"), time, None).await;
    }
    let mut expected: Vec<DateTimeUTC> = times.iter().map(|s| at(s)).collect();
    expected.sort();
    let rows = events(&t)
        .get_many(OrderBy::asc(event::Column::StartsAt))
        .await
        .expect("ordered");
    let got: Vec<DateTimeUTC> = rows.iter().map(|r| r.starts_at).collect();
    assert_eq!(got, expected);
    let raw = event::Entity::find()
        .order_by_desc(event::Column::StartsAt)
        .all(&t.db)
        .await
        .expect("raw order");
    assert_eq!(raw[0].starts_at, at("2024-01-02 13:04:05"));
}

async fn filters_compare_instants(t: TestDb) {
    add(
        &t,
        "early",
        "2024-01-01 00:00:00",
        Some("2024-01-01 01:00:00"),
    )
    .await;
    add(&t, "exact", "2024-01-02 03:04:05.123456", None).await;
    add(&t, "late", "2024-01-02 03:04:05.5", None).await;
    let names = |rows: Vec<event::Model>| {
        let mut names: Vec<String> = rows.into_iter().map(|r| r.name).collect();
        names.sort();
        names
    };
    let repo = events(&t);
    let exact = at("2024-01-02 03:04:05.123456");
    let eq = ComparisonFilter::new(event::Column::StartsAt, Operator::Eq, exact);
    assert_eq!(names(repo.get_many(eq).await.expect("eq")), ["exact"]);
    let gt = ComparisonFilter::new(event::Column::StartsAt, Operator::Gt, exact);
    assert_eq!(names(repo.get_many(gt).await.expect("gt")), ["late"]);
    let within = BeforeAfter::new(
        event::Column::StartsAt,
        Some(at("2024-01-02 03:04:05.5")),
        Some(at("2024-01-01 00:00:00")),
    );
    assert_eq!(
        names(repo.get_many(within).await.expect("range")),
        ["exact"]
    );
    let listed = CollectionFilter::new(
        event::Column::StartsAt,
        [at("2024-01-01 00:00:00"), at("2024-01-02 03:04:05.5")],
    );
    assert_eq!(
        names(repo.get_many(listed).await.expect("in")),
        ["early", "late"]
    );
    let open = NullFilter::new(event::Column::EndsAt);
    assert_eq!(
        names(repo.get_many(open).await.expect("null")),
        ["exact", "late"]
    );
    let ends = ComparisonFilter::new(
        event::Column::EndsAt,
        Operator::Eq,
        at("2024-01-01 01:00:00"),
    );
    assert_eq!(
        names(repo.get_many(ends).await.expect("eq option")),
        ["early"]
    );

    // SeaORM conditions written by hand take the value for the backend
    let backend = t.db.get_database_backend();
    let raw = event::Entity::find()
        .filter(event::Column::StartsAt.eq(exact.for_backend(backend)))
        .all(&t.db)
        .await
        .expect("raw eq");
    assert_eq!(names(raw), ["exact"]);
    let raw = event::Entity::find()
        .filter(event::Column::StartsAt.lt(exact.for_backend(backend)))
        .all(&t.db)
        .await
        .expect("raw lt");
    assert_eq!(names(raw), ["early"]);

    // a query string filters the audit columns the same way
    let schema = advanced_alchemy::filters::params::FilterSchema::<event::Entity>::all_columns();
    let parsed = schema
        .parse_query(
            "starts_at__gte=2024-01-02T03:04:05.123456Z&starts_at__lt=2024-01-02T04:00:00%2B00:30",
        )
        .expect("parse");
    assert_eq!(
        names(repo.get_many(parsed).await.expect("params")),
        ["exact", "late"]
    );
}

/// Rows written the way SQLAlchemy writes them (and, on SQLite, the RFC 3339 text sqlx
/// writes for a `chrono::DateTime<Utc>`) read back as the same instants.
async fn reads_rows_python_wrote(t: TestDb) {
    let (python, legacy) = match t.backend {
        Backend::Sqlite => (
            "'2024-01-02 03:04:05.123456'",
            Some("'2024-01-02T04:04:05.123456+01:00'"),
        ),
        Backend::MySql => ("'2024-01-02 03:04:05.123456'", None),
        Backend::Postgres => ("'2024-01-02 03:04:05.123456+00'::timestamptz", None),
    };
    let insert = |name: &str, value: &str| {
        format!(
            "INSERT INTO typ_dt_event (name, starts_at, created_at, updated_at) VALUES ('{name}', {value}, {value}, {value})"
        )
    };
    t.db.execute_unprepared(&insert("python", python))
        .await
        .expect("python row");
    if let Some(legacy) = legacy {
        t.db.execute_unprepared(&insert("sqlx", legacy))
            .await
            .expect("sqlx row");
    }
    let rows = events(&t).get_many(()).await.expect("read");
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(
            row.starts_at,
            at("2024-01-02 03:04:05.123456"),
            "{}",
            row.name
        );
        assert_eq!(row.created_at, row.starts_at);
    }
    // the Python row matches an equality filter exactly
    let eq = ComparisonFilter::new(
        event::Column::StartsAt,
        Operator::Eq,
        at("2024-01-02 03:04:05.123456"),
    );
    let matched = events(&t).get_many(eq).await.expect("eq");
    assert!(matched.iter().any(|r| r.name == "python"));

    // a model read and saved again (an upsert of a stored model) writes this backend's form
    let python_row = rows.into_iter().find(|r| r.name == "python").expect("row");
    let mut again = python_row.into_active_model();
    again.name = Set("python again".into());
    events(&t)
        .upsert(again, None)
        .await
        .expect("upsert a read model");
    assert_eq!(
        stored_text(&t, "python again").await,
        match t.backend {
            Backend::Sqlite => "text 2024-01-02 03:04:05.123456",
            _ => "2024-01-02 03:04:05.123456",
        }
    );
}

/// Values carry their offset (PostgreSQL) or are UTC text (MySQL `DATETIME`, SQLite), so
/// a session in another time zone, or a value made from a local time, stores and
/// compares the same instants.
async fn session_time_zone_does_not_matter(t: TestDb) {
    let txn = t.db.begin().await.expect("begin");
    match t.backend {
        Backend::Postgres => txn.execute_unprepared("SET LOCAL TIME ZONE 'America/New_York'"),
        Backend::MySql => txn.execute_unprepared("SET time_zone = '-04:00'"),
        Backend::Sqlite => txn.execute_unprepared("SELECT 1"),
    }
    .await
    .expect("set time zone");
    let local = chrono::DateTime::parse_from_rfc3339("2024-07-01T08:00:00-04:00").expect("date");
    let noon_utc = DateTimeUTC::from(local.with_timezone(&Utc));
    Repository::<event::Entity, _>::new(&txn)
        .add(event::ActiveModel {
            name: Set("ny".into()),
            starts_at: Set(noon_utc),
            ends_at: Set(None),
            ..Default::default()
        })
        .await
        .expect("add");
    let eq = ComparisonFilter::new(
        event::Column::StartsAt,
        Operator::Eq,
        at("2024-07-01 12:00:00"),
    );
    let found = Repository::<event::Entity, _>::new(&txn)
        .get_many(eq)
        .await
        .expect("eq");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].starts_at, at("2024-07-01 12:00:00"));
    txn.commit().await.expect("commit");
    assert!(
        stored_text(&t, "ny")
            .await
            .ends_with("2024-07-01 12:00:00.000000")
    );
}

/// `get_and_update`/`get_or_upsert` compare the data with the stored row: an equal
/// instant is no change, whatever form each side was written in.
async fn matching_sees_equal_instants(t: TestDb) {
    let saved = add(&t, "m", "2024-03-04 05:06:07.080910", None).await;
    let data = || event::ActiveModel {
        name: Set("m".into()),
        starts_at: Set(at("2024-03-04 05:06:07.080910")),
        ends_at: Set(None),
        ..Default::default()
    };
    let (row, updated) = events(&t)
        .get_and_update(data(), &[event::Column::Name])
        .await
        .expect("get_and_update");
    assert!(!updated, "an equal instant is not a change");
    assert_eq!(row, saved);
    let (row, created) = events(&t)
        .get_or_upsert(
            data(),
            &[event::Column::Name, event::Column::StartsAt],
            false,
        )
        .await
        .expect("get_or_upsert by the timestamp");
    assert!(!created);
    assert_eq!(row.id, saved.id);
    let mut later = data();
    later.starts_at = Set(at("2024-03-04 05:06:07.080911"));
    let (row, updated) = events(&t)
        .get_and_update(later, &[event::Column::Name])
        .await
        .expect("get_and_update");
    assert!(updated);
    assert_eq!(row.starts_at, at("2024-03-04 05:06:07.080911"));
}

/// Text that is no timestamp: SQLite stores it, and reading it is `Error::Decode` naming
/// the column; PostgreSQL and MySQL refuse it when it is written.
async fn garbage_is_a_typed_error(t: TestDb) {
    let stamp = "'2024-01-01 00:00:00.000000'";
    let insert = t
        .db
        .execute_unprepared(&format!(
            "INSERT INTO typ_dt_event (name, starts_at, created_at, updated_at) VALUES ('bad', 'not a date', {stamp}, {stamp})"
        ))
        .await;
    if t.backend != Backend::Sqlite {
        assert!(
            insert.is_err(),
            "{:?} stored 'not a date' as a timestamp",
            t.backend
        );
        return;
    }
    insert.expect("SQLite stores any text");
    let id = t
        .scalar("SELECT id FROM typ_dt_event WHERE name = 'bad'")
        .await;
    match events(&t).get(id).await {
        Err(advanced_alchemy::Error::Decode {
            column, expected, ..
        }) => {
            assert_eq!(column.as_deref(), Some("starts_at"));
            assert_eq!(expected, "DateTimeUTC");
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

crate::backend_tests!(
    garbage_is_a_typed_error,
    matching_sees_equal_instants,
    stores_what_python_stores,
    round_trips_to_the_microsecond,
    sorts_in_time_order,
    filters_compare_instants,
    reads_rows_python_wrote,
    session_time_zone_does_not_matter,
);
