//! The pgcrypto backend (`Keyring::pgcrypto`): round trips, unreadable values and a
//! rotation from Fernet on every backend; on PostgreSQL, both directions through the
//! pgcrypto extension itself, including the exact statements Python's Advanced Alchemy
//! `PGCryptoBackend` runs (`tests/fixtures/python_pgcrypto.json`, compiled by
//! `python_pgcrypto.py` with the real library).

use crate::support::{Backend, TestDb};
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::encrypted::pgcrypto;
use advanced_alchemy::types::{
    EncryptedString, EncryptedText, EncryptionError, EncryptionKey, Keyring, KeyringCell,
};
use advanced_alchemy::{Error, Result};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel, QuerySelect, Statement,
};
use std::sync::Arc;

const PYTHON_FIXTURE: &str = include_str!("../fixtures/python_pgcrypto.json");

fn fixture() -> serde_json::Value {
    serde_json::from_str(PYTHON_FIXTURE).expect("fixture JSON")
}

fn fixture_str(key: &str) -> String {
    fixture()[key].as_str().expect(key).to_owned()
}

/// The key Python was given.
pub struct PgKey;
impl EncryptionKey for PgKey {
    fn keyring() -> Arc<Keyring> {
        static K: KeyringCell = KeyringCell::new(|| Keyring::pgcrypto(fixture_str("key")));
        K.load()
    }
}

const RETIRED: &str = "retired fernet key";

/// pgcrypto now, Fernet before.
pub struct MigratedKey;
impl EncryptionKey for MigratedKey {
    fn keyring() -> Arc<Keyring> {
        static K: KeyringCell = KeyringCell::new(|| {
            Keyring::pgcrypto("migrated").with_old_keys(Keyring::fernet(RETIRED))
        });
        K.load()
    }
}

pub mod enc_pg {
    use super::{MigratedKey, PgKey};
    use advanced_alchemy::types::{EncryptedString, EncryptedText};
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "enc_pg")]
    pub struct Model {
        pub secret: EncryptedString<PgKey>,
        pub notes: Option<EncryptedText<PgKey>>,
        pub migrated: EncryptedString<MigratedKey>,
    }
}

fn row(plaintext: &str) -> enc_pg::ActiveModel {
    enc_pg::ActiveModel {
        secret: Set(EncryptedString::new(plaintext).expect("no limit")),
        notes: Set(None),
        migrated: Set(EncryptedString::new(plaintext).expect("no limit")),
        ..Default::default()
    }
}

async fn raw(t: &TestDb, column: &str) -> Vec<String> {
    t.strings(&format!("SELECT {column} FROM enc_pg ORDER BY id"))
        .await
}

async fn overwrite(t: &TestDb, id: i64, column: &str, value: &str) {
    t.db.execute_unprepared(&format!(
        "UPDATE enc_pg SET {column} = '{value}' WHERE id = {id}"
    ))
    .await
    .expect("raw UPDATE");
}

/// The bytes inside the armor (the checksum line and blank lines aside).
fn dearmor(token: &str) -> Vec<u8> {
    let body: String = token
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('=') && !l.starts_with("-----"))
        .collect();
    STANDARD.decode(body).expect("armored base64")
}

/// Armor with a correct CRC-24 (RFC 4880 §6.1), so only decryption can notice a change.
fn armor(message: &[u8]) -> String {
    let mut crc: u32 = 0xB704CE;
    for &byte in message {
        crc ^= u32::from(byte) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= 0x186_4CFB;
            }
        }
    }
    let body = STANDARD.encode(message);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(76)
        .map(|l| std::str::from_utf8(l).expect("base64 is ASCII"))
        .collect();
    format!(
        "-----BEGIN PGP MESSAGE-----\n\n{}\n={}\n-----END PGP MESSAGE-----\n",
        lines.join("\n"),
        STANDARD.encode(&crc.to_be_bytes()[1..])
    )
}

fn expect_decrypt_error(result: Result<enc_pg::Model>, column: &str, what: &str) {
    match result {
        Err(Error::Encryption(EncryptionError::Decrypt { column: Some(c) })) => {
            assert_eq!(c, column, "{what}")
        }
        other => panic!("{what}: {other:?}"),
    }
}

async fn pgcrypto_round_trip(t: TestDb) {
    let repo = Repository::<enc_pg::Entity, _>::new(&t.db);
    let a = repo.add(row("same ✓")).await.expect("add");
    let b = repo.add(row("same ✓")).await.expect("add");
    assert_eq!(repo.get(a.id).await.expect("get"), a);
    assert_eq!(repo.get(b.id).await.expect("get").secret.expose(), "same ✓");

    let mut change = a.clone().into_active_model();
    change.notes = Set(Some(
        EncryptedText::new("long ✓ ".repeat(3_000)).expect("text"),
    ));
    change.secret = Set(EncryptedString::new("").expect("empty"));
    repo.update(change).await.expect("update");
    let read = repo.get(a.id).await.expect("get");
    assert_eq!(read.secret.expose(), "");
    assert_eq!(
        read.notes.as_ref().map(|n| n.expose().len()),
        Some(3_000 * "long ✓ ".len())
    );

    // stored: armored messages as PostgreSQL writes them, never the plaintext, with a
    // fresh salt and prefix (so a different text) every time
    let secrets = raw(&t, "secret").await;
    assert!(
        secrets
            .iter()
            .all(|s| s.starts_with("-----BEGIN PGP MESSAGE-----\n\nww0EBwMC")
                && s.ends_with("\n-----END PGP MESSAGE-----\n"))
    );
    let migrated = raw(&t, "migrated").await;
    assert_ne!(migrated[0], migrated[1]);
    let (ma, mb) = (dearmor(&migrated[0]), dearmor(&migrated[1]));
    assert_ne!(ma[6..14], mb[6..14], "fresh S2K salt");
    assert_ne!(ma[18..34], mb[18..34], "fresh random prefix");
    assert!(!migrated[0].contains("same"));
    assert_eq!(
        PgKey::keyring().decrypt(&secrets[1]).as_deref(),
        Ok("same ✓")
    );
}

async fn pgcrypto_unreadable_values_are_errors(t: TestDb) {
    let repo = Repository::<enc_pg::Entity, _>::new(&t.db);
    let good = repo.add(row("fine")).await.expect("add");
    let stored = raw(&t, "secret").await.remove(0);
    let message = dearmor(&stored);

    let mut tampered_armor = stored.clone();
    let at = tampered_armor.find("ww0E").expect("body") + 30;
    let flipped = if &tampered_armor[at..=at] == "A" {
        "B"
    } else {
        "A"
    };
    tampered_armor.replace_range(at..=at, flipped);
    let mut candidates = vec![
        (
            "wrong key",
            Keyring::pgcrypto("another key").encrypt("fine"),
        ),
        ("tampered armor", tampered_armor),
        (
            "not armor",
            "-----BEGIN PGP MESSAGE-----\ngarbage".to_owned(),
        ),
    ];
    // a changed byte in the salt, the random prefix, the literal data and the MDC, under
    // an armor checksum that matches: only decryption can tell
    for i in [8, 20, message.len() / 2, message.len() - 1] {
        let mut changed = message.clone();
        changed[i] ^= 0x01;
        candidates.push(("tampered ciphertext", armor(&changed)));
    }
    for (what, value) in candidates {
        overwrite(&t, good.id, "secret", &value).await;
        expect_decrypt_error(repo.get(good.id).await, "secret", what);
    }
    overwrite(&t, good.id, "secret", &stored).await;
    assert_eq!(repo.get(good.id).await.expect("readable again"), good);
}

async fn pgcrypto_rotation_from_fernet(t: TestDb) {
    let repo = Repository::<enc_pg::Entity, _>::new(&t.db);
    let added = repo.add(row("x")).await.expect("add");
    let legacy = Keyring::fernet(RETIRED).encrypt("from before ✓");
    overwrite(&t, added.id, "migrated", &legacy).await;
    let read = repo
        .get(added.id)
        .await
        .expect("the old Fernet key still decrypts");
    assert_eq!(read.migrated.expose(), "from before ✓");

    // re-saving writes it under the current, pgcrypto, key
    let mut resave = read.clone().into_active_model();
    resave.migrated = Set(read.migrated.clone());
    repo.update(resave).await.expect("update");
    let stored = raw(&t, "migrated").await.remove(0);
    assert!(
        stored.starts_with("-----BEGIN PGP MESSAGE-----"),
        "{stored}"
    );
    assert_eq!(
        Keyring::pgcrypto("migrated").decrypt(&stored).as_deref(),
        Ok("from before ✓")
    );
    assert!(Keyring::fernet(RETIRED).decrypt(&stored).is_err());
}

crate::backend_tests!(
    pgcrypto_round_trip,
    pgcrypto_unreadable_values_are_errors,
    pgcrypto_rotation_from_fernet,
);

/// PostgreSQL's `pgp_sym_decrypt(dearmor(…))` over what Rust wrote, and Rust over what
/// `armor(pgp_sym_encrypt(…))` wrote, with PostgreSQL's defaults and other options.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_pgcrypto_interop() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    t.db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        .await
        .expect("pgcrypto extension");
    let repo = Repository::<enc_pg::Entity, _>::new(&t.db);
    let passphrase = fixture_str("passphrase");
    assert_eq!(pgcrypto::passphrase(fixture_str("key")), passphrase);

    // Rust writes, PostgreSQL decrypts: plain SQL ...
    let plaintext = "written by Rust ✓ 日本語";
    let added = repo.add(row(plaintext)).await.expect("add");
    let sql = format!(
        "SELECT pgp_sym_decrypt(dearmor(secret), '{passphrase}') FROM enc_pg WHERE id = {}",
        added.id
    );
    assert_eq!(t.strings(&sql).await, [plaintext]);
    // ... and the expression helper, through SeaORM
    let decrypted: Vec<String> = enc_pg::Entity::find()
        .select_only()
        .column_as(
            pgcrypto::decrypt_expr(Expr::col(enc_pg::Column::Secret), &passphrase),
            "plain",
        )
        .into_tuple()
        .all(&t.db)
        .await
        .expect("pgp_sym_decrypt");
    assert_eq!(decrypted, [plaintext]);
    // a long value (PostgreSQL reads our 5-byte packet lengths) and a wrong passphrase
    let long = "0123456789 ✓ ".repeat(1_000);
    let mut change = added.clone().into_active_model();
    change.secret = Set(EncryptedString::new(long.clone()).expect("no limit"));
    repo.update(change).await.expect("update");
    assert_eq!(t.strings(&sql).await, [long]);
    let wrong = format!(
        "SELECT pgp_sym_decrypt(dearmor(secret), 'wrong') FROM enc_pg WHERE id = {}",
        added.id
    );
    let err =
        t.db.execute_unprepared(&wrong)
            .await
            .expect_err("wrong key");
    assert!(
        err.to_string().contains("Wrong key or corrupt data"),
        "{err}"
    );

    // PostgreSQL writes, Rust reads: the options pgp_sym_encrypt takes
    for options in [
        "",
        "cipher-algo=aes256",
        "cipher-algo=aes192, s2k-digest-algo=md5",
        "compress-algo=1",
        "compress-algo=2, compress-level=9",
        "sess-key=1",
        "sess-key=1, s2k-cipher-algo=aes256, cipher-algo=aes128",
        "s2k-mode=0",
        "s2k-mode=1",
        "s2k-count=65011712",
        "unicode-mode=1",
    ] {
        // (over 16 KiB, PostgreSQL streams the packets in partial lengths)
        let size = if options.is_empty() { 40_000 } else { 3_000 };
        let value = format!("from PostgreSQL ✓ {options} {}", "z".repeat(size));
        t.db.execute_unprepared(&format!(
            "UPDATE enc_pg SET secret = armor(pgp_sym_encrypt('{value}', '{passphrase}', '{options}')) \
             WHERE id = {}",
            added.id
        ))
        .await
        .expect("pgp_sym_encrypt");
        let read = repo.get(added.id).await.expect(options);
        assert_eq!(read.secret.expose(), value, "{options}");
    }
    // ... and through the helper, in an UPDATE built with sea-query
    let update = Query::update()
        .table(enc_pg::Entity)
        .value(
            enc_pg::Column::Secret,
            pgcrypto::encrypt_expr(Expr::val("via encrypt_expr"), &passphrase),
        )
        .and_where(Expr::col(enc_pg::Column::Id).eq(added.id))
        .to_owned();
    t.db.execute(&update).await.expect("armor(pgp_sym_encrypt)");
    assert_eq!(
        repo.get(added.id).await.expect("get").secret.expose(),
        "via encrypt_expr"
    );

    // not read: Blowfish, no integrity protection, another passphrase, a changed byte
    for value in [
        "armor(pgp_sym_encrypt('x', 'PASS', 'cipher-algo=bf'))",
        "armor(pgp_sym_encrypt('x', 'PASS', 'disable-mdc=1'))",
        "armor(pgp_sym_encrypt('x', 'another passphrase'))",
        "armor(set_byte(dearmor(secret), 40, get_byte(dearmor(secret), 40) # 1))",
        "armor(pgp_sym_encrypt_bytea('\\xff00'::bytea, 'PASS'))",
    ] {
        let value = value.replace("PASS", &passphrase);
        t.db.execute_unprepared(&format!(
            "UPDATE enc_pg SET secret = armor(pgp_sym_encrypt('ok', '{passphrase}')) WHERE id = {}",
            added.id
        ))
        .await
        .expect("reset");
        t.db.execute_unprepared(&format!(
            "UPDATE enc_pg SET secret = {value} WHERE id = {}",
            added.id
        ))
        .await
        .expect(&value);
        let err = repo.get(added.id).await.expect_err(&value);
        let column = Some("secret".to_owned());
        match err {
            Error::Encryption(EncryptionError::Decrypt { column: c }) if c == column => {}
            Error::Encryption(EncryptionError::NotUtf8 { column: c })
                if c == column && value.contains("bytea") => {}
            other => panic!("{value}: {other:?}"),
        }
    }
}

/// The statements Python's `PGCryptoBackend` runs (compiled by the Python library): its
/// UPDATEs store values Rust reads, its SELECT decrypts values Rust wrote.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_python_pgcrypto_statements() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    t.db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pgcrypto")
        .await
        .expect("pgcrypto extension");
    let repo = Repository::<enc_pg::Entity, _>::new(&t.db);
    let added = repo.add(row("x")).await.expect("add");
    assert_eq!(added.id, 1, "Python's statements name row 1");
    let doc = fixture();
    let select = doc["select_sql"].as_str().expect("select_sql");
    let updates = doc["updates"].as_array().expect("updates");
    assert_eq!(updates.len(), 4);
    for update in updates {
        let plaintext = update["plaintext"].as_str().expect("plaintext");
        let sql = update["update_sql"].as_str().expect("update_sql");
        // Python writes, Rust reads
        t.db.execute_unprepared(sql).await.expect("Python's UPDATE");
        assert_eq!(repo.get(1).await.expect("get").secret.expose(), plaintext);
        // Rust writes, Python's SELECT reads
        let mut change = repo.get(1).await.expect("get").into_active_model();
        change.secret = Set(EncryptedString::new(plaintext).expect("no limit"));
        repo.update(change).await.expect("update");
        let row =
            t.db.query_one_raw(Statement::from_string(t.db_backend(), select.to_owned()))
                .await
                .expect("Python's SELECT")
                .expect("one row");
        assert_eq!(
            row.try_get::<String>("", "secret").expect("decrypted"),
            plaintext
        );
    }
}
