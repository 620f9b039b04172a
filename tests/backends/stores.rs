//! `advanced_alchemy::stores`: the tower-sessions session store and the key/value store,
//! on every backend.

use crate::support::TestDb;
use advanced_alchemy::stores::{KeyValueStore, SessionStore};
use std::time::Duration;
use tower_sessions_core::session::{Id, Record};
use tower_sessions_core::{ExpiredDeletion, SessionStore as _};

advanced_alchemy::session_model!(pub mod web_session, "web_session");
advanced_alchemy::store_model!(pub mod kv_entry, "kv_entry");

fn record(data: serde_json::Value, expires_in: time::Duration) -> Record {
    let serde_json::Value::Object(map) = data else {
        panic!("an object")
    };
    Record {
        id: Id::default(),
        data: map.into_iter().collect(),
        expiry_date: time::OffsetDateTime::now_utc() + expires_in,
    }
}

/// The expiry as stored: to the microsecond.
fn micros(at: time::OffsetDateTime) -> time::OffsetDateTime {
    at.replace_nanosecond(at.nanosecond() / 1000 * 1000)
        .expect("valid")
}

fn sessions(t: &TestDb) -> SessionStore<web_session::Entity> {
    SessionStore::new(t.db.clone())
}

async fn session_create_save_load_delete(t: TestDb) {
    let store = sessions(&t);
    let mut rec = record(
        serde_json::json!({"user_id": 42, "name": "Zoë", "roles": ["a", "b"]}),
        time::Duration::hours(1),
    );
    let id = rec.id;
    store.create(&mut rec).await.expect("create");
    assert_eq!(rec.id, id, "no collision: the id is kept");
    let loaded = store.load(&id).await.expect("load").expect("found");
    assert_eq!(loaded.id, id);
    assert_eq!(loaded.data, rec.data);
    assert_eq!(loaded.expiry_date, micros(rec.expiry_date));

    // save replaces data and expiry
    rec.data
        .insert("cart".into(), serde_json::json!({"items": 3}));
    rec.data.remove("name");
    rec.expiry_date += time::Duration::hours(1);
    store.save(&rec).await.expect("save");
    let loaded = store.load(&id).await.expect("load").expect("found");
    assert_eq!(loaded.data, rec.data);
    assert_eq!(loaded.expiry_date, micros(rec.expiry_date));
    assert_eq!(t.scalar("SELECT COUNT(*) FROM web_session").await, 1);

    // save of a session never created inserts it
    let other = record(serde_json::json!({"x": true}), time::Duration::minutes(5));
    store.save(&other).await.expect("save new");
    assert_eq!(
        store
            .load(&other.id)
            .await
            .expect("load")
            .expect("found")
            .data,
        other.data
    );

    store.delete(&id).await.expect("delete");
    assert!(store.load(&id).await.expect("load").is_none());
    store.delete(&id).await.expect("deleting twice is fine");
    assert!(store.load(&other.id).await.expect("load").is_some());
    assert!(store.load(&Id::default()).await.expect("load").is_none());

    // what the row holds: the id's text and the data as a JSON object
    let stored = t
        .strings(&format!(
            "SELECT session_id FROM web_session WHERE session_id = '{}'",
            other.id
        ))
        .await;
    assert_eq!(stored, [other.id.to_string()]);
}

async fn session_id_collision_on_create(t: TestDb) {
    let store = sessions(&t);
    let mut first = record(
        serde_json::json!({"owner": "first"}),
        time::Duration::hours(1),
    );
    store.create(&mut first).await.expect("create");

    let mut second = record(
        serde_json::json!({"owner": "second"}),
        time::Duration::hours(1),
    );
    second.id = first.id; // the drawn id is taken
    store.create(&mut second).await.expect("create retries");
    assert_ne!(second.id, first.id, "create drew a new id");

    let a = store.load(&first.id).await.expect("load").expect("first");
    assert_eq!(a.data, first.data, "the existing session is untouched");
    let b = store.load(&second.id).await.expect("load").expect("second");
    assert_eq!(b.data, second.data);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM web_session").await, 2);
}

async fn session_expiry_and_deletion(t: TestDb) {
    let store = sessions(&t);
    let mut live = record(serde_json::json!({"k": 1}), time::Duration::hours(1));
    let mut expired = record(serde_json::json!({"k": 2}), time::Duration::seconds(-5));
    let mut soon = record(
        serde_json::json!({"k": 3}),
        time::Duration::milliseconds(300),
    );
    store.create(&mut live).await.expect("create");
    store.create(&mut expired).await.expect("create");
    store.create(&mut soon).await.expect("create");

    assert!(
        store.load(&expired.id).await.expect("load").is_none(),
        "an expired session is not loaded"
    );
    assert!(store.load(&soon.id).await.expect("load").is_some());
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        store.load(&soon.id).await.expect("load").is_none(),
        "expired since"
    );
    assert_eq!(
        t.scalar("SELECT COUNT(*) FROM web_session").await,
        3,
        "still stored"
    );

    assert_eq!(
        store.delete_expired_count().await.expect("delete_expired"),
        2
    );
    assert_eq!(t.scalar("SELECT COUNT(*) FROM web_session").await, 1);
    assert!(store.load(&live.id).await.expect("load").is_some());

    // tower-sessions' own trait does the same
    let mut gone = record(serde_json::json!({}), time::Duration::seconds(-1));
    store.save(&gone).await.expect("save");
    ExpiredDeletion::delete_expired(&store)
        .await
        .expect("delete_expired");
    assert_eq!(t.scalar("SELECT COUNT(*) FROM web_session").await, 1);
    // an expired session can be saved again (the user came back): it is live again
    gone.expiry_date = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
    store.create(&mut gone).await.expect("create");
    assert!(store.load(&gone.id).await.expect("load").is_some());
}

async fn session_bad_data_is_a_decode_error(t: TestDb) {
    let store = sessions(&t);
    let rec = record(serde_json::json!({"a": 1}), time::Duration::hours(1));
    store.save(&rec).await.expect("save");
    // a Python service wrote something that is not a JSON object
    let kv = KeyValueStore::<kv_entry::Entity>::new(t.db.clone());
    drop(kv);
    let sql = match t.backend {
        crate::support::Backend::Postgres => {
            "UPDATE web_session SET data = '\\x6e6f7420736f6e'::bytea".to_owned()
        }
        _ => "UPDATE web_session SET data = X'6e6f7420736f6e'".to_owned(),
    };
    use sea_orm::ConnectionTrait;
    t.db.execute_unprepared(&sql).await.expect("update");
    let err = store.load(&rec.id).await.expect_err("not JSON");
    assert!(
        matches!(err, tower_sessions_core::session_store::Error::Decode(_)),
        "{err:?}"
    );
    assert!(!err.to_string().contains(&rec.id.to_string()), "{err}");
}

fn kv(t: &TestDb) -> KeyValueStore<kv_entry::Entity> {
    KeyValueStore::new(t.db.clone())
}

async fn kv_get_set_delete(t: TestDb) {
    let store = kv(&t);
    assert_eq!(store.namespace(), "LITESTAR");
    assert!(store.get("k").await.expect("get").is_none());
    assert!(!store.exists("k").await.expect("exists"));

    store.set("k", "v1", None).await.expect("set");
    assert_eq!(
        store.get("k").await.expect("get").as_deref(),
        Some(&b"v1"[..])
    );
    assert!(store.exists("k").await.expect("exists"));
    assert_eq!(
        store.expires_in("k").await.expect("expires_in"),
        None,
        "never expires"
    );

    let bytes: Vec<u8> = (0..=255).collect();
    store
        .set("k", bytes.clone(), Some(Duration::from_secs(100)))
        .await
        .expect("overwrite");
    assert_eq!(store.get("k").await.expect("get"), Some(bytes));
    let left = store
        .expires_in("k")
        .await
        .expect("expires_in")
        .expect("expires");
    assert!(
        left <= Duration::from_secs(100) && left > Duration::from_secs(90),
        "{left:?}"
    );
    assert_eq!(t.scalar("SELECT COUNT(*) FROM kv_entry").await, 1);

    store.delete("k").await.expect("delete");
    assert!(store.get("k").await.expect("get").is_none());
    store.delete("k").await.expect("delete twice");

    // the table holds one row per (key, namespace): a second one is a duplicate key
    store.set("k", "v", None).await.expect("set");
    let twin = kv_entry::ActiveModel {
        id: sea_orm::ActiveValue::Set(uuid::Uuid::now_v7()),
        key: sea_orm::ActiveValue::Set("k".into()),
        namespace: sea_orm::ActiveValue::Set("LITESTAR".into()),
        value: sea_orm::ActiveValue::Set(b"w".to_vec()),
        expires_at: sea_orm::ActiveValue::Set(None),
    };
    let err = sea_orm::EntityTrait::insert(twin)
        .exec_without_returning(&t.db)
        .await
        .map_err(advanced_alchemy::Error::from_db)
        .expect_err("unique (key, namespace)");
    assert!(
        matches!(err, advanced_alchemy::Error::DuplicateKey { .. }),
        "{err:?}"
    );
    store.delete("k").await.expect("delete");

    let long = "x".repeat(256);
    assert!(matches!(
        store.set(&long, "v", None).await,
        Err(advanced_alchemy::Error::InvalidRequest(_))
    ));
    store
        .set(&"é".repeat(255), "v", None)
        .await
        .expect("255 characters fit");
}

async fn kv_expiry(t: TestDb) {
    let store = kv(&t);
    store
        .set("short", "s", Some(Duration::from_millis(200)))
        .await
        .expect("set");
    store
        .set("long", "l", Some(Duration::from_secs(3600)))
        .await
        .expect("set");
    store.set("never", "n", None).await.expect("set");
    assert!(store.exists("short").await.expect("exists"));
    tokio::time::sleep(Duration::from_millis(300)).await;

    assert!(
        store.get("short").await.expect("get").is_none(),
        "expired: never returned"
    );
    assert!(!store.exists("short").await.expect("exists"));
    assert_eq!(store.expires_in("short").await.expect("expires_in"), None);
    assert!(
        store
            .get_and_renew("short", Duration::from_secs(60))
            .await
            .expect("renew")
            .is_none(),
        "an expired entry is not revived"
    );

    // renewing a live entry moves its expiry
    let renewed = store
        .get_and_renew("long", Duration::from_secs(7200))
        .await
        .expect("renew");
    assert_eq!(renewed.as_deref(), Some(&b"l"[..]));
    let left = store
        .expires_in("long")
        .await
        .expect("expires_in")
        .expect("expires");
    assert!(left > Duration::from_secs(7000), "{left:?}");

    // expired entries of every namespace are deleted, the others kept
    let other = store.with_namespace("other");
    other
        .set("old", "o", Some(Duration::from_millis(1)))
        .await
        .expect("set");
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(store.delete_expired().await.expect("delete_expired"), 2);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM kv_entry").await, 2);

    // setting an expired key again makes it live
    store.set("short", "again", None).await.expect("set");
    assert_eq!(
        store.get("short").await.expect("get").as_deref(),
        Some(&b"again"[..])
    );
}

async fn kv_namespaces(t: TestDb) {
    let root = kv(&t);
    let users = root.with_namespace("users");
    let admins = users.with_namespace("admins");
    assert_eq!(users.namespace(), "LITESTAR_users");
    assert_eq!(admins.namespace(), "LITESTAR_users_admins");
    let app = KeyValueStore::<kv_entry::Entity>::in_namespace(t.db.clone(), "app");

    for (i, store) in [&root, &users, &admins, &app].into_iter().enumerate() {
        store.set("k", format!("v{i}"), None).await.expect("set");
    }
    for (i, store) in [&root, &users, &admins, &app].into_iter().enumerate() {
        assert_eq!(
            store.get("k").await.expect("get"),
            Some(format!("v{i}").into_bytes())
        );
    }
    assert_eq!(
        users.delete_all().await.expect("delete_all"),
        1,
        "only its own namespace"
    );
    assert!(users.get("k").await.expect("get").is_none());
    for store in [&root, &admins, &app] {
        assert!(
            store.exists("k").await.expect("exists"),
            "{}",
            store.namespace()
        );
    }
    admins.delete("k").await.expect("delete");
    assert!(root.exists("k").await.expect("exists"));
}

async fn kv_concurrent_upsert(t: TestDb) {
    let store = kv(&t);
    let writers: Vec<_> = (0..16)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .set(
                        "counter",
                        format!("writer {i}"),
                        Some(Duration::from_secs(60)),
                    )
                    .await
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("task").expect("no duplicate-key error");
    }
    assert_eq!(t.scalar("SELECT COUNT(*) FROM kv_entry").await, 1);
    let value =
        String::from_utf8(store.get("counter").await.expect("get").expect("set")).expect("utf8");
    assert!(value.starts_with("writer "), "{value}");

    // 16 writers of 16 new keys and one shared key, interleaved
    let writers: Vec<_> = (0..16)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store.set(&format!("own {i}"), "x", None).await?;
                store.set("shared", format!("{i}"), None).await
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("task").expect("set");
    }
    assert_eq!(t.scalar("SELECT COUNT(*) FROM kv_entry").await, 18);
}

mod python {
    use super::*;

    /// Python's own Litestar session backend and `SQLAlchemyStore` (Advanced Alchemy 1.12,
    /// tests/python/stores.py) read what these stores wrote, and these stores read what
    /// Python wrote, in tables `create_all` made.
    async fn python_reads_and_writes_the_stores(t: TestDb) {
        let store = sessions(&t);
        let mut live = record(
            serde_json::json!({"user_id": 42, "name": "Zoë", "roles": ["a", "b"]}),
            time::Duration::hours(1),
        );
        let mut expired = record(
            serde_json::json!({"old": true}),
            time::Duration::seconds(-10),
        );
        store.create(&mut live).await.expect("create");
        store.create(&mut expired).await.expect("create");
        let python_id = Id::default();

        let kv = kv(&t);
        kv.set("greeting", "hello", None).await.expect("set");
        let bytes: Vec<u8> = (0..=255).collect();
        kv.set("bytes", bytes, Some(Duration::from_secs(3600)))
            .await
            .expect("set");
        kv.set("stale", "old", Some(Duration::from_millis(1)))
            .await
            .expect("set");
        kv.with_namespace("users")
            .set("alice", "a", None)
            .await
            .expect("set");
        tokio::time::sleep(Duration::from_millis(20)).await;

        let dir = tempfile::tempdir().expect("temp dir");
        let spec = dir.path().join("stores.json");
        let ids = serde_json::json!({
            "live_id": live.id.to_string(),
            "expired_id": expired.id.to_string(),
            "python_id": python_id.to_string(),
        });
        std::fs::write(&spec, ids.to_string()).expect("write spec");
        let out = crate::crosslang::run_python(
            "stores.py",
            "exchange",
            crate::crosslang::sqlalchemy_url(&t),
            spec.to_str().expect("utf-8 path"),
            [],
        )
        .await;
        assert!(out.contains("ok"), "{out}");

        assert_eq!(
            kv.get("from_python").await.expect("get").as_deref(),
            Some(&b"py"[..])
        );
        let left = kv
            .expires_in("from_python")
            .await
            .expect("expires_in")
            .expect("expires");
        assert!(
            left > Duration::from_secs(590) && left <= Duration::from_secs(600),
            "{left:?}"
        );
        assert_eq!(
            kv.get("greeting").await.expect("get").as_deref(),
            Some(&b"overwritten by Python"[..])
        );
        let from_python = store
            .load(&python_id)
            .await
            .expect("load")
            .expect("Python's session");
        assert_eq!(
            from_python.data,
            record(serde_json::json!({"cart": 3}), time::Duration::ZERO).data
        );
        assert!(
            from_python.expiry_date > time::OffsetDateTime::now_utc() + time::Duration::days(13)
        );
        // Python's get slid the Rust session's expiry (Litestar's max_age, 14 days)
        let slid = store.load(&live.id).await.expect("load").expect("live");
        assert_eq!(slid.data, live.data);
        assert!(slid.expiry_date > live.expiry_date);
    }

    crate::backend_tests!(on_disk: python_reads_and_writes_the_stores);
}

crate::backend_tests!(
    session_create_save_load_delete,
    session_id_collision_on_create,
    session_expiry_and_deletion,
    session_bad_data_is_a_decode_error,
    kv_get_set_delete,
    kv_expiry,
    kv_namespaces,
    kv_concurrent_upsert,
);
