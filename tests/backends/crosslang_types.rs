//! One database, two languages, for the auth types and vectors: this library writes
//! TOTP secrets, one-time codes and bcrypt hashes (`xl_auth`) and vectors
//! (`typ_vector_doc`); one run of tests/python/crosslang_types.py (the real Python
//! Advanced Alchemy with pyotp, passlib and pgvector, `AA_TEST_PYTHON`) checks them and
//! writes its own, which this side then reads and verifies. The values are those of
//! tests/fixtures/crosslang_types.json. Vectors run on SQLite and MariaDB (JSON) and on
//! PostgreSQL 18 with pgvector.

use crate::crosslang::run_python;
use crate::support::{Backend, TestDb};
use crate::types_vector::typ_vector_doc as vdoc;
use advanced_alchemy::registry::Registry;
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::{
    Argon2Hasher, BcryptHasher, EncryptionKey, Keyring, KeyringCell, OneTimeCode, PasswordHash,
    TOTPSecret, Vector,
};
use sea_orm::{ActiveValue::Set, ColumnTrait};
use std::sync::{Arc, LazyLock};

fn spec_path() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/crosslang_types.json").to_owned()
}

fn spec() -> &'static serde_json::Value {
    static SPEC: LazyLock<serde_json::Value> = LazyLock::new(|| {
        let text = std::fs::read_to_string(spec_path()).expect("crosslang_types.json");
        serde_json::from_str(&text).expect("crosslang_types.json")
    });
    &SPEC
}

fn text<'a>(v: &'a serde_json::Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {v}"))
}

pub struct XlTypesKey;
impl EncryptionKey for XlTypesKey {
    fn keyring() -> Arc<Keyring> {
        static K: KeyringCell = KeyringCell::new(|| Keyring::fernet(text(spec(), "key")));
        K.load()
    }
}

pub mod xl_auth {
    use advanced_alchemy::types::{OneTimeCode, PasswordHash, TOTPSecret};
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "xl_auth")]
    pub struct Model {
        pub label: String,
        pub origin: String,
        pub totp: TOTPSecret<super::XlTypesKey>,
        pub uri: String,
        pub code: OneTimeCode,
        pub password: PasswordHash,
    }
}

/// The database's URL for SQLAlchemy (pure-Python drivers).
fn sqlalchemy_url(t: &TestDb) -> String {
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

const CHEAP: Argon2Hasher = Argon2Hasher::new()
    .with_memory_cost(1024)
    .with_time_cost(1)
    .with_parallelism(1);

async fn auth_types_both_ways(t: TestDb) {
    let rows = spec()["rows"].as_array().expect("rows");
    let at = spec()["at"].as_u64().expect("at");
    let repo = Repository::<xl_auth::Entity, _>::new(&t.db);
    // this side writes: codes hashed with argon2, passwords with bcrypt cost 4
    for row in rows {
        let totp = TOTPSecret::new(text(row, "totp")).expect("secret");
        let uri = totp
            .provisioning_uri(text(row, "account"), Some(text(row, "issuer")))
            .expect("uri");
        let mut code: OneTimeCode = OneTimeCode::issue(text(row, "code"), &CHEAP).expect("code");
        if row["redeemed"].as_bool().expect("redeemed") {
            code = code.register_failure().consume();
        }
        repo.add(xl_auth::ActiveModel {
            label: Set(text(row, "label").into()),
            origin: Set("rust".into()),
            totp: Set(totp),
            uri: Set(uri),
            code: Set(code),
            password: Set(PasswordHash::hash(
                text(row, "password"),
                &BcryptHasher::new().with_cost(4),
            )
            .expect("bcrypt")),
            ..Default::default()
        })
        .await
        .expect("write Rust rows");
    }
    let report = run_python(
        "crosslang_types.py",
        "auth",
        sqlalchemy_url(&t),
        &spec_path(),
        [],
    )
    .await;
    assert!(report.contains("checked 2 Rust rows"), "{report}");
    // Python's rows: pyotp's secret, Python's one-time code JSON and argon2-cffi hash,
    // passlib's bcrypt
    let python = repo
        .get_many(xl_auth::Column::Origin.eq("python"))
        .await
        .expect("read Python's rows");
    assert_eq!(python.len(), rows.len());
    for row in rows {
        let label = text(row, "label");
        let got = python
            .iter()
            .find(|r| r.label == label)
            .unwrap_or_else(|| panic!("Python row {label}"));
        assert_eq!(got.totp.secret(), text(row, "totp"), "{label}");
        assert_eq!(
            got.totp.at(at).expect("code"),
            text(row, "totp_at"),
            "{label}"
        );
        assert!(got.totp.verify(&got.totp.now().expect("now"), 0));
        let ours = got
            .totp
            .provisioning_uri(text(row, "account"), Some(text(row, "issuer")))
            .expect("uri");
        assert_eq!(
            ours.to_uppercase(),
            got.uri.to_uppercase(),
            "{label}: pyotp's URI"
        );
        assert!(got.password.as_phc_str().starts_with("$2b$04$"), "{label}");
        assert!(
            got.password.verify(text(row, "password")),
            "{label}: passlib's bcrypt"
        );
        assert!(!got.password.verify("hunter3"));
        let redeemed = row["redeemed"].as_bool().expect("redeemed");
        assert!(
            got.code
                .hash()
                .as_phc_str()
                .starts_with("$argon2id$v=19$m=65536,t=3,p=4$")
        );
        assert_eq!(got.code.is_used(), redeemed, "{label}");
        assert_eq!(got.code.attempts(), u32::from(redeemed), "{label}");
        assert_eq!(got.code.verify(text(row, "code")), !redeemed, "{label}");
        // and redeemed here, once, atomically
        let ok = got
            .code
            .redeem_in(&t.db, got, xl_auth::Column::Code, text(row, "code"))
            .await
            .expect("redeem");
        assert_eq!(ok, !redeemed, "{label}");
        assert!(
            !got.code
                .redeem_in(&t.db, got, xl_auth::Column::Code, text(row, "code"))
                .await
                .expect("redeem")
        );
    }
}

async fn vectors_both_ways(t: TestDb) {
    let vectors = spec()["vectors"].as_array().expect("vectors");
    Registry::new()
        .register::<vdoc::Entity>()
        .create_all(&t.db)
        .await
        .expect("create typ_vector_doc");
    let repo = Repository::<vdoc::Entity, _>::new(&t.db);
    let vector = |v: &serde_json::Value| -> Option<Vector<3>> {
        let numbers: Option<Vec<f64>> = serde_json::from_value(v.clone()).expect("numbers");
        numbers
            .map(|n| Vector::new(n.into_iter().map(|x| x as f32).collect::<Vec<_>>()).expect("3"))
    };
    for v in vectors {
        repo.add(vdoc::ActiveModel {
            label: Set(format!("rust-{}", text(v, "label"))),
            embedding: Set(vector(&v["embedding"]).expect("embedding")),
            extra: Set(vector(&v["extra"])),
            ..Default::default()
        })
        .await
        .expect("write Rust vectors");
    }
    let report = run_python(
        "crosslang_types.py",
        "vector",
        sqlalchemy_url(&t),
        &spec_path(),
        [],
    )
    .await;
    assert!(report.contains("checked 2 Rust vectors"), "{report}");
    for v in vectors {
        let label = format!("python-{}", text(v, "label"));
        let got = repo
            .get_one(vdoc::Column::Label.eq(label.as_str()))
            .await
            .expect("Python's vector");
        assert_eq!(Some(got.embedding), vector(&v["embedding"]), "{label}");
        assert_eq!(got.extra, vector(&v["extra"]), "{label}");
    }
}

crate::backend_tests!(on_disk: auth_types_both_ways);
/// Vectors on the JSON backends (`vector::sqlite::…`, `vector::mysql::…`).
mod vector {
    use super::vectors_both_ways;
    crate::backend_tests!(@on on_disk, sqlite, Sqlite; vectors_both_ways);
    crate::backend_tests!(@on on_disk, mysql, MySql; vectors_both_ways);
}

mod pg18 {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn vectors_both_ways() {
        if let Some(t) = crate::support::TestDb::pg18().await {
            sea_orm::ConnectionTrait::execute_unprepared(
                &t.db,
                "CREATE EXTENSION IF NOT EXISTS vector",
            )
            .await
            .expect("CREATE EXTENSION vector");
            super::vectors_both_ways(t).await;
        }
    }
}
