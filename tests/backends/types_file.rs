//! `FileObject` / `FileObjectList`: metadata round trips and the stored JSON, content in
//! memory and local-filesystem stores, and the transaction rules — a rollback loses no
//! content and leaks none, replaced or deleted content goes only after the commit,
//! savepoints keep their own uploads and deletions. Plus rows written by Python's
//! Advanced Alchemy 1.12 (`tests/fixtures/python_file_object.json`, made by
//! `python_file_object.py`).

use crate::support::{Backend, TestDb};
use advanced_alchemy::types::file_object::{
    FileObject, FileObjectList, FileUpload, StorageBackend, StorageError, storages,
};
use advanced_alchemy::{Error, Session, schema::TableSchema};
use base64::Engine;
use object_store::ObjectStoreExt;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait,
    PaginatorTrait, QueryOrder, Statement, Value,
};
use std::time::Duration;

/// Python's `StoredObject` columns, both nullable (what Python's model declares).
pub mod file_doc {
    use advanced_alchemy::types::file_object::{FileObject, FileObjectList};
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "file_doc")]
    pub struct Model {
        pub title: String,
        pub attachment: Option<FileObject>,
        pub images: Option<FileObjectList>,
    }
}

/// The same types `NOT NULL`.
pub mod file_req {
    use advanced_alchemy::types::file_object::{FileObject, FileObjectList};
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "file_req")]
    pub struct Model {
        pub file: FileObject,
        pub gallery: FileObjectList,
    }
}

const PYTHON_FIXTURE: &str = include_str!("../fixtures/python_file_object.json");

/// A fresh in-memory store for one test on one backend (the registry is process-wide and
/// tests run in parallel).
fn memory_store(t: &TestDb, test: &str) -> String {
    let key = format!("{:?}-{test}", t.backend).to_lowercase();
    storages().register(StorageBackend::memory(&key));
    key
}

fn doc(title: &str, attachment: Option<FileObject>) -> file_doc::ActiveModel {
    file_doc::ActiveModel {
        title: Set(title.into()),
        attachment: Set(attachment),
        images: Set(Some(FileObjectList::new())),
        ..Default::default()
    }
}

async fn content(file: &FileObject) -> Vec<u8> {
    file.get_content().await.expect("content").to_vec()
}

async fn exists(file: &FileObject) -> bool {
    file.exists().await.expect("exists")
}

async fn docs(t: &TestDb) -> u64 {
    file_doc::Entity::find().count(&t.db).await.expect("count")
}

/// The stored text of `column`, `NULL` for SQL NULL (PostgreSQL's `jsonb` normalises it).
async fn raw(t: &TestDb, table: &str, column: &str) -> Vec<String> {
    let expr = match t.backend {
        Backend::Postgres => format!("{column}::text"),
        Backend::MySql => format!("CAST({column} AS CHAR)"),
        Backend::Sqlite => column.to_owned(),
    };
    t.strings(&format!(
        "SELECT COALESCE({expr}, 'NULL') FROM {table} ORDER BY id"
    ))
    .await
}

/// Inserts a row with the given column texts, as another program (Python) would.
async fn insert_raw(t: &TestDb, title: &str, attachment: Option<&str>, images: Option<&str>) {
    let (a, i) = match t.backend {
        Backend::Postgres => ("$2::jsonb", "$3::jsonb"),
        Backend::MySql | Backend::Sqlite => ("?", "?"),
    };
    let title_param = if t.backend == Backend::Postgres {
        "$1"
    } else {
        "?"
    };
    t.db.execute_raw(Statement::from_sql_and_values(
        t.db_backend(),
        format!(
            "INSERT INTO file_doc (title, attachment, images) VALUES ({title_param}, {a}, {i})"
        ),
        [
            Value::from(title),
            Value::from(attachment.map(str::to_owned)),
            Value::from(images.map(str::to_owned)),
        ],
    ))
    .await
    .expect("raw INSERT");
}

async fn files_round_trip_metadata_and_content(t: TestDb) {
    let key = memory_store(&t, "round-trip");
    let session = t.session().await;
    let attachment = FileUpload::new(&key, "ünïcødé report.txt", "hello, file")
        .metadata("owner", "ålice")
        .metadata("tags", serde_json::json!(["a", "b"]))
        .metadata("ratio", 0.5)
        .save(&session)
        .await
        .expect("upload");
    let png = FileUpload::new(&key, "a.png", vec![0x89, b'P', b'N', b'G', 0, 255])
        .save(&session)
        .await
        .expect("upload");
    let data = FileUpload::new(&key, "data", "{}")
        .content_type("application/json")
        .to_filename("fixed/data.json")
        .save(&session)
        .await
        .expect("upload");
    let added = doc("one", Some(attachment.clone()))
        .insert(&session)
        .await
        .expect("insert");
    let mut change = added.clone().into_active_model();
    change.images = Set(Some(FileObjectList::from(vec![png.clone(), data.clone()])));
    let updated = change.update(&session).await.expect("update");
    let none = doc("none", None).insert(&session).await.expect("insert");
    session.commit().await.expect("commit");

    let read = file_doc::Entity::find_by_id(added.id)
        .one(&t.db)
        .await
        .expect("find")
        .expect("row");
    assert_eq!(read, updated);
    let file = read.attachment.as_ref().expect("attachment");
    assert_eq!(file, &attachment);
    assert_eq!(file.name(), "ünïcødé report.txt");
    assert_eq!(file.content_type(), "text/plain");
    assert_eq!(file.size(), Some(11));
    assert_eq!(file.backend(), key);
    assert_eq!(file.metadata()["owner"], "ålice");
    assert_eq!(file.metadata()["tags"], serde_json::json!(["a", "b"]));
    assert!(file.etag().is_some());
    let modified = file.last_modified_at().expect("last_modified");
    assert!((chrono::Utc::now() - modified).num_seconds().abs() < 60);
    assert_eq!(content(file).await, b"hello, file");
    let images = read.images.as_ref().expect("images");
    assert_eq!(images.len(), 2);
    assert_eq!(
        (images[0].content_type(), images[1].content_type()),
        ("image/png", "application/json")
    );
    assert_eq!(images[1].path(), "fixed/data.json");
    assert_eq!(content(&images[0]).await, [0x89, b'P', b'N', b'G', 0, 255]);

    let read_none = file_doc::Entity::find_by_id(none.id)
        .one(&t.db)
        .await
        .expect("find")
        .expect("row");
    assert_eq!(read_none.attachment, None);
    assert_eq!(read_none.images, Some(FileObjectList::new()));
    assert_eq!(
        t.scalar("SELECT COUNT(*) FROM file_doc WHERE attachment IS NULL")
            .await,
        1
    );

    // what the database holds: Python's keys in Python's order, json.dumps text
    let stored = raw(&t, "file_doc", "attachment").await;
    let json: serde_json::Value = serde_json::from_str(&stored[0]).expect("JSON");
    assert_eq!(json, serde_json::to_value(file).expect("to_value"));
    assert_eq!(json["filename"], file.path());
    if t.backend != Backend::Postgres {
        assert!(
            stored[0].starts_with(&format!(
                r#"{{"filename": "{}/\u00fcn\u00efc\u00f8d\u00e9 report.txt", "content_type": "text/plain", "size": 11, "last_modified": "#,
                file.path().split('/').next().expect("uuid")
            )),
            "{}",
            stored[0]
        );
        assert!(
            stored[0].ends_with(&format!(
                r#""metadata": {{"owner": "\u00e5lice", "ratio": 0.5, "tags": ["a", "b"]}}, "backend": "{key}"}}"#
            )),
            "{}",
            stored[0]
        );
    }
    let stored_images = raw(&t, "file_doc", "images").await;
    let json: serde_json::Value = serde_json::from_str(&stored_images[0]).expect("JSON");
    assert_eq!(json[1]["filename"], "fixed/data.json");
    assert_eq!(stored_images[1], "[]");
    assert_eq!(stored[1], "NULL"); // None is SQL NULL

    // JSONB on PostgreSQL, JSON on MySQL (text on SQLite), as Python's JsonB
    let ddl = TableSchema::of::<file_doc::Entity>(t.db_backend()).create[0]
        .to_string()
        .to_lowercase();
    let q = if t.backend == Backend::MySql {
        '`'
    } else {
        '"'
    };
    let column = format!("{q}attachment{q} ");
    let ty = ddl
        .split_once(&column)
        .and_then(|(_, rest)| rest.split([' ', ',']).next())
        .unwrap_or_default();
    match t.backend {
        Backend::Postgres => assert_eq!(ty, "jsonb", "{ddl}"),
        Backend::MySql => assert_eq!(ty, "json", "{ddl}"),
        Backend::Sqlite => assert!(ty.contains("text"), "{ddl}"), // text affinity
    }
}

async fn files_not_null_columns(t: TestDb) {
    let key = memory_store(&t, "not-null");
    let session = t.session().await;
    let file = FileUpload::new(&key, "a.txt", "a")
        .save(&session)
        .await
        .expect("upload");
    let row = file_req::ActiveModel {
        file: Set(file.clone()),
        gallery: Set(FileObjectList::from(vec![file.clone()])),
        ..Default::default()
    }
    .insert(&session)
    .await
    .expect("insert");
    session.commit().await.expect("commit");
    let read = file_req::Entity::find_by_id(row.id)
        .one(&t.db)
        .await
        .expect("find")
        .expect("row");
    assert_eq!(read, row);
    assert_eq!(read.gallery[0], file);
}

async fn files_checksum_and_size(t: TestDb) {
    let key = memory_store(&t, "checksum");
    let session = t.session().await;
    let big: Vec<u8> = (0..1_000_003u32).map(|i| (i % 251) as u8).collect();
    for (name, bytes, sha256) in [
        (
            "empty.bin",
            Vec::new(),
            Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ),
        (
            "hello.txt",
            b"hello".to_vec(),
            Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
        ),
        ("big.bin", big.clone(), None),
    ] {
        let file = FileUpload::new(&key, name, bytes.clone())
            .save(&session)
            .await
            .expect("upload");
        let row = doc(name, Some(file))
            .insert(&session)
            .await
            .expect("insert");
        let read = file_doc::Entity::find_by_id(row.id)
            .one(&session)
            .await
            .expect("find")
            .expect("row")
            .attachment
            .expect("file");
        assert_eq!(read.size(), Some(bytes.len() as u64), "{name}");
        let checksum = read.checksum().expect("checksum");
        assert_eq!(checksum.len(), 64);
        assert!(checksum.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        if let Some(sha256) = sha256 {
            assert_eq!(checksum, sha256, "{name}");
        }
        let stored = content(&read).await;
        assert_eq!(stored, bytes, "{name}");
        assert_eq!(read.verify(&stored), Some(true));
        let mut tampered = stored.clone();
        tampered.push(0);
        assert_eq!(read.verify(&tampered), Some(false));
        // the store agrees about the size
        let meta = read
            .storage()
            .expect("backend")
            .store()
            .head(&object_store::path::Path::from(read.path()))
            .await
            .expect("head");
        assert_eq!(meta.size, bytes.len() as u64);
    }
    session.commit().await.expect("commit");
}

/// Add a row with a file, then roll back: no row, no content.
async fn files_rollback_leaks_nothing(t: TestDb) {
    let key = memory_store(&t, "rollback-new");
    let session = t.session().await;
    let file = FileUpload::new(&key, "new.txt", "new")
        .save(&session)
        .await
        .expect("upload");
    doc("doomed", Some(file.clone()))
        .insert(&session)
        .await
        .expect("insert");
    assert!(exists(&file).await); // uploaded before the row was written
    session.rollback().await.expect("rollback");
    assert_eq!(docs(&t).await, 0);
    assert!(!exists(&file).await);

    // a failed insert, then the session dropped without commit or rollback
    let file = {
        let session = t.session().await;
        let file = FileUpload::new(&key, "dropped.txt", "dropped")
            .save(&session)
            .await
            .expect("upload");
        doc("dropped", Some(file.clone()))
            .insert(&session)
            .await
            .expect("insert");
        file
    };
    // the cleanup runs in a spawned task
    for _ in 0..100 {
        if !exists(&file).await {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!exists(&file).await);
    assert_eq!(docs(&t).await, 0);
}

/// Commit a row with `old`, then replace it with new content; returns both and the row.
async fn replace(t: &TestDb, key: &str) -> (Session, file_doc::Model, FileObject, FileObject) {
    let session = t.session().await;
    let old = FileUpload::new(key, "v.txt", "old content")
        .save(&session)
        .await
        .expect("upload");
    let row = doc("doc", Some(old.clone()))
        .insert(&session)
        .await
        .expect("insert");
    session.commit().await.expect("commit");

    let session = t.session().await;
    let new = FileUpload::new(key, "v.txt", "new content")
        .save(&session)
        .await
        .expect("upload");
    assert_ne!(new.path(), old.path());
    let mut change = row.into_active_model();
    change.attachment = Set(Some(new.clone()));
    let row = change.update(&session).await.expect("update");
    old.delete_after_commit(&session).await;
    assert!(exists(&old).await && exists(&new).await); // nothing deleted before the outcome
    (session, row, old, new)
}

async fn files_replace_then_rollback_keeps_old_content(t: TestDb) {
    let key = memory_store(&t, "replace-rollback");
    let (session, row, old, new) = replace(&t, &key).await;
    session.rollback().await.expect("rollback");
    let read = file_doc::Entity::find_by_id(row.id)
        .one(&t.db)
        .await
        .expect("find")
        .expect("row");
    assert_eq!(read.attachment.as_ref(), Some(&old));
    assert_eq!(content(&old).await, b"old content"); // nothing lost
    assert!(!exists(&new).await); // nothing leaked
}

async fn files_replace_then_commit_removes_old_content(t: TestDb) {
    let key = memory_store(&t, "replace-commit");
    let (session, row, old, new) = replace(&t, &key).await;
    session.commit().await.expect("commit");
    let read = file_doc::Entity::find_by_id(row.id)
        .one(&t.db)
        .await
        .expect("find")
        .expect("row");
    assert_eq!(read.attachment.as_ref(), Some(&new));
    assert_eq!(content(&new).await, b"new content");
    assert!(!exists(&old).await);
}

async fn files_delete_row_rollback_then_commit(t: TestDb) {
    let key = memory_store(&t, "delete-row");
    let session = t.session().await;
    let file = FileUpload::new(&key, "a.txt", "keep me")
        .save(&session)
        .await
        .expect("upload");
    let gallery = FileUpload::new(&key, "g.png", "png")
        .save(&session)
        .await
        .expect("upload");
    let mut row = doc("doc", Some(file.clone()));
    row.images = Set(Some(FileObjectList::from(vec![gallery.clone()])));
    let row = row.insert(&session).await.expect("insert");
    session.commit().await.expect("commit");

    for commit in [false, true] {
        let session = t.session().await;
        row.clone().delete(&session).await.expect("delete");
        if let Some(file) = &row.attachment {
            file.delete_after_commit(&session).await;
        }
        if let Some(images) = &row.images {
            images.delete_after_commit(&session).await;
        }
        if commit {
            session.commit().await.expect("commit");
            assert_eq!(docs(&t).await, 0);
            assert!(!exists(&file).await && !exists(&gallery).await);
        } else {
            session.rollback().await.expect("rollback");
            assert_eq!(docs(&t).await, 1);
            assert_eq!(content(&file).await, b"keep me");
            assert!(exists(&gallery).await);
        }
    }
}

async fn files_savepoints(t: TestDb) {
    let key = memory_store(&t, "savepoints");
    let outer = t.session().await;
    let kept = FileUpload::new(&key, "kept.txt", "kept")
        .save(&outer)
        .await
        .expect("upload");
    let row = doc("row", Some(kept.clone()))
        .insert(&outer)
        .await
        .expect("insert");

    // a released savepoint: its upload stays, its deletion waits for the outer commit
    let inner = outer.begin_nested().await.expect("savepoint");
    let released = FileUpload::new(&key, "released.txt", "released")
        .save(&inner)
        .await
        .expect("upload");
    let mut change = row.clone().into_active_model();
    change.attachment = Set(Some(released.clone()));
    let row = change.update(&inner).await.expect("update");
    kept.delete_after_commit(&inner).await;
    inner.commit().await.expect("release");
    assert!(exists(&released).await && exists(&kept).await);

    // a rolled-back savepoint: its upload goes at once, its deletion is forgotten
    let inner = outer.begin_nested().await.expect("savepoint");
    let undone = FileUpload::new(&key, "undone.txt", "undone")
        .save(&inner)
        .await
        .expect("upload");
    let mut change = row.clone().into_active_model();
    change.attachment = Set(Some(undone.clone()));
    change.update(&inner).await.expect("update");
    released.delete_after_commit(&inner).await;
    inner.rollback().await.expect("rollback to savepoint");
    assert!(!exists(&undone).await);
    assert!(exists(&released).await);

    // nested two deep, released into a savepoint that rolls back
    let middle = outer.begin_nested().await.expect("savepoint");
    let deep = middle.begin_nested().await.expect("savepoint");
    let deep_file = FileUpload::new(&key, "deep.txt", "deep")
        .save(&deep)
        .await
        .expect("upload");
    deep.commit().await.expect("release");
    assert!(exists(&deep_file).await);
    middle.rollback().await.expect("rollback to savepoint");
    assert!(!exists(&deep_file).await);

    outer.commit().await.expect("commit");
    let read = file_doc::Entity::find_by_id(row.id)
        .one(&t.db)
        .await
        .expect("find")
        .expect("row");
    assert_eq!(read.attachment.as_ref(), Some(&released));
    assert_eq!(content(&released).await, b"released");
    assert!(!exists(&kept).await); // the released savepoint's deletion, after the commit

    // an upload in a released savepoint is removed when the outer transaction rolls back
    let outer = t.session().await;
    let inner = outer.begin_nested().await.expect("savepoint");
    let file = FileUpload::new(&key, "late.txt", "late")
        .save(&inner)
        .await
        .expect("upload");
    doc("late", Some(file.clone()))
        .insert(&inner)
        .await
        .expect("insert");
    inner.commit().await.expect("release");
    outer.rollback().await.expect("rollback");
    assert!(!exists(&file).await);
    assert_eq!(docs(&t).await, 1);
}

async fn files_local_filesystem_store(t: TestDb) {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = format!("{:?}-local", t.backend).to_lowercase();
    storages().register(StorageBackend::local(&key, dir.path()).expect("local store"));

    let session = t.session().await;
    let old = FileUpload::new(&key, "photo.jpg", "jpeg bytes")
        .save(&session)
        .await
        .expect("upload");
    let row = doc("photo", Some(old.clone()))
        .insert(&session)
        .await
        .expect("insert");
    session.commit().await.expect("commit");
    let on_disk = dir.path().join(old.path());
    assert_eq!(std::fs::read(&on_disk).expect("file"), b"jpeg bytes");
    assert_eq!(old.content_type(), "image/jpeg");

    // replace, roll back: both files as before
    let session = t.session().await;
    let new = FileUpload::new(&key, "photo.jpg", "other bytes")
        .save(&session)
        .await
        .expect("upload");
    let mut change = row.clone().into_active_model();
    change.attachment = Set(Some(new.clone()));
    let row = change.update(&session).await.expect("update");
    old.delete_after_commit(&session).await;
    assert!(dir.path().join(new.path()).is_file());
    session.rollback().await.expect("rollback");
    assert!(on_disk.is_file());
    assert!(!dir.path().join(new.path()).exists());

    // delete the row and commit: the file and its directory go
    let session = t.session().await;
    row.delete(&session).await.expect("delete");
    old.delete_after_commit(&session).await;
    session.commit().await.expect("commit");
    assert!(!on_disk.exists());
    assert!(!on_disk.parent().expect("uuid directory").exists());
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}

async fn files_errors(t: TestDb) {
    let key = memory_store(&t, "errors");
    let session = t.session().await;

    let err = FileUpload::new("no-such-backend", "a.txt", "x")
        .save(&session)
        .await
        .expect_err("unknown backend");
    assert!(
        matches!(&err, Error::Storage(StorageError::UnknownBackend { key }) if key == "no-such-backend"),
        "{err:?}"
    );

    let first = FileUpload::new(&key, "a.txt", "first")
        .to_filename("taken/a.txt")
        .save(&session)
        .await
        .expect("upload");
    let err = FileUpload::new(&key, "a.txt", "second")
        .to_filename("taken/a.txt")
        .save(&session)
        .await
        .expect_err("never overwrites");
    assert!(
        matches!(&err, Error::Storage(StorageError::AlreadyExists { path, .. }) if path == "taken/a.txt"),
        "{err:?}"
    );
    assert_eq!(content(&first).await, b"first");

    let err = FileUpload::new(&key, "a.txt", "x")
        .to_filename("a/../b")
        .save(&session)
        .await
        .expect_err("bad path");
    assert!(
        matches!(err, Error::Storage(StorageError::InvalidPath { .. })),
        "{err:?}"
    );

    let err = FileObject::existing(&key, "missing.txt")
        .get_content()
        .await
        .expect_err("missing");
    assert!(
        matches!(err, Error::Storage(StorageError::NotFound { .. })),
        "{err:?}"
    );
    session.rollback().await.expect("rollback");
    assert!(!exists(&first).await);

    // a value that is not a file object is an error naming the column, not a panic
    insert_raw(&t, "garbage", Some(r#"{"no": "filename"}"#), Some("[]")).await;
    let err = file_doc::Entity::find()
        .all(&t.db)
        .await
        .map_err(Error::from)
        .expect_err("not a file object");
    assert!(err.to_string().contains("attachment"), "{err}");
}

/// On an autocommit session a change is committed at once, so is the deletion.
async fn files_autocommit_session(t: TestDb) {
    let key = memory_store(&t, "autocommit");
    let session = Session::new(&t.db);
    let file = FileUpload::new(&key, "a.txt", "a")
        .save(&session)
        .await
        .expect("upload");
    let row = doc("a", Some(file.clone()))
        .insert(&session)
        .await
        .expect("insert");
    row.delete(&session).await.expect("delete");
    file.delete_after_commit(&session).await;
    assert!(!exists(&file).await);
}

async fn files_read_python_rows(t: TestDb) {
    let fixture: serde_json::Value = serde_json::from_str(PYTHON_FIXTURE).expect("fixture");
    let rows = fixture["rows"].as_array().expect("rows");
    // Python's content, in a store under Python's key
    let key = format!("{:?}-python", t.backend).to_lowercase();
    let backend = StorageBackend::memory(&key);
    for row in rows {
        for (path, data) in row["contents"].as_object().expect("contents") {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(data.as_str().expect("base64"))
                .expect("base64");
            backend
                .store()
                .put(&object_store::path::Path::from(path.as_str()), bytes.into())
                .await
                .expect("put");
        }
    }
    storages().register(backend);
    let retarget = |text: &str| text.replace("\"py-memory\"", &format!("\"{key}\""));
    for row in rows {
        insert_raw(
            &t,
            row["title"].as_str().expect("title"),
            row["attachment"].as_str().map(retarget).as_deref(),
            row["images"].as_str().map(retarget).as_deref(),
        )
        .await;
    }

    let read = file_doc::Entity::find()
        .order_by_asc(file_doc::Column::Id)
        .all(&t.db)
        .await
        .expect("read");
    assert_eq!(read.len(), 3);
    // written before the upload: no size, time or etag
    let pending = read[0].attachment.as_ref().expect("pending file");
    assert_eq!(
        (pending.path(), pending.content_type()),
        ("hello.txt", "text/plain")
    );
    assert_eq!(
        (pending.size(), pending.last_modified(), pending.etag()),
        (None, None, None)
    );
    assert_eq!(pending.verify(b"hello"), None); // Python stores no checksum
    assert_eq!(content(pending).await, b"hello");
    assert_eq!(read[0].images, Some(FileObjectList::new()));

    let saved = read[1].attachment.as_ref().expect("saved file");
    assert_eq!(saved.path(), "reports/2024/report.pdf");
    assert_eq!(saved.name(), "report.pdf");
    assert_eq!(saved.content_type(), "application/pdf");
    assert_eq!(saved.size(), Some(19));
    assert!(saved.last_modified().expect("last_modified") > 1.7e9);
    assert!(saved.etag().is_some());
    assert_eq!(saved.metadata()["owner"], "ålice");
    assert_eq!(saved.metadata()["pages"], 2);
    assert_eq!(saved.backend(), key);
    assert_eq!(content(saved).await, b"%PDF-1.7 not really");
    let images = read[1].images.as_ref().expect("images");
    assert_eq!(
        images.iter().map(FileObject::path).collect::<Vec<_>>(),
        ["a.png", "b.jpg"]
    );
    assert_eq!(content(&images[1]).await, b"\xff\xd8 second");

    // Python's JSON null for None
    assert_eq!(
        (read[2].attachment.as_ref(), read[2].images.as_ref()),
        (None, None)
    );

    // written back by Rust: equal JSON, and on SQLite/MySQL the same text for the
    // files whose metadata is empty (Rust writes metadata keys sorted)
    let session = t.session().await;
    for row in &read[..2] {
        let mut change = row.clone().into_active_model();
        change.attachment = Set(row.attachment.clone());
        change.images = Set(row.images.clone());
        change.title = Set(format!("{} again", row.title));
        change.update(&session).await.expect("update");
    }
    session.commit().await.expect("commit");
    let attachments = raw(&t, "file_doc", "attachment").await;
    let images = raw(&t, "file_doc", "images").await;
    for (i, row) in rows.iter().enumerate().take(2) {
        let python_attachment = retarget(row["attachment"].as_str().expect("text"));
        let python_images = retarget(row["images"].as_str().expect("text"));
        let parse = |s: &str| serde_json::from_str::<serde_json::Value>(s).expect("JSON");
        assert_eq!(parse(&attachments[i]), parse(&python_attachment));
        assert_eq!(parse(&images[i]), parse(&python_images));
        if t.backend != Backend::Postgres {
            assert_eq!(images[i], python_images);
            if i == 0 {
                assert_eq!(attachments[i], python_attachment);
            }
        }
    }
}

/// A `COMMIT` the server refuses (a deferred unique constraint, PostgreSQL) commits
/// nothing, so the uploads of the transaction are removed.
async fn files_refused_commit_removes_uploads(t: TestDb) {
    if t.backend != Backend::Postgres {
        return; // the only backend with deferred constraints
    }
    let key = memory_store(&t, "refused-commit");
    t.db.execute_unprepared(
        "CREATE TABLE deferred_pair (n INTEGER, CONSTRAINT uq_deferred_pair_n UNIQUE (n) DEFERRABLE INITIALLY DEFERRED)",
    )
    .await
    .expect("create");
    let session = t.session().await;
    let file = FileUpload::new(&key, "a.txt", "a")
        .save(&session)
        .await
        .expect("upload");
    doc("a", Some(file.clone()))
        .insert(&session)
        .await
        .expect("insert");
    session
        .execute_unprepared("INSERT INTO deferred_pair VALUES (1), (1)")
        .await
        .expect("checked only at commit");
    let err = session.commit().await.expect_err("COMMIT refused");
    assert_eq!(err.constraint(), Some("uq_deferred_pair_n"), "{err:?}");
    assert_eq!(docs(&t).await, 0);
    assert!(!exists(&file).await);
}

crate::backend_tests!(
    files_refused_commit_removes_uploads,
    files_round_trip_metadata_and_content,
    files_not_null_columns,
    files_checksum_and_size,
    files_rollback_leaks_nothing,
    files_replace_then_rollback_keeps_old_content,
    files_replace_then_commit_removes_old_content,
    files_delete_row_rollback_then_commit,
    files_savepoints,
    files_local_filesystem_store,
    files_errors,
    files_autocommit_session,
    files_read_python_rows,
);

/// A table Python created on SQLite declares its file columns `JSON` (no text affinity
/// name); the rows still read.
#[tokio::test]
async fn files_read_from_python_created_sqlite_table() {
    let db = crate::support::connect("sqlite::memory:").await;
    db.execute_unprepared(
        "CREATE TABLE file_doc (id INTEGER NOT NULL, title VARCHAR(100) NOT NULL, \
         attachment JSON, images JSON, CONSTRAINT pk_file_doc PRIMARY KEY (id))",
    )
    .await
    .expect("Python's DDL");
    let fixture: serde_json::Value = serde_json::from_str(PYTHON_FIXTURE).expect("fixture");
    for (i, row) in fixture["rows"].as_array().expect("rows").iter().enumerate() {
        db.execute_raw(Statement::from_sql_and_values(
            sea_orm::DbBackend::Sqlite,
            "INSERT INTO file_doc (id, title, attachment, images) VALUES (?, ?, ?, ?)",
            [
                Value::from(i as i64 + 1),
                Value::from(row["title"].as_str()),
                Value::from(row["attachment"].as_str()),
                Value::from(row["images"].as_str()),
            ],
        ))
        .await
        .expect("insert");
    }
    let read = file_doc::Entity::find()
        .order_by_asc(file_doc::Column::Id)
        .all(&db)
        .await
        .expect("read");
    assert_eq!(
        read[0].attachment.as_ref().map(FileObject::path),
        Some("hello.txt")
    );
    assert_eq!(read[1].images.as_ref().map(|i| i.len()), Some(2));
    assert_eq!(
        (read[2].attachment.as_ref(), read[2].images.as_ref()),
        (None, None)
    );
}

/// Writes a SQLite database and a local store for `python_file_object.py --verify DIR`
/// when `AA_WRITE_RUST_FILE_OBJECTS` names a directory (a manual check of the other
/// direction; not part of the test run).
#[tokio::test]
async fn files_for_python() {
    let Ok(dir) = std::env::var("AA_WRITE_RUST_FILE_OBJECTS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("directory");
    storages().register(StorageBackend::local("py-local", dir.join("store")).expect("store"));
    let url = format!("sqlite://{}?mode=rwc", dir.join("rust.sqlite").display());
    let db = crate::support::connect(&url).await;
    advanced_alchemy::registry::create_all(&db)
        .await
        .expect("create_all");

    let session = Session::begin(&db).await.expect("begin");
    let mut expected = serde_json::Map::new();
    let describe = |file: &FileObject, bytes: &[u8]| {
        serde_json::json!({
            "path": file.path(),
            "content": base64::engine::general_purpose::STANDARD.encode(bytes),
            "checksum": file.checksum(),
            "content_type": file.content_type(),
            "metadata": file.metadata(),
        })
    };
    let report = FileUpload::new("py-local", "ünïcødé report.txt", "from Rust ✓")
        .metadata("owner", "ålice")
        .metadata("n", 3)
        .save(&session)
        .await
        .expect("upload");
    let a = FileUpload::new("py-local", "a.png", vec![0x89, b'P', 0, 255])
        .save(&session)
        .await
        .expect("upload");
    let b = FileUpload::new("py-local", "b.bin", "b")
        .content_type("application/x-custom")
        .to_filename("fixed/b.bin")
        .save(&session)
        .await
        .expect("upload");
    let mut row = doc("rust", Some(report.clone()));
    row.images = Set(Some(FileObjectList::from(vec![a.clone(), b.clone()])));
    row.insert(&session).await.expect("insert");
    expected.insert(
        "rust".into(),
        serde_json::json!([
            describe(&report, "from Rust ✓".as_bytes()),
            describe(&a, &[0x89, b'P', 0, 255]),
            describe(&b, b"b"),
        ]),
    );
    doc("empty", None).insert(&session).await.expect("insert");
    expected.insert("empty".into(), serde_json::json!([]));
    session.commit().await.expect("commit");
    std::fs::write(
        dir.join("expected.json"),
        serde_json::Value::Object(expected).to_string(),
    )
    .expect("write");
}

/// Issue 10 item 13: the content type guessed from a file name is what Python's
/// `mimetypes.guess_type(name)[0]` answers (or `application/octet-stream`), for every
/// extension of Python's table in several spellings, its suffix and compression maps,
/// and names that trip guessers up. Python runs from the test virtualenv.
#[test]
fn content_types_match_python_mimetypes() {
    let python = std::env::var("AA_TEST_PYTHON")
        .expect("AA_TEST_PYTHON is not set: run scripts/test (it creates the virtualenv)");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/mimetypes_table.py");
    let out = std::process::Command::new(python)
        .args([script, "guess"])
        .output()
        .expect("run Python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for line in String::from_utf8(out.stdout).expect("UTF-8").lines() {
        let entry: serde_json::Value = serde_json::from_str(line).expect("JSON");
        let name = entry["name"].as_str().expect("name");
        let expected = entry["type"].as_str().unwrap_or("application/octet-stream");
        let ours = FileObject::existing("any", name);
        if ours.content_type() != expected {
            mismatches.push(format!(
                "{name}: {} (Python: {expected})",
                ours.content_type()
            ));
        }
        compared += 1;
    }
    assert!(compared > 400, "only {compared} names compared");
    assert!(
        mismatches.is_empty(),
        "{} differ: {mismatches:#?}",
        mismatches.len()
    );
}
