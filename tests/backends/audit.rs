//! created_at / updated_at: set on insert, moved on change, explicit values kept.

use crate::blog::post;
use crate::models::{nanoid_with_audit, note};
use crate::support::{Backend, TestDb};
use chrono::{DateTime, SubsecRound, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};

fn new_post(title: &str) -> post::ActiveModel {
    post::ActiveModel {
        title: Set(title.into()),
        content: Set("body".into()),
        published: Set(false),
        ..Default::default()
    }
}

async fn reload(t: &TestDb, id: i64) -> post::Model {
    post::Entity::find_by_id(id)
        .one(&t.db)
        .await
        .expect("find")
        .expect("row")
}

async fn set_on_insert(t: TestDb) {
    let before = Utc::now().trunc_subsecs(6);
    let saved = new_post("hello").insert(&t.db).await.expect("insert");
    let after = Utc::now();
    assert_eq!(saved.created_at, saved.updated_at);
    assert!(before <= saved.created_at && saved.created_at <= after);
    // microseconds survive the round trip on every backend
    assert_eq!(reload(&t, saved.id).await, saved);
}

async fn updated_at_moves_on_update(t: TestDb) {
    let saved = new_post("draft").insert(&t.db).await.expect("insert");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let mut change = saved.clone().into_active_model();
    change.title = Set("final".into());
    let updated = change.update(&t.db).await.expect("update");
    assert!(updated.updated_at > saved.updated_at);
    assert_eq!(updated.created_at, saved.created_at);
    let stored = reload(&t, saved.id).await;
    assert_eq!(stored.updated_at, updated.updated_at);
    assert_eq!(stored.created_at, saved.created_at);
    assert_eq!(stored.title, "final");
}

async fn explicit_values_are_kept(t: TestDb) {
    let created: DateTime<Utc> = Utc
        .with_ymd_and_hms(2020, 1, 2, 3, 4, 5)
        .single()
        .expect("date");
    let mut am = new_post("imported");
    am.created_at = Set(created.into());
    am.updated_at = Set(created.into());
    let saved = am.insert(&t.db).await.expect("insert");
    assert_eq!((*saved.created_at, *saved.updated_at), (created, created));

    let touched: DateTime<Utc> = Utc
        .with_ymd_and_hms(2021, 6, 7, 8, 9, 10)
        .single()
        .expect("date");
    let mut change = saved.into_active_model();
    change.title = Set("imported again".into());
    change.updated_at = Set(touched.into());
    let updated = change.update(&t.db).await.expect("update");
    assert_eq!(updated.updated_at, touched);
    assert_eq!(reload(&t, updated.id).await.updated_at, touched);
    assert_eq!(updated.created_at, created);
}

async fn column_types_are_timezone_aware(t: TestDb) {
    match t.backend {
        Backend::Postgres => {
            let types = t
                .strings("SELECT data_type::text FROM information_schema.columns WHERE table_name = 'post' AND column_name IN ('created_at', 'updated_at', 'published_at')")
                .await;
            assert_eq!(types, ["timestamp with time zone"; 3]);
        }
        Backend::MySql => {
            let types = t
                .strings("SELECT CONCAT(DATA_TYPE, '(', DATETIME_PRECISION, ')') FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'post' AND COLUMN_NAME IN ('created_at', 'updated_at')")
                .await;
            assert_eq!(types, ["datetime(6)"; 2]);
        }
        Backend::Sqlite => {
            let types = t
                .strings("SELECT type FROM pragma_table_info('post') WHERE name IN ('created_at', 'updated_at')")
                .await;
            assert_eq!(types, ["DATETIME"; 2]);
        }
    }
}

async fn audit_columns_on_a_custom_base(t: TestDb) {
    let row = nanoid_with_audit::ActiveModel {
        name: Set("custom".into()),
        ..Default::default()
    }
    .insert(&t.db)
    .await
    .expect("insert");
    assert_eq!(row.id.len(), 21);
    assert_eq!(row.created_at, row.updated_at);
}

async fn user_hooks_run_after_generated_ones(t: TestDb) {
    let saved = note::ActiveModel {
        body: Set("  padded  ".into()),
        ..Default::default()
    }
    .insert(&t.db)
    .await
    .expect("insert");
    assert_eq!(saved.body, "padded");
    assert_eq!(saved.id.get_version_num(), 7);
    assert_eq!(saved.created_at, saved.updated_at);

    let refused = note::ActiveModel {
        body: Set(String::new()),
        ..Default::default()
    }
    .insert(&t.db)
    .await;
    assert!(matches!(refused, Err(sea_orm::DbErr::Custom(ref m)) if m.contains("needs a body")));
    assert_eq!(
        note::Entity::find().all(&t.db).await.expect("select").len(),
        1
    );
}

crate::backend_tests!(
    set_on_insert,
    updated_at_moves_on_update,
    explicit_values_are_kept,
    column_types_are_timezone_aware,
    audit_columns_on_a_custom_base,
    user_hooks_run_after_generated_ones,
);
