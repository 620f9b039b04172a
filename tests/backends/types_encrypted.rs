//! `EncryptedString` / `EncryptedText`: round trips through the repository, what is
//! really stored, unreadable values, key rotation and the plaintext length limit; plus
//! tokens written by Python's `cryptography` Fernet as Advanced Alchemy keys it
//! (`tests/fixtures/python_fernet.json`, made by `python_fernet.py`).

use crate::support::{Backend, TestDb};
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::{
    EncryptedString, EncryptedText, EncryptionError, EncryptionKey, Keyring, KeyringCell,
};
use advanced_alchemy::{Error, schema::TableSchema};
use sea_orm::{ActiveValue::Set, ConnectionTrait, IntoActiveModel};
use std::sync::Arc;

const PYTHON_FIXTURE: &str = include_str!("../fixtures/python_fernet.json");

fn python_fixture() -> (String, Vec<(String, String)>) {
    let doc: serde_json::Value = serde_json::from_str(PYTHON_FIXTURE).expect("fixture JSON");
    let tokens = doc["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .map(|t| {
            (
                t["plaintext"].as_str().expect("plaintext").to_owned(),
                t["token"].as_str().expect("token").to_owned(),
            )
        })
        .collect();
    (
        doc["passphrase"].as_str().expect("passphrase").to_owned(),
        tokens,
    )
}

/// Fernet with the passphrase Python used for the fixture; at most 40 characters.
pub struct FernetKey;
impl EncryptionKey for FernetKey {
    fn keyring() -> Arc<Keyring> {
        static K: KeyringCell = KeyringCell::new(|| Keyring::fernet(python_fixture().0));
        K.load()
    }
    const MAX_LEN: Option<usize> = Some(40);
}

/// The same keys without a length limit (the limit is per key type, so a column family
/// that needs another limit gets a type of its own sharing the keyring).
pub struct NotesKey;
impl EncryptionKey for NotesKey {
    fn keyring() -> Arc<Keyring> {
        FernetKey::keyring()
    }
}

const RETIRED: &str = "retired fernet passphrase";

/// XChaCha20-Poly1305, after a rotation away from a Fernet passphrase.
pub struct AeadKey;
impl EncryptionKey for AeadKey {
    fn keyring() -> Arc<Keyring> {
        static K: KeyringCell =
            KeyringCell::new(|| Keyring::aead([12; 32]).with_old_keys(Keyring::fernet(RETIRED)));
        K.load()
    }
}

pub mod enc_secret {
    use super::{AeadKey, FernetKey, NotesKey};
    use advanced_alchemy::types::{EncryptedString, EncryptedText};
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "enc_secret")]
    pub struct Model {
        pub label: String,
        pub secret: EncryptedString<FernetKey>,
        pub maybe: Option<EncryptedString<FernetKey>>,
        pub notes: EncryptedText<NotesKey>,
        pub sealed: EncryptedString<AeadKey>,
    }
}

fn secret(s: &str) -> EncryptedString<FernetKey> {
    EncryptedString::new(s).expect("within MAX_LEN")
}

fn new_row(label: &str, plaintext: &str) -> enc_secret::ActiveModel {
    enc_secret::ActiveModel {
        label: Set(label.into()),
        secret: Set(secret(plaintext)),
        maybe: Set(None),
        notes: Set(
            EncryptedText::new(format!("notes: {plaintext} ").repeat(200)).expect("no limit"),
        ),
        sealed: Set(EncryptedString::new(plaintext).expect("no limit")),
        ..Default::default()
    }
}

/// The stored text of `column` for every row, in key order.
async fn raw(t: &TestDb, column: &str) -> Vec<String> {
    t.strings(&format!("SELECT {column} FROM enc_secret ORDER BY id"))
        .await
}

async fn overwrite(t: &TestDb, id: i64, column: &str, value: &str) {
    t.db.execute_unprepared(&format!(
        "UPDATE enc_secret SET {column} = '{value}' WHERE id = {id}"
    ))
    .await
    .expect("raw UPDATE");
}

async fn encrypted_round_trip(t: TestDb) {
    let repo = Repository::<enc_secret::Entity, _>::new(&t.db);
    let a = repo.add(new_row("a", "same secret ✓")).await.expect("add");
    let b = repo.add(new_row("b", "same secret ✓")).await.expect("add");
    assert_eq!(a.secret.expose(), "same secret ✓");
    assert_eq!(a.maybe, None);
    assert_eq!(repo.get(a.id).await.expect("get"), a);
    assert_eq!(repo.get(b.id).await.expect("get"), b);

    let mut change = a.clone().into_active_model();
    change.secret = Set(secret("changed"));
    change.maybe = Set(Some(secret("now set")));
    let updated = repo.update(change).await.expect("update");
    let read = repo.get(a.id).await.expect("get");
    assert_eq!(read, updated);
    assert_eq!(read.secret.expose(), "changed");
    assert_eq!(read.maybe.as_ref().map(|m| m.expose()), Some("now set"));
    assert_eq!(read.notes, a.notes);
    assert_eq!(read.sealed.expose(), "same secret ✓");

    // what the database holds: valid tokens, never the plaintext, different every time
    let fernet = FernetKey::keyring();
    let secrets = raw(&t, "secret").await;
    assert_eq!(fernet.decrypt(&secrets[0]).expect("token"), "changed");
    assert_eq!(fernet.decrypt(&secrets[1]).expect("token"), "same secret ✓");
    assert!(secrets[1].starts_with("gAAAAA") && !secrets[1].contains("same"));
    let sealed = raw(&t, "sealed").await;
    assert_ne!(sealed[0], sealed[1]);
    assert!(
        sealed
            .iter()
            .all(|s| s.starts_with("v1.") && !s.contains("same"))
    );
    assert!(
        sealed
            .iter()
            .all(|s| Keyring::aead([12; 32]).decrypt(s).as_deref() == Ok("same secret ✓"))
    );
    let notes = raw(&t, "notes").await;
    assert_ne!(notes[0], notes[1]);
    assert!(!notes[0].contains("notes"));
    assert_eq!(
        t.scalar("SELECT COUNT(*) FROM enc_secret WHERE maybe IS NULL")
            .await,
        1
    );

    // back to NULL
    let mut clear = read.into_active_model();
    clear.maybe = Set(None);
    assert_eq!(repo.update(clear).await.expect("update").maybe, None);
    assert_eq!(repo.get(a.id).await.expect("get").maybe, None);

    // Python's column types: EncryptedString is VARCHAR (TEXT on MySQL), EncryptedText TEXT
    let ddl = TableSchema::of::<enc_secret::Entity>(t.db_backend()).create[0]
        .to_string()
        .to_lowercase();
    let string = if t.backend == Backend::MySql {
        "text"
    } else {
        "varchar"
    };
    let q = if t.backend == Backend::MySql {
        '`'
    } else {
        '"'
    };
    for (column, ty) in [
        ("secret", string),
        ("maybe", string),
        ("sealed", string),
        ("notes", "text"),
    ] {
        let null = if column == "maybe" { "" } else { " not null" };
        assert!(
            ddl.contains(&format!("{q}{column}{q} {ty}{null},"))
                || ddl.contains(&format!("{q}{column}{q} {ty}{null} )")),
            "{column}: {ddl}"
        );
    }
}

async fn encrypted_unreadable_values_are_errors(t: TestDb) {
    let repo = Repository::<enc_secret::Entity, _>::new(&t.db);
    let row = repo.add(new_row("a", "fine")).await.expect("add");
    let id = row.id;

    let foreign = Keyring::fernet("some other key").encrypt("fine");
    let mut tampered = raw(&t, "secret").await.remove(0);
    tampered.replace_range(30..31, if &tampered[30..31] == "A" { "B" } else { "A" });
    for (column, value) in [
        ("secret", "garbage"),
        ("secret", foreign.as_str()),
        ("secret", tampered.as_str()),
        ("maybe", "garbage"),
        ("notes", foreign.as_str()),
        ("sealed", "v1.00000000.AAAA"),
    ] {
        // (`maybe` is NULL in the good row)
        let good = if column == "maybe" {
            None
        } else {
            Some(raw(&t, column).await.remove(0))
        };
        overwrite(&t, id, column, value).await;
        let err = repo.get(id).await.expect_err(column);
        match &err {
            Error::Encryption(EncryptionError::Decrypt { column: Some(c) }) => {
                assert_eq!(c, column)
            }
            other => panic!("{column}: {other:?}"),
        }
        assert_eq!(
            err.to_string(),
            format!("cannot decrypt column `{column}` (wrong key or tampered ciphertext)")
        );
        match good {
            Some(good) => overwrite(&t, id, column, &good).await,
            None => {
                t.db.execute_unprepared(&format!(
                    "UPDATE enc_secret SET {column} = NULL WHERE id = {id}"
                ))
                .await
                .expect("reset");
            }
        }
        assert_eq!(repo.get(id).await.expect("readable again"), row);
    }
}

async fn encrypted_rotation_across_resave(t: TestDb) {
    let repo = Repository::<enc_secret::Entity, _>::new(&t.db);
    let row = repo.add(new_row("a", "rotate me")).await.expect("add");
    // a value written before the rotation, under the retired Fernet passphrase
    let legacy = Keyring::fernet(RETIRED).encrypt("from before");
    overwrite(&t, row.id, "sealed", &legacy).await;
    let read = repo.get(row.id).await.expect("old key still decrypts");
    assert_eq!(read.sealed.expose(), "from before");

    // re-saving writes it under the current key
    let mut resave = read.clone().into_active_model();
    resave.sealed = Set(read.sealed.clone());
    repo.update(resave).await.expect("update");
    let stored = raw(&t, "sealed").await.remove(0);
    assert!(stored.starts_with("v1."), "{stored}");
    assert_eq!(
        Keyring::aead([12; 32]).decrypt(&stored).as_deref(),
        Ok("from before")
    );
    assert!(Keyring::fernet(RETIRED).decrypt(&stored).is_err());
    assert_eq!(
        repo.get(row.id).await.expect("get").sealed.expose(),
        "from before"
    );
}

async fn encrypted_too_long_is_rejected_before_sql(t: TestDb) {
    let before = t.statements();
    let err = EncryptedString::<FernetKey>::new("x".repeat(41)).expect_err("too long");
    assert!(
        matches!(
            err,
            Error::Encryption(EncryptionError::TooLong { len: 41, max: 40 })
        ),
        "{err:?}"
    );
    assert!(EncryptedString::<FernetKey>::new("é".repeat(40)).is_ok()); // characters, not bytes
    assert_eq!(t.statements(), before);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM enc_secret").await, 0);
}

async fn encrypted_reads_python_tokens(t: TestDb) {
    let repo = Repository::<enc_secret::Entity, _>::new(&t.db);
    let row = repo.add(new_row("a", "x")).await.expect("add");
    for (plaintext, token) in python_fixture().1 {
        overwrite(&t, row.id, "notes", &token).await;
        assert_eq!(
            repo.get(row.id).await.expect("get").notes.expose(),
            plaintext
        );
    }
}

crate::backend_tests!(
    encrypted_round_trip,
    encrypted_unreadable_values_are_errors,
    encrypted_rotation_across_resave,
    encrypted_too_long_is_rejected_before_sql,
    encrypted_reads_python_tokens,
);

#[test]
fn encrypted_python_fixture_decrypts() {
    let (passphrase, tokens) = python_fixture();
    assert_eq!(tokens.len(), 4);
    let keyring = Keyring::fernet(&passphrase);
    for (plaintext, token) in &tokens {
        assert_eq!(&keyring.decrypt(token).expect("Python token"), plaintext);
    }
    assert!(
        Keyring::fernet("not the passphrase")
            .decrypt(&tokens[0].1)
            .is_err()
    );
}

/// Writes tokens for `python_fernet.py --verify` when `AA_WRITE_RUST_FERNET` names a file
/// (a manual check of the other direction; not part of the test run).
#[test]
fn encrypted_rust_tokens_for_python() {
    let Ok(path) = std::env::var("AA_WRITE_RUST_FERNET") else {
        return;
    };
    let (passphrase, tokens) = python_fixture();
    let keyring = Keyring::fernet(&passphrase);
    let tokens: Vec<_> = tokens
        .iter()
        .map(|(p, _)| serde_json::json!({ "plaintext": p, "token": keyring.encrypt(p) }))
        .collect();
    let doc = serde_json::json!({ "passphrase": passphrase, "tokens": tokens });
    std::fs::write(path, doc.to_string()).expect("write");
}
