//! One PostgreSQL table, two languages, pgcrypto: the real Python Advanced Alchemy
//! (`AA_TEST_PYTHON`, installed by scripts/test) writes through `PGCryptoBackend`, which
//! encrypts in SQL, and this library reads the rows through `Keyring::pgcrypto`; this
//! library writes, and Python's column type decrypts in SQL. tests/python/pgcrypto.py is
//! the Python half; the key and plaintexts are those of tests/fixtures/python_pgcrypto.json.

use crate::support::{Backend, TestDb};
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::{EncryptedString, EncryptionKey, Keyring, KeyringCell};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait};
use std::sync::Arc;

fn spec_path() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/python_pgcrypto.json").to_owned()
}

fn spec() -> serde_json::Value {
    let text = std::fs::read_to_string(spec_path()).expect("python_pgcrypto.json");
    serde_json::from_str(&text).expect("fixture JSON")
}

fn plaintexts() -> Vec<String> {
    spec()["updates"]
        .as_array()
        .expect("updates")
        .iter()
        .map(|u| u["plaintext"].as_str().expect("plaintext").to_owned())
        .collect()
}

pub struct XlPgKey;
impl EncryptionKey for XlPgKey {
    fn keyring() -> Arc<Keyring> {
        static K: KeyringCell =
            KeyringCell::new(|| Keyring::pgcrypto(spec()["key"].as_str().expect("key")));
        K.load()
    }
}

pub mod xl_pgcrypto {
    use advanced_alchemy::types::EncryptedString;
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "xl_pgcrypto")]
    pub struct Model {
        pub origin: String,
        pub secret: EncryptedString<super::XlPgKey>,
    }
}

/// Runs `pgcrypto.py <command>` on this database; panics with its output on failure.
async fn python(t: &TestDb, command: &str) -> String {
    let url = t.url.replacen("postgres://", "postgresql+pg8000://", 1);
    crate::crosslang::run_python("pgcrypto.py", command, url, &spec_path(), []).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_python_pgcrypto_backend() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    t.db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        .await
        .expect("pgcrypto extension");
    let repo = Repository::<xl_pgcrypto::Entity, _>::new(&t.db);

    // Python writes (armor(pgp_sym_encrypt(…)) in SQL), Rust reads
    python(&t, "write").await;
    let mut from_python = repo
        .get_many(xl_pgcrypto::Column::Origin.eq("python"))
        .await
        .expect("read Python's rows");
    from_python.sort_by_key(|r| r.id);
    let read: Vec<&str> = from_python.iter().map(|r| r.secret.expose()).collect();
    assert_eq!(read, plaintexts());

    // Rust writes, Python reads (pgp_sym_decrypt(dearmor(…)) in SQL)
    for plaintext in plaintexts() {
        repo.add(xl_pgcrypto::ActiveModel {
            origin: Set("rust".into()),
            secret: Set(EncryptedString::new(plaintext).expect("no limit")),
            ..Default::default()
        })
        .await
        .expect("write a Rust row");
    }
    let report = python(&t, "check").await;
    assert!(report.contains("checked 4 Rust rows"), "{report}");
}
