//! One database, two languages: the real Python Advanced Alchemy (installed by
//! scripts/test into a private virtualenv, `AA_TEST_PYTHON`) and this library write the
//! rows of tests/fixtures/crosslang.json into one table, and each reads the other's.
//! tests/python/crosslang.py is the Python half; it also compares the stored bytes of its
//! rows and ours. Python's JSON is SQLAlchemy's default serializer, `json.dumps`; with
//! msgspec or orjson installed, Advanced Alchemy's configs write compact JSON instead,
//! which reads here just the same.
//!
//! Both schemas are tried: the table as Python creates it and as `create_all` creates it.

use crate::support::{Backend, TestDb};
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::{
    Argon2Hasher, DateTimeUTC, EncryptedString, EncryptedText, EncryptionKey, FileUpload, JsonB,
    Keyring, KeyringCell, PasswordHash, StorageBackend, storages,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait};
use std::sync::{Arc, LazyLock};

pub struct XlKey;

impl EncryptionKey for XlKey {
    fn keyring() -> Arc<Keyring> {
        static KEYS: KeyringCell =
            KeyringCell::new(|| Keyring::fernet(spec()["key"].as_str().expect("key")));
        KEYS.load()
    }
}

pub mod xl_record {
    use advanced_alchemy::types::{
        DateTimeUTC, EncryptedString, EncryptedText, GUID, JsonB, PasswordHash,
    };
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(UUIDv7AuditBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "xl_record")]
    pub struct Model {
        pub label: String,
        pub origin: String,
        pub happened_at: DateTimeUTC,
        pub maybe_at: Option<DateTimeUTC>,
        pub secret: EncryptedString<super::XlKey>,
        pub notes: EncryptedText<super::XlKey>,
        pub password: PasswordHash,
        pub ref_id: GUID,
        pub payload: JsonB<serde_json::Value>,
        pub attachment: Option<advanced_alchemy::types::FileObject>,
    }
}

fn spec() -> &'static serde_json::Value {
    static SPEC: LazyLock<serde_json::Value> = LazyLock::new(|| {
        let text = std::fs::read_to_string(spec_path()).expect("tests/fixtures/crosslang.json");
        serde_json::from_str(&text).expect("crosslang.json")
    });
    &SPEC
}

fn spec_path() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/crosslang.json").to_owned()
}

fn rows() -> &'static [serde_json::Value] {
    spec()["rows"].as_array().expect("rows")
}

fn text<'a>(row: &'a serde_json::Value, field: &str) -> &'a str {
    row[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {row}"))
}

fn instant(row: &serde_json::Value, field: &str) -> Option<DateTimeUTC> {
    row[field]
        .as_str()
        .map(|s| DateTimeUTC::parse(s).unwrap_or_else(|| panic!("{field}: {s}")))
}

/// A test database, and the local file store both sides register under one key.
struct Harness {
    t: TestDb,
    file_key: String,
    file_dir: tempfile::TempDir,
}

impl Harness {
    fn new(t: TestDb) -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let file_key = format!(
            "xl-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        );
        let file_dir = tempfile::tempdir().expect("file store directory");
        storages()
            .register(StorageBackend::local(&file_key, file_dir.path()).expect("local store"));
        Self {
            t,
            file_key,
            file_dir,
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        storages().unregister(&self.file_key);
    }
}

/// The database's URL for SQLAlchemy, with the pure-Python drivers of requirements.txt.
pub(crate) fn sqlalchemy_url(t: &TestDb) -> String {
    match t.backend {
        Backend::Sqlite => {
            let path = t.url.trim_start_matches("sqlite://");
            let path = path.split('?').next().unwrap_or(path);
            format!("sqlite:///{path}")
        }
        Backend::Postgres => t.url.replacen("postgres://", "postgresql+pg8000://", 1),
        Backend::MySql => t.url.replacen("mysql://", "mysql+pymysql://", 1),
    }
}

/// Runs `crosslang.py <command>` on this database; panics with its output on failure.
async fn python(h: &Harness, command: &str) -> String {
    let env = [
        ("AA_XL_FILE_KEY", h.file_key.clone().into()),
        ("AA_XL_FILE_DIR", h.file_dir.path().as_os_str().to_owned()),
    ];
    run_python(
        "crosslang.py",
        command,
        sqlalchemy_url(&h.t),
        &spec_path(),
        env,
    )
    .await
}

/// Runs `tests/python/<script> <command> <url> <spec>` with the virtualenv's Python
/// (`AA_TEST_PYTHON`) and extra environment; its standard output, or a panic with both
/// outputs when it fails.
pub async fn run_python<const N: usize>(
    script: &str,
    command: &str,
    url: String,
    spec: &str,
    env: [(&'static str, std::ffi::OsString); N],
) -> String {
    let interpreter = std::env::var("AA_TEST_PYTHON").unwrap_or_else(|_| {
        panic!(
            "AA_TEST_PYTHON is not set: run scripts/test, which installs Python's Advanced \
             Alchemy into a virtualenv (tests/python/requirements.txt)"
        )
    });
    let path = format!("{}/python/{script}", env!("CARGO_MANIFEST_DIR"));
    let args = [path, command.to_owned(), url, spec.to_owned()];
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&interpreter)
            .args(&args)
            .envs(env)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {interpreter}: {e}"))
    })
    .await
    .expect("python thread");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{script} {command} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Reads Python's rows: every value equals the spec. `whole_seconds`: the table is
/// Python's on MySQL, whose `DATETIME` has no fractional seconds.
async fn read_python_rows(t: &TestDb, whole_seconds: bool) {
    let stored = Repository::<xl_record::Entity, _>::new(&t.db)
        .get_many(xl_record::Column::Origin.eq("python"))
        .await
        .expect("read Python's rows");
    assert_eq!(stored.len(), rows().len());
    let cut = |v: DateTimeUTC| -> DateTimeUTC {
        if whole_seconds {
            DateTimeUTC::from(chrono::DateTime::from_timestamp(v.timestamp(), 0).expect("date"))
        } else {
            v
        }
    };
    for spec in rows() {
        let label = text(spec, "label");
        let row = stored
            .iter()
            .find(|r| r.label == label)
            .unwrap_or_else(|| panic!("Python row {label}"));
        let expected_at = instant(spec, "happened_at").map(cut);
        assert_eq!(Some(row.happened_at), expected_at, "{label}.happened_at");
        assert_eq!(
            row.maybe_at,
            instant(spec, "maybe_at").map(cut),
            "{label}.maybe_at"
        );
        assert_eq!(row.secret.expose(), text(spec, "secret"), "{label}.secret");
        assert_eq!(row.notes.expose(), text(spec, "notes"), "{label}.notes");
        let password = text(spec, "password");
        assert!(row.password.verify(password), "{label}: Python's hash");
        assert!(!row.password.verify(format!("{password}x")));
        assert_eq!(
            row.ref_id.to_string(),
            text(spec, "ref_id"),
            "{label}.ref_id"
        );
        assert_eq!(*row.payload, spec["payload"], "{label}.payload");
        check_file(label, row.attachment.as_ref(), &spec["file"]).await;
        assert!(row.created_at <= DateTimeUTC::now() && row.updated_at >= row.created_at);
        assert!(!row.id.is_nil());
    }
}

/// A file column holds the spec's file: metadata, and content in the shared store.
async fn check_file(
    label: &str,
    stored: Option<&advanced_alchemy::types::FileObject>,
    spec: &serde_json::Value,
) {
    if spec.is_null() {
        assert!(stored.is_none(), "{label}.attachment: {stored:?}");
        return;
    }
    let file = stored.unwrap_or_else(|| panic!("{label}.attachment missing"));
    let content = text(spec, "content").as_bytes();
    assert_eq!(file.content_type(), text(spec, "content_type"), "{label}");
    assert!(
        file.path().ends_with(text(spec, "name")),
        "{label}: {}",
        file.path()
    );
    assert_eq!(file.size(), Some(content.len() as u64), "{label}");
    let stored_content = file
        .get_content()
        .await
        .expect("content from the shared store");
    assert_eq!(&stored_content[..], content, "{label} content");
}

/// The spec's file uploaded to the shared store, as this library uploads it.
async fn upload(
    h: &Harness,
    spec: &serde_json::Value,
) -> Option<advanced_alchemy::types::FileObject> {
    if spec.is_null() {
        return None;
    }
    let upload = FileUpload::new(
        h.file_key.as_str(),
        text(spec, "name"),
        text(spec, "content").as_bytes().to_vec(),
    )
    .content_type(text(spec, "content_type"));
    Some(upload.save_untracked().await.expect("upload"))
}

/// Writes the spec's rows as this library writes them.
async fn write_rust_rows(h: &Harness) {
    let t = &h.t;
    // cheap parameters keep the suite fast; Python reads them from the PHC string
    let hasher = Argon2Hasher::new()
        .with_memory_cost(1024)
        .with_time_cost(1)
        .with_parallelism(1);
    let mut files = Vec::new();
    for spec in rows() {
        files.push(upload(h, &spec["file"]).await);
    }
    let models = rows()
        .iter()
        .zip(files)
        .map(|(spec, file)| xl_record::ActiveModel {
            label: Set(text(spec, "label").to_owned()),
            origin: Set("rust".into()),
            happened_at: Set(instant(spec, "happened_at").expect("happened_at")),
            maybe_at: Set(instant(spec, "maybe_at")),
            secret: Set(EncryptedString::new(text(spec, "secret")).expect("secret")),
            notes: Set(EncryptedText::new(text(spec, "notes")).expect("notes")),
            password: Set(PasswordHash::hash(text(spec, "password"), &hasher).expect("hash")),
            ref_id: Set(text(spec, "ref_id").parse().expect("ref_id")),
            payload: Set(JsonB(spec["payload"].clone())),
            attachment: Set(file),
            ..Default::default()
        })
        .collect::<Vec<_>>();
    Repository::<xl_record::Entity, _>::new(&t.db)
        .add_many(models)
        .await
        .expect("write Rust rows");
}

async fn python_creates_the_table(t: TestDb) {
    let h = Harness::new(t);
    h.t.db
        .execute_unprepared("DROP TABLE xl_record")
        .await
        .expect("drop create_all's table");
    python(&h, "create").await;
    python(&h, "write").await;
    read_python_rows(&h.t, h.t.backend == Backend::MySql).await;
    write_rust_rows(&h).await;
    let report = python(&h, "check").await;
    assert!(report.contains("checked 3 Rust rows"), "{report}");
}

async fn rust_creates_the_table(t: TestDb) {
    let h = Harness::new(t);
    python(&h, "write").await;
    read_python_rows(&h.t, false).await;
    write_rust_rows(&h).await;
    let report = python(&h, "check").await;
    assert!(report.contains("checked 3 Rust rows"), "{report}");
}

crate::backend_tests!(on_disk: python_creates_the_table, rust_creates_the_table);
