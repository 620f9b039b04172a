//! types::PasswordHash: a `VARCHAR(255)` holding the PHC string, through the repository
//! and raw SQL; the rehash flow; garbage rows; hashes made by Python's argon2-cffi
//! (`tests/fixtures/python_argon2.json`, written by `python_argon2.py`).

use crate::support::{Backend, TestDb};
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::{Argon2Hasher, PasswordHash};
use sea_orm::sea_query::Query;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, IntoActiveModel};

pub mod typ_password_user {
    use advanced_alchemy::types::PasswordHash;
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "typ_password_user")]
    pub struct Model {
        pub name: String,
        pub password: PasswordHash,
        pub recovery: Option<PasswordHash>,
    }
}

use typ_password_user as user;

/// Cheap enough for tests: 1 MiB, one pass, one lane.
const CHEAP: Argon2Hasher = Argon2Hasher::new()
    .with_memory_cost(1024)
    .with_time_cost(1)
    .with_parallelism(1);

fn hash(password: &str) -> PasswordHash {
    PasswordHash::hash(password, &CHEAP).expect("hash")
}

fn users(t: &TestDb) -> Repository<'_, user::Entity> {
    Repository::new(&t.db)
}

async fn add(t: &TestDb, name: &str, password: &str, recovery: Option<&str>) -> user::Model {
    users(t)
        .add(user::ActiveModel {
            name: Set(name.into()),
            password: Set(hash(password)),
            recovery: Set(recovery.map(hash)),
            ..Default::default()
        })
        .await
        .expect("add")
}

/// The two hash columns of row `id` as the database holds them, by raw `SELECT`.
async fn raw_columns(t: &TestDb, id: i64) -> (Option<String>, Option<String>) {
    let row =
        t.db.query_one(
            Query::select()
                .columns([user::Column::Password, user::Column::Recovery])
                .from(user::Entity)
                .and_where(user::Column::Id.eq(id)),
        )
        .await
        .expect("select")
        .expect("a row");
    (
        row.try_get_by_index(0).expect("password"),
        row.try_get_by_index(1).expect("recovery"),
    )
}

/// Inserts a row by raw SQL, with whatever strings the columns should hold.
async fn insert_raw(t: &TestDb, name: &str, password: &str, recovery: Option<&str>) -> i64 {
    t.db.execute(
        Query::insert()
            .into_table(user::Entity)
            .columns([
                user::Column::Name,
                user::Column::Password,
                user::Column::Recovery,
            ])
            .values_panic([name.into(), password.into(), recovery.into()]),
    )
    .await
    .expect("raw insert");
    t.scalar(&format!(
        "SELECT id FROM typ_password_user WHERE name = '{name}'"
    ))
    .await
}

async fn round_trip(t: TestDb) {
    let saved = add(&t, "alice", "correct horse", Some("recovery 1")).await;
    let other = add(&t, "bob", "battery staple", None).await;
    assert!(saved.password.verify("correct horse"));

    // the repository returns what it stored, and the columns hold exactly the PHC strings
    let loaded = users(&t).get(saved.id).await.expect("get");
    assert_eq!(loaded, saved);
    let (password, recovery) = raw_columns(&t, saved.id).await;
    assert_eq!(password.as_deref(), Some(saved.password.as_phc_str()));
    let recovery_hash = saved.recovery.as_ref().expect("recovery");
    assert_eq!(recovery.as_deref(), Some(recovery_hash.as_phc_str()));
    assert!(
        password
            .expect("password")
            .starts_with("$argon2id$v=19$m=1024,t=1,p=1$")
    );
    assert_eq!(raw_columns(&t, other.id).await.1, None);

    // verify after reload
    assert!(loaded.password.verify("correct horse"));
    assert!(!loaded.password.verify("correct horse "));
    let recovery = loaded.recovery.as_ref().expect("recovery");
    assert!(recovery.verify("recovery 1"));
    assert!(!recovery.verify("correct horse"));
    assert_eq!(users(&t).get(other.id).await.expect("get").recovery, None);

    // update: a new password, the optional column set to NULL and back
    let mut change = loaded.clone().into_active_model();
    change.password = Set(hash("new password"));
    change.recovery = Set(None);
    let updated = users(&t).update(change).await.expect("update");
    let reloaded = users(&t).get(saved.id).await.expect("get");
    assert_eq!(reloaded, updated);
    assert!(reloaded.password.verify("new password"));
    assert!(!reloaded.password.verify("correct horse"));
    assert_eq!(raw_columns(&t, saved.id).await.1, None);

    let mut change = reloaded.into_active_model();
    change.recovery = Set(Some(hash("recovery 2")));
    users(&t).update(change).await.expect("update");
    let reloaded = users(&t).get(saved.id).await.expect("get");
    assert!(reloaded.recovery.expect("recovery").verify("recovery 2"));

    // a raw read straight into the type
    let row =
        t.db.query_one(
            Query::select()
                .column(user::Column::Password)
                .from(user::Entity)
                .and_where(user::Column::Id.eq(saved.id)),
        )
        .await
        .expect("select")
        .expect("a row");
    let raw: PasswordHash = row.try_get_by_index(0).expect("a PasswordHash");
    assert!(raw.verify("new password"));

    // a filter on the column compares stored strings
    let found = users(&t)
        .get_one(user::Column::Password.eq(raw.clone()))
        .await
        .expect("get_one");
    assert_eq!(found.id, saved.id);
}

async fn columns_are_varchar_255(t: TestDb) {
    let sql = match t.backend {
        Backend::Sqlite => {
            "SELECT lower(type) || ' ' || \"notnull\" FROM pragma_table_info('typ_password_user') \
             WHERE name IN ('password', 'recovery') ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT data_type::text || '(' || character_maximum_length::text || ') ' || is_nullable::text \
             FROM information_schema.columns WHERE table_name = 'typ_password_user' \
             AND column_name IN ('password', 'recovery') ORDER BY column_name"
        }
        Backend::MySql => {
            "SELECT CAST(CONCAT(column_type, ' ', is_nullable) AS CHAR) FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = 'typ_password_user' \
             AND column_name IN ('password', 'recovery') ORDER BY column_name"
        }
    };
    let expected = match t.backend {
        Backend::Sqlite => ["varchar(255) 1", "varchar(255) 0"],
        Backend::Postgres => ["character varying(255) NO", "character varying(255) YES"],
        Backend::MySql => ["varchar(255) NO", "varchar(255) YES"],
    };
    assert_eq!(t.strings(sql).await, expected);
}

async fn rehash_flow(t: TestDb) {
    let saved = add(&t, "carol", "s3cret", None).await;
    let stronger = CHEAP.with_memory_cost(2048).with_time_cost(2);
    let statements = t.statements();

    // wrong password: nothing to store
    let loaded = users(&t).get(saved.id).await.expect("get");
    assert_eq!(
        loaded
            .password
            .verify_and_update("wrong", &stronger)
            .expect("verify"),
        (false, None)
    );
    // same parameters: nothing to store either
    assert_eq!(
        loaded
            .password
            .verify_and_update("s3cret", &CHEAP)
            .expect("verify"),
        (true, None)
    );
    assert!(loaded.password.needs_rehash(&stronger));

    // right password, parameters changed: store the new hash
    let (ok, new_hash) = loaded
        .password
        .verify_and_update("s3cret", &stronger)
        .expect("verify");
    assert!(ok);
    let new_hash = new_hash.expect("a new hash");
    assert!(
        new_hash
            .as_phc_str()
            .starts_with("$argon2id$v=19$m=2048,t=2,p=1$")
    );
    let mut change = loaded.into_active_model();
    change.password = Set(new_hash.clone());
    users(&t).update(change).await.expect("update");
    assert!(t.statements() > statements);

    let reloaded = users(&t).get(saved.id).await.expect("get");
    assert_eq!(reloaded.password, new_hash);
    assert!(reloaded.password.verify("s3cret"));
    assert!(!reloaded.password.needs_rehash(&stronger));
    assert!(reloaded.password.needs_rehash(&CHEAP));
    assert_eq!(
        reloaded
            .password
            .verify_and_update("s3cret", &stronger)
            .expect("verify"),
        (true, None)
    );
}

async fn garbage_reads_back(t: TestDb) {
    // what an old system, a bug or a hand-edited row may have left
    let garbage = [
        ("plain", "my password in clear"),
        ("empty", ""),
        (
            "bcrypt",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        ),
        ("truncated", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ"),
        (
            "tampered",
            "$argon2id$v=19$m=4294967295,t=4294967295,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        ),
    ];
    for (name, stored) in garbage {
        let id = insert_raw(&t, name, stored, Some("recovery in clear")).await;
        let row = users(&t).get(id).await.expect("a garbage row still loads");
        assert_eq!(row.password.as_phc_str(), stored);
        for candidate in [stored, "my password in clear", "recovery in clear", ""] {
            assert!(!row.password.verify(candidate), "{name}: {candidate:?}");
        }
        let recovery = row.recovery.as_ref().expect("recovery");
        assert!(!recovery.verify("recovery in clear"));
        assert!(!row.password.needs_rehash(&CHEAP), "{name}");
        assert!(!recovery.needs_rehash(&Argon2Hasher::default()));
        assert_eq!(
            row.password
                .verify_and_update(stored, &CHEAP)
                .expect("verify"),
            (false, None)
        );
        // the model's Debug shows neither the garbage nor the clear text
        let debug = format!("{row:?}");
        assert!(!debug.contains("clear"), "{debug}");
        if stored.len() > 5 {
            assert!(!debug.contains(stored), "{debug}");
        }
        assert!(PasswordHash::parse(stored).is_err(), "{name}");

        // and the row can be repaired through the repository
        let mut change = row.into_active_model();
        change.password = Set(hash("repaired"));
        change.recovery = Set(None);
        users(&t).update(change).await.expect("update");
        assert!(
            users(&t)
                .get(id)
                .await
                .expect("get")
                .password
                .verify("repaired")
        );
    }
}

#[derive(Debug)]
struct PythonHash {
    description: String,
    password: String,
    hash: String,
    needs_rehash: bool,
}

/// The hashes `tests/fixtures/python_argon2.py` made with argon2-cffi.
fn python_hashes() -> Vec<PythonHash> {
    let fixture: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/python_argon2.json")).expect("JSON");
    let text = |entry: &serde_json::Value, key: &str| {
        entry[key]
            .as_str()
            .unwrap_or_else(|| panic!("{key} in {entry}"))
            .to_owned()
    };
    fixture["hashes"]
        .as_array()
        .expect("hashes")
        .iter()
        .map(|entry| PythonHash {
            description: text(entry, "description"),
            password: text(entry, "password"),
            hash: text(entry, "hash"),
            needs_rehash: entry["needs_rehash"].as_bool().expect("needs_rehash"),
        })
        .collect()
}

/// Every Python hash verifies with its password and not with another, and
/// `needs_rehash` under our default hasher agrees with argon2-cffi's
/// `PasswordHasher().check_needs_rehash`.
#[test]
fn python_hashes_verify() {
    let hashes = python_hashes();
    assert!(hashes.len() >= 10);
    assert!(hashes.iter().any(|h| !h.needs_rehash));
    for h in hashes {
        let stored =
            PasswordHash::parse(&h.hash).unwrap_or_else(|e| panic!("{}: {e}", h.description));
        assert!(stored.verify(&h.password), "{}", h.description);
        assert!(
            !stored.verify(format!("{}x", h.password)),
            "{}",
            h.description
        );
        assert_eq!(
            stored.needs_rehash(&Argon2Hasher::default()),
            h.needs_rehash,
            "{}",
            h.description
        );
    }
}

/// A row written by the Python library (cheap hashes only, to stay fast) is read,
/// verified and upgraded through the model.
async fn python_rows(t: TestDb) {
    let cheap: Vec<_> = python_hashes()
        .into_iter()
        .filter(|h| h.hash.contains("m=1024,t=1,"))
        .collect();
    assert!(cheap.len() >= 5);
    for (i, h) in cheap.iter().enumerate() {
        let id = insert_raw(&t, &format!("python{i}"), &h.hash, None).await;
        let row = users(&t).get(id).await.expect("get");
        assert_eq!(row.password.as_phc_str(), h.hash);
        assert!(row.password.verify(&h.password), "{}", h.description);
        let (ok, new_hash) = row
            .password
            .verify_and_update(&h.password, &CHEAP)
            .expect("verify");
        assert!(ok, "{}", h.description);
        // CHEAP is argon2-cffi's `PasswordHasher(time_cost=1, memory_cost=1024,
        // parallelism=1)`: only the hash made with exactly that is current
        let current = h.description == "cheap: m=1024, t=1, p=1";
        assert_eq!(new_hash.is_none(), current, "{}", h.description);
    }
}

crate::backend_tests!(
    round_trip,
    columns_are_varchar_255,
    rehash_flow,
    garbage_reads_back,
    python_rows,
);

/// Issue 10 item 4: a stored hash asking for more than the hasher's verify limits is
/// refused without being computed, so a writable column cannot pin a core or allocate
/// gigabytes per login attempt; hashes within the limits (Python's defaults) still verify.
#[test]
fn verify_refuses_hashes_beyond_the_limits() {
    // inside the old absolute limits, each would cost 19 s of CPU or 4 GiB of memory
    for phc in [
        "$argon2id$v=19$m=65536,t=256,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=1048576,t=16,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
    ] {
        let stored = PasswordHash::parse(phc).expect("a well-formed hash");
        let err = stored
            .check_cost(&Argon2Hasher::default())
            .expect_err("beyond the default limits");
        assert!(err.to_string().contains("limit"), "{err}");
        // refused before hashing: a wrong guess would otherwise run for seconds
        assert!(!stored.verify("anything"));
        let (ok, new) = stored
            .verify_and_update("anything", &Argon2Hasher::default())
            .expect("no error");
        assert!(!ok && new.is_none());
    }
    // a real hash 8 × CHEAP's memory: above CHEAP's limits (4 ×), within the defaults
    let costlier = PasswordHash::hash("s3cret", &CHEAP.with_memory_cost(8192)).expect("hash");
    assert!(!costlier.verify_with("s3cret", &CHEAP));
    assert_eq!(
        costlier
            .verify_and_update("s3cret", &CHEAP)
            .expect("verify"),
        (false, None)
    );
    assert!(costlier.verify("s3cret"));
    let lenient = CHEAP.with_verify_limits(8192, 8192);
    assert!(costlier.verify_with("s3cret", &lenient));
    assert!(costlier.check_cost(&lenient).is_ok());
    // every Python fixture hash is within the defaults
    for h in python_hashes() {
        let stored = PasswordHash::parse(&h.hash).expect("parse");
        assert!(
            stored.check_cost(&Argon2Hasher::default()).is_ok(),
            "{}",
            h.description
        );
    }
    // limits below the hasher's own cost are a configuration error
    assert!(CHEAP.with_verify_limits(512, 4096).check().is_err());
    assert_eq!(
        Argon2Hasher::default().max_memory_cost(),
        4 * Argon2Hasher::default().memory_cost()
    );
}
