//! `JsonB<T>`: round trips through every repository write path, the exact text stored
//! (Python's `json.dumps` output, hard-coded below from
//! `python3 -c 'import json; print(json.dumps(…))'`), the column types, unreadable
//! values as `Error::Decode`, the numbers a Python-created SQLite `JSON` column holds,
//! and the NULL filters.

use crate::support::{Backend, TestDb};
use advanced_alchemy::Error;
use advanced_alchemy::filters::{NotNullFilter, NullFilter};
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::JsonB;
use sea_orm::{ActiveValue::Set, ConnectionTrait, IntoActiveModel, Statement};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub theme: String,
    pub nested: Inner,
    pub note: Option<String>,
    pub ratio: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inner {
    pub depth: u8,
    pub tags: Vec<String>,
}

pub mod json_doc {
    use super::Settings;
    use advanced_alchemy::types::JsonB;
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntAuditBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "json_doc")]
    pub struct Model {
        #[sea_orm(unique)]
        pub label: String,
        pub settings: JsonB<Settings>,
        pub numbers: JsonB<Vec<f64>>,
        pub extra: Option<JsonB<serde_json::Value>>,
    }
}

fn dark() -> Settings {
    Settings {
        theme: "dark".into(),
        nested: Inner {
            depth: 3,
            tags: vec!["a".into(), "café".into(), "😀".into()],
        },
        note: None,
        ratio: 0.5,
    }
}

fn empty() -> Settings {
    Settings {
        theme: String::new(),
        nested: Inner {
            depth: 0,
            tags: vec![],
        },
        note: Some("ß".into()),
        ratio: 1e100,
    }
}

/// `json.dumps({"theme": "dark", "nested": {"depth": 3, "tags": ["a", "café", "😀"]}, "note": None, "ratio": 0.5})`
const DARK_PY: &str = r#"{"theme": "dark", "nested": {"depth": 3, "tags": ["a", "caf\u00e9", "\ud83d\ude00"]}, "note": null, "ratio": 0.5}"#;
/// `json.dumps({"theme": "", "nested": {"depth": 0, "tags": []}, "note": "ß", "ratio": 1e100})`
const EMPTY_PY: &str =
    r#"{"theme": "", "nested": {"depth": 0, "tags": []}, "note": "\u00df", "ratio": 1e+100}"#;
/// `json.dumps([1.0, 1e16, 0.1 + 0.2, -0.0, 1e-05])`
const NUMBERS_PY: &str = "[1.0, 1e+16, 0.30000000000000004, -0.0, 1e-05]";
fn numbers() -> Vec<f64> {
    vec![1.0, 1e16, 0.1 + 0.2, -0.0, 1e-05]
}
/// `json.dumps({"a": "\x7f\n\"\\", "b": [True, None]})`
const EXTRA_PY: &str = r#"{"a": "\u007f\n\"\\", "b": [true, null]}"#;
fn extra() -> serde_json::Value {
    json!({"a": "\u{7f}\n\"\\", "b": [true, null]})
}

fn row(label: &str, settings: Settings) -> json_doc::ActiveModel {
    json_doc::ActiveModel {
        label: Set(label.into()),
        settings: Set(JsonB(settings)),
        numbers: Set(JsonB(numbers())),
        extra: Set(None),
        ..Default::default()
    }
}

/// `model`, after checking that its row is gone.
async fn repo_get_gone(
    repo: &Repository<'_, json_doc::Entity>,
    model: json_doc::Model,
) -> json_doc::Model {
    assert!(matches!(
        repo.get(model.id).await,
        Err(Error::NotFound { .. })
    ));
    model
}

fn docs(t: &TestDb) -> Repository<'_, json_doc::Entity> {
    Repository::new(&t.db)
}

/// The stored text of `column` (`NULL` as `None`), in key order. PostgreSQL normalises
/// `jsonb`, so there it is compared by value in [`stored_equals`] instead.
async fn stored(t: &TestDb, column: &str) -> Vec<Option<String>> {
    t.db.query_all_raw(Statement::from_string(
        t.db_backend(),
        format!("SELECT {column} FROM json_doc ORDER BY id"),
    ))
    .await
    .expect("select")
    .into_iter()
    .map(|r| r.try_get_by_index::<Option<String>>(0).expect("text"))
    .collect()
}

/// Whether the row `id` holds `python` in `column`: the very text on SQLite and
/// MariaDB, the same `jsonb` value on PostgreSQL.
async fn stored_equals(t: &TestDb, id: i64, column: &str, python: &str) {
    if t.backend == Backend::Postgres {
        let sql = format!(
            "SELECT COUNT(*) FROM json_doc WHERE id = {id} AND {column} = CAST('{}' AS jsonb)",
            python.replace('\'', "''")
        );
        assert_eq!(t.scalar(&sql).await, 1, "{column}: {python}");
    } else {
        let sql = format!("SELECT {column} FROM json_doc WHERE id = {id}");
        assert_eq!(t.strings(&sql).await, [python], "{column}");
    }
}

async fn json_round_trip(t: TestDb) {
    let repo = docs(&t);
    let a = repo.add(row("a", dark())).await.expect("add");
    assert_eq!(*a.settings, dark());
    assert_eq!(*a.numbers, numbers());
    assert_eq!(a.extra, None);
    assert_eq!(repo.get(a.id).await.expect("get"), a);
    // jsonb's numbers are PostgreSQL numerics, which have no negative zero
    assert_eq!(
        a.numbers[3].is_sign_negative(),
        t.backend != Backend::Postgres
    );

    // unicode and empties, through add_many
    let mut more = row("b", empty());
    more.numbers = Set(JsonB(vec![]));
    more.extra = Set(Some(JsonB(json!({}))));
    let added = repo
        .add_many([more, row("c", dark())])
        .await
        .expect("add_many");
    assert_eq!(added[0].settings.nested.tags, Vec::<String>::new());
    assert_eq!(added[0].settings.note.as_deref(), Some("ß"));
    assert_eq!(added[0].extra, Some(JsonB(json!({}))));
    for model in &added {
        assert_eq!(&repo.get(model.id).await.expect("get"), model);
    }

    // update: a new value and a NULL becoming a value
    let mut change = a.clone().into_active_model();
    change.settings = Set(JsonB(empty()));
    change.extra = Set(Some(JsonB(extra())));
    let updated = repo.update(change).await.expect("update");
    assert_eq!(*updated.settings, empty());
    assert_eq!(updated.extra, Some(JsonB(extra())));
    assert_eq!(repo.get(a.id).await.expect("get"), updated);
    assert!(updated.updated_at >= a.updated_at);

    // update_many: the CASE path, with one key twice (the later values are merged in)
    let (b, c) = (added[0].clone(), added[1].clone());
    let mut b1 = b.clone().into_active_model();
    b1.settings = Set(JsonB(dark()));
    let mut c1 = c.clone().into_active_model();
    c1.extra = Set(Some(JsonB(json!([1, "two"]))));
    let mut b2 = b.clone().into_active_model();
    b2.extra = Set(None);
    let many = repo.update_many([b1, c1, b2]).await.expect("update_many");
    assert_eq!(many.len(), 2);
    let b_now = repo.get(b.id).await.expect("get");
    assert_eq!(*b_now.settings, dark());
    assert_eq!(b_now.extra, None);
    let c_now = repo.get(c.id).await.expect("get");
    assert_eq!(c_now.extra, Some(JsonB(json!([1, "two"]))));
    assert_eq!(many, [b_now, c_now.clone()]);

    // upsert by the unique label: an update of an existing row and an insert
    let mut again = row("c", empty());
    again.extra = Set(Some(JsonB(json!({"k": 1.5}))));
    let upserted = repo
        .upsert(again, Some(&[json_doc::Column::Label]))
        .await
        .expect("upsert");
    assert_eq!(upserted.id, c.id);
    assert_eq!(*upserted.settings, empty());
    assert_eq!(upserted.extra, Some(JsonB(json!({"k": 1.5}))));
    assert_eq!(repo.get(c.id).await.expect("get"), upserted);
    let fresh = repo
        .upsert(row("d", dark()), Some(&[json_doc::Column::Label]))
        .await
        .expect("upsert insert");
    assert_eq!(repo.get(fresh.id).await.expect("get"), fresh);
    let by_key = repo
        .upsert(
            {
                let mut m = fresh.clone().into_active_model();
                m.numbers = Set(JsonB(vec![2.5]));
                m
            },
            None,
        )
        .await
        .expect("upsert by key");
    assert_eq!(*by_key.numbers, [2.5]);

    // get_or_upsert (an insert, then the row found) and delete read it back too
    let (got, created) = repo
        .get_or_upsert(row("e", empty()), &[json_doc::Column::Label], true)
        .await
        .expect("get_or_upsert");
    assert!(created);
    assert_eq!(*got.settings, empty());
    let (again, created) = repo
        .get_or_upsert(row("e", dark()), &[json_doc::Column::Label], false)
        .await
        .expect("get_or_upsert existing");
    assert!(!created);
    assert_eq!(again, got);
    let (changed, _) = repo
        .get_or_upsert(row("e", dark()), &[json_doc::Column::Label], true)
        .await
        .expect("get_or_upsert update");
    assert_eq!((changed.id, &*changed.settings), (got.id, &dark()));
    let deleted = repo.delete(got.id).await.expect("delete");
    assert_eq!(deleted, repo_get_gone(&repo, changed).await);

    // and back to NULL
    let mut clear = updated.into_active_model();
    clear.extra = Set(None);
    assert_eq!(repo.update(clear).await.expect("update").extra, None);
    assert_eq!(repo.get(a.id).await.expect("get").extra, None);
    assert_eq!(
        t.scalar("SELECT COUNT(*) FROM json_doc WHERE extra IS NULL")
            .await,
        3 // a, b and d
    );
}

async fn json_stores_what_python_stores(t: TestDb) {
    let repo = docs(&t);
    let mut first = row("a", dark());
    first.extra = Set(Some(JsonB(extra())));
    let a = repo.add(first).await.expect("add");
    let b = repo.add(row("b", empty())).await.expect("add");
    stored_equals(&t, a.id, "settings", DARK_PY).await;
    stored_equals(&t, a.id, "numbers", NUMBERS_PY).await;
    stored_equals(&t, a.id, "extra", EXTRA_PY).await;
    stored_equals(&t, b.id, "settings", EMPTY_PY).await;
    if t.backend != Backend::Postgres {
        assert_eq!(stored(&t, "extra").await, [Some(EXTRA_PY.to_owned()), None]);
    }

    // a row written as Python writes it reads back equal
    t.db.execute_unprepared(&format!(
        "UPDATE json_doc SET settings = '{}' WHERE id = {}",
        DARK_PY.replace(
            '\\',
            if t.backend == Backend::MySql {
                "\\\\"
            } else {
                "\\"
            }
        ),
        b.id
    ))
    .await
    .expect("raw update");
    assert_eq!(*repo.get(b.id).await.expect("get").settings, dark());

    // Python's column types: jsonb on PostgreSQL, JSON (LONGTEXT + json_valid) on
    // MariaDB, TEXT on SQLite
    let types = match t.backend {
        Backend::Sqlite => {
            t.strings("SELECT type || ' ' || \"notnull\" FROM pragma_table_info('json_doc') WHERE name IN ('settings', 'numbers', 'extra') ORDER BY cid")
                .await
        }
        Backend::Postgres => {
            t.strings("SELECT data_type || ' ' || is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'json_doc' AND column_name IN ('settings', 'numbers', 'extra') ORDER BY ordinal_position")
                .await
        }
        Backend::MySql => {
            t.strings("SELECT CONCAT(DATA_TYPE, ' ', IS_NULLABLE) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'json_doc' AND COLUMN_NAME IN ('settings', 'numbers', 'extra') ORDER BY ORDINAL_POSITION")
                .await
        }
    };
    let expected = match t.backend {
        Backend::Sqlite => ["TEXT 1", "TEXT 1", "TEXT 0"],
        Backend::Postgres => ["jsonb NO", "jsonb NO", "jsonb YES"],
        Backend::MySql => ["longtext NO", "longtext NO", "longtext YES"],
    };
    assert_eq!(types, expected);
    if t.backend == Backend::MySql {
        // MariaDB's JSON: a check that refuses text that is not JSON
        let err =
            t.db.execute_unprepared(&format!(
                "UPDATE json_doc SET extra = 'not json' WHERE id = {}",
                a.id
            ))
            .await;
        assert!(err.is_err(), "json_valid check");
    }
}

async fn json_unreadable_values_are_errors(t: TestDb) {
    let repo = docs(&t);
    let good = repo.add(row("a", dark())).await.expect("add");
    let id = good.id;
    let set = |column: &str, sql_value: &str| {
        format!("UPDATE json_doc SET {column} = {sql_value} WHERE id = {id}")
    };
    let mut cases = vec![
        // valid JSON of the wrong shape, on every backend
        (
            "settings",
            "'{\"theme\": 1}'",
            "invalid type: integer `1`, expected a string",
        ),
        ("settings", "'[]'", "invalid length 0"),
        (
            "numbers",
            "'{\"a\": 1}'",
            "invalid type: map, expected a sequence",
        ),
        (
            "numbers",
            "'[1, \"x\"]'",
            "invalid type: string \"x\", expected f64",
        ),
    ];
    if t.backend == Backend::Sqlite {
        // SQLite's TEXT takes anything (PostgreSQL's jsonb and MariaDB's check refuse it)
        cases.push(("settings", "'not json'", "not valid JSON: expected ident"));
        cases.push(("numbers", "''", "not valid JSON: EOF while parsing a value"));
        cases.push(("numbers", "X'FF'", "invalid utf-8"));
    } else {
        let refused =
            t.db.execute_unprepared(&set("settings", "'not json'"))
                .await;
        assert!(
            refused.is_err(),
            "the database refuses text that is not JSON"
        );
    }
    for (column, sql_value, needle) in cases {
        t.db.execute_unprepared(&set(column, sql_value))
            .await
            .expect("raw update");
        let err = repo.get(id).await.expect_err(sql_value);
        match &err {
            Error::Decode {
                column: Some(c),
                expected,
                message,
            } => {
                assert_eq!(c, column, "{err}");
                let rust_type = if column == "settings" {
                    "backends::types_json::Settings"
                } else {
                    "alloc::vec::Vec<f64>"
                };
                assert_eq!(expected, rust_type);
                assert!(
                    message.to_lowercase().contains(&needle.to_lowercase()),
                    "{sql_value}: {message}"
                );
            }
            other => panic!("{sql_value}: {other:?}"),
        }
        assert!(
            err.to_string()
                .starts_with(&format!("cannot decode column `{column}` as ")),
            "{err}"
        );
        // many rows fail the same way, not with a panic
        assert!(matches!(repo.get_many(()).await, Err(Error::Decode { .. })));
        let restore = if column == "settings" {
            DARK_PY
        } else {
            NUMBERS_PY
        };
        let restore = restore.replace(
            '\\',
            if t.backend == Backend::MySql {
                "\\\\"
            } else {
                "\\"
            },
        );
        t.db.execute_unprepared(&set(column, &format!("'{restore}'")))
            .await
            .expect("restore");
        assert_eq!(repo.get(id).await.expect("readable again"), good);
    }

    // JSON null, which Python writes for None: a value for a type that takes null
    // (serde_json::Value), None for an Option of one that does not, an error where a
    // value is required
    t.db.execute_unprepared(&set("extra", "'null'"))
        .await
        .expect("raw update");
    assert_eq!(
        repo.get(id).await.expect("get").extra,
        Some(JsonB(serde_json::Value::Null))
    );
    t.db.execute_unprepared(&set("settings", "'null'"))
        .await
        .expect("raw update");
    let rows =
        t.db.query_all_raw(Statement::from_string(
            t.db_backend(),
            format!("SELECT settings FROM json_doc WHERE id = {id}"),
        ))
        .await
        .expect("select");
    let read = rows[0]
        .try_get_by_index::<Option<JsonB<Settings>>>(0)
        .expect("JSON null as None");
    assert_eq!(read, None);
    assert!(repo.get(id).await.is_err());
}

/// SQLAlchemy declares `JSON` on SQLite: numeric affinity, so the text `json.dumps`
/// wrote for a number is kept as an INTEGER or REAL. Those read back as JSON numbers
/// (the REAL with all its digits, not SQLite's 15-digit text of it).
async fn json_reads_a_python_sqlite_json_column(t: TestDb) {
    if t.backend != Backend::Sqlite {
        return;
    }
    t.db.execute_unprepared("CREATE TABLE py_json (id INTEGER PRIMARY KEY, data JSON)")
        .await
        .expect("create");
    // what Python's JsonB binds: json.dumps of each value
    let python = [
        r#"{"a": 1}"#,
        "1",
        "1.5",
        "0.30000000000000004",
        "1e+100",
        "1.0",
        "true",
        r#""x""#,
        "[1, 2]",
    ];
    for text in python {
        t.db.execute_raw(Statement::from_sql_and_values(
            t.db_backend(),
            "INSERT INTO py_json (data) VALUES (?)",
            [text.into()],
        ))
        .await
        .expect("insert");
    }
    assert_eq!(
        t.strings("SELECT typeof(data) FROM py_json ORDER BY id")
            .await,
        [
            "text", "integer", "real", "real", "real", "integer", "text", "text", "text"
        ]
    );
    let rows =
        t.db.query_all_raw(Statement::from_string(
            t.db_backend(),
            "SELECT data FROM py_json ORDER BY id",
        ))
        .await
        .expect("select");
    let read: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            r.try_get_by_index::<JsonB<serde_json::Value>>(0)
                .expect("reads")
                .into_inner()
        })
        .collect();
    assert_eq!(
        read,
        [
            json!({"a": 1}),
            json!(1),
            json!(1.5),
            json!(0.1 + 0.2),
            json!(1e100),
            json!(1),
            json!(true),
            json!("x"),
            json!([1, 2]),
        ]
    );
    // an integer cell is an error for a type that wants a string, naming no column
    // (a positional read)
    let err = rows[1]
        .try_get_by_index::<JsonB<String>>(0)
        .expect_err("not a string");
    match Error::from_db(err) {
        Error::Decode {
            column: None,
            expected,
            ..
        } => assert_eq!(expected, "alloc::string::String"),
        other => panic!("{other:?}"),
    }
}

async fn json_null_filters(t: TestDb) {
    let repo = docs(&t);
    let mut with = row("with", dark());
    with.extra = Set(Some(JsonB(json!({"x": 1}))));
    repo.add(with).await.expect("add");
    let mut json_null = row("json null", dark());
    json_null.extra = Set(Some(JsonB(serde_json::Value::Null)));
    repo.add(json_null).await.expect("add");
    repo.add(row("without", dark())).await.expect("add");

    let labels = |rows: Vec<json_doc::Model>| -> Vec<String> {
        let mut l: Vec<String> = rows.into_iter().map(|m| m.label).collect();
        l.sort();
        l
    };
    // SQL NULL only: a JSON null is a value
    let null = repo
        .get_many(NullFilter::new(json_doc::Column::Extra))
        .await
        .expect("null");
    assert_eq!(labels(null), ["without"]);
    let not_null = repo
        .get_many(NotNullFilter::new(json_doc::Column::Extra))
        .await
        .expect("not null");
    assert!(
        not_null
            .iter()
            .any(|m| m.label == "json null" && m.extra == Some(JsonB(serde_json::Value::Null)))
    );
    assert_eq!(labels(not_null), ["json null", "with"]);
    assert_eq!(
        repo.count(NotNullFilter::new(json_doc::Column::Extra))
            .await
            .expect("count"),
        2
    );
}

crate::backend_tests!(
    json_round_trip,
    json_stores_what_python_stores,
    json_unreadable_values_are_errors,
    json_reads_a_python_sqlite_json_column,
    json_null_filters,
);
