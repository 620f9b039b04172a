//! types::TOTPSecret (RFC 6238 vectors, encrypted storage, TotpReplayGuard under
//! concurrency), types::OneTimeCode (Python's JSON, lockout, exactly one of 16 concurrent
//! redeemers) and bcrypt in a PasswordHash column (hashes made by Python's bcrypt and
//! passlib).

use crate::support::TestDb;
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::{
    Argon2Hasher, BcryptHasher, EncryptionKey, Keyring, KeyringCell, OneTimeCode,
    OneTimeCodePolicy, PasswordHash, TOTPSecret, TotpAlgorithm, TotpConfig, TotpReplayGuard,
    generate_one_time_code,
};
use sea_orm::sea_query::Query;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait};
use std::sync::Arc;

pub struct AuthKey;
impl EncryptionKey for AuthKey {
    fn keyring() -> Arc<Keyring> {
        static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("auth test key"));
        K.load()
    }
}

/// A code policy with a short lockout, to see it in a test.
pub struct TwoGuesses;
impl OneTimeCodePolicy for TwoGuesses {
    const MAX_ATTEMPTS: Option<u32> = Some(2);
    const TTL_SECONDS: Option<u64> = Some(600);
}

pub mod typ_auth_account {
    use advanced_alchemy::types::{OneTimeCode, PasswordHash, TOTPSecret};
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "typ_auth_account")]
    pub struct Model {
        pub name: String,
        pub totp_secret: TOTPSecret<super::AuthKey>,
        pub backup_secret: Option<TOTPSecret<super::AuthKey>>,
        pub totp_last_step: Option<i64>,
        pub reset_code: Option<OneTimeCode<super::TwoGuesses>>,
        pub confirm_code: OneTimeCode,
        pub password: PasswordHash,
    }
}

use typ_auth_account as account;

const CHEAP: Argon2Hasher = Argon2Hasher::new()
    .with_memory_cost(64)
    .with_time_cost(1)
    .with_parallelism(1);

const SECRET: &str = "JBSWY3DPEHPK3PXP";

fn accounts(t: &TestDb) -> Repository<'_, account::Entity> {
    Repository::new(&t.db)
}

async fn add(t: &TestDb, name: &str, reset: &str) -> account::Model {
    accounts(t)
        .add(account::ActiveModel {
            name: Set(name.into()),
            totp_secret: Set(TOTPSecret::new(SECRET).expect("secret")),
            backup_secret: Set(None),
            totp_last_step: Set(None),
            reset_code: Set(Some(OneTimeCode::issue(reset, &CHEAP).expect("code"))),
            confirm_code: Set(OneTimeCode::issue("ABC123", &CHEAP).expect("code")),
            password: Set(PasswordHash::hash("pw", &CHEAP).expect("hash")),
            ..Default::default()
        })
        .await
        .expect("add")
}

async fn raw(t: &TestDb, column: account::Column, id: i64) -> Option<String> {
    let row =
        t.db.query_one(
            Query::select()
                .column(column)
                .from(account::Entity)
                .and_where(account::Column::Id.eq(id)),
        )
        .await
        .expect("select")
        .expect("a row");
    row.try_get_by_index(0).expect("text")
}

// ------------------------------------------------------------------------- TOTP

/// RFC 6238 appendix B: the test secrets and the 8-digit codes at the given times.
#[test]
fn rfc6238_test_vectors() {
    struct Sha1x8;
    impl TotpConfig for Sha1x8 {
        const DIGITS: u8 = 8;
    }
    struct Sha256x8;
    impl TotpConfig for Sha256x8 {
        const DIGITS: u8 = 8;
        const ALGORITHM: TotpAlgorithm = TotpAlgorithm::Sha256;
    }
    struct Sha512x8;
    impl TotpConfig for Sha512x8 {
        const DIGITS: u8 = 8;
        const ALGORITHM: TotpAlgorithm = TotpAlgorithm::Sha512;
    }
    fn base32(ascii: &str) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        let bits: Vec<bool> = ascii
            .bytes()
            .flat_map(|b| (0..8).rev().map(move |i| b >> i & 1 == 1))
            .collect();
        bits.chunks(5)
            .map(|c| {
                let v = c
                    .iter()
                    .enumerate()
                    .fold(0usize, |acc, (i, &bit)| acc | (usize::from(bit) << (4 - i)));
                char::from(A[v])
            })
            .collect()
    }
    let sha1 = TOTPSecret::<AuthKey, Sha1x8>::new(base32("12345678901234567890")).expect("s");
    let sha256 = TOTPSecret::<AuthKey, Sha256x8>::new(base32("12345678901234567890123456789012"))
        .expect("s");
    let sha512 = TOTPSecret::<AuthKey, Sha512x8>::new(base32(
        "1234567890123456789012345678901234567890123456789012345678901234",
    ))
    .expect("s");
    let vectors: [(u64, &str, &str, &str); 6] = [
        (59, "94287082", "46119246", "90693936"),
        (1111111109, "07081804", "68084774", "25091201"),
        (1111111111, "14050471", "67062674", "99943326"),
        (1234567890, "89005924", "91819424", "93441116"),
        (2000000000, "69279037", "90698825", "38618901"),
        (20000000000, "65353130", "77737706", "47863826"),
    ];
    for (time, a, b, c) in vectors {
        assert_eq!(sha1.at(time).expect("code"), a, "SHA-1 at {time}");
        assert_eq!(sha256.at(time).expect("code"), b, "SHA-256 at {time}");
        assert_eq!(sha512.at(time).expect("code"), c, "SHA-512 at {time}");
        assert!(sha1.verify_at(a, 0, time) && !sha1.verify_at(b, 1, time));
    }
    // 6 digits (pyotp's default) are the last 6 of the 8
    let six = TOTPSecret::<AuthKey>::new(base32("12345678901234567890")).expect("s");
    assert_eq!(six.at(59).expect("code"), "287082");
}

async fn totp_secret_is_stored_encrypted(t: TestDb) {
    let added = add(&t, "alice", "111111").await;
    let stored = raw(&t, account::Column::TotpSecret, added.id)
        .await
        .expect("a token");
    assert!(!stored.contains(SECRET), "{stored}");
    assert_eq!(
        AuthKey::keyring().decrypt(&stored).expect("decrypts"),
        SECRET
    );
    let read = accounts(&t).get(added.id).await.expect("get");
    assert_eq!(read.totp_secret.secret(), SECRET);
    assert_eq!(read.backup_secret, None);
    assert_eq!(
        read.totp_secret.at(1_700_000_000).expect("code"),
        added.totp_secret.at(1_700_000_000).expect("code")
    );
    assert_eq!(format!("{:?}", read.totp_secret), "TOTPSecret(***)");
    // a row holding something that is not base32 still loads; using it is an error
    let garbage = AuthKey::keyring().encrypt("not base32!");
    t.db.execute(
        Query::update()
            .table(account::Entity)
            .value(account::Column::BackupSecret, garbage)
            .and_where(account::Column::Id.eq(added.id)),
    )
    .await
    .expect("update");
    let read = accounts(&t).get(added.id).await.expect("get");
    let backup = read.backup_secret.expect("a backup secret");
    assert!(backup.now().is_err() && !backup.verify("123456", 1));
}

async fn totp_codes_are_accepted_once(t: TestDb) {
    let user = add(&t, "bob", "111111").await;
    let guard = TotpReplayGuard::new(account::Column::TotpLastStep);
    let secret = &user.totp_secret;
    let now = 1_700_000_000u64;
    let code = secret.at(now).expect("code");
    assert!(
        guard
            .verify_at(&t.db, &user, secret, &code, 1, now)
            .await
            .expect("verify")
    );
    // the same code again, also from the next step (still in the window): refused
    for at in [now, now + 30] {
        assert!(
            !guard
                .verify_at(&t.db, &user, secret, &code, 1, at)
                .await
                .expect("verify"),
            "replayed at {at}"
        );
    }
    // an older code (the previous step's, in the window) is refused too
    let older = secret.at(now - 30).expect("code");
    assert!(
        !guard
            .verify_at(&t.db, &user, secret, &older, 1, now)
            .await
            .expect("verify")
    );
    // wrong codes never are accepted, and do not move the step
    assert!(
        !guard
            .verify_at(&t.db, &user, secret, "000000x", 1, now + 60)
            .await
            .expect("verify")
    );
    let step = (now / 30) as i64;
    let read = accounts(&t).get(user.id).await.expect("get");
    assert_eq!(read.totp_last_step, Some(step));
    // the next step's code: accepted once, by exactly one of 16 concurrent requests
    let next = now + 30;
    let next_code = secret.at(next).expect("code");
    let db = &t.db;
    let tries = (0..16).map(|_| guard.verify_at(db, &user, secret, &next_code, 1, next));
    let results = futures::future::join_all(tries).await;
    let accepted = results
        .into_iter()
        .map(|r| r.expect("verify"))
        .filter(|ok| *ok)
        .count();
    assert_eq!(accepted, 1);
    let read = accounts(&t).get(user.id).await.expect("get");
    assert_eq!(read.totp_last_step, Some(step + 1));
    // other rows are not affected
    let other = add(&t, "carol", "111111").await;
    assert!(
        guard
            .verify_at(&t.db, &other, &other.totp_secret, &next_code, 1, next)
            .await
            .expect("verify")
    );
}

// ------------------------------------------------------------- one-time codes

async fn one_time_codes_are_stored_as_python_stores_them(t: TestDb) {
    let user = add(&t, "dave", "424242").await;
    let stored = if t.backend == crate::support::Backend::Postgres {
        let sql = format!(
            "SELECT confirm_code::text FROM typ_auth_account WHERE id = {}",
            user.id
        );
        t.strings(&sql).await.remove(0)
    } else {
        raw(&t, account::Column::ConfirmCode, user.id)
            .await
            .expect("JSON")
    };
    let json: serde_json::Value = serde_json::from_str(&stored).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({
            "hash": user.confirm_code.hash().as_phc_str(),
            "expires_at": null, "used_at": null, "attempts": 0
        })
    );
    if t.backend != crate::support::Backend::Postgres {
        // SQLite and MariaDB keep json.dumps' text as written (PostgreSQL's jsonb
        // normalizes it)
        assert_eq!(
            stored,
            format!(
                r#"{{"hash": "{}", "expires_at": null, "used_at": null, "attempts": 0}}"#,
                user.confirm_code.hash().as_phc_str()
            )
        );
    }
    let reset = user.reset_code.clone().expect("reset code");
    let expires = reset.expires_at().expect("a TTL");
    let now = chrono::Utc::now().timestamp() as f64;
    assert!((now + 590.0..now + 610.0).contains(&expires), "{expires}");
    let read = accounts(&t).get(user.id).await.expect("get");
    assert_eq!(read.reset_code, user.reset_code);
    assert_eq!(read.confirm_code, user.confirm_code);
}

async fn one_time_code_locks_after_max_attempts(t: TestDb) {
    let user = add(&t, "erin", "424242").await;
    let code = user.reset_code.clone().expect("code");
    let column = account::Column::ResetCode;
    assert_eq!(code.max_attempts(), Some(2));
    for _ in 0..2 {
        assert!(
            !code
                .redeem_in(&t.db, &user, column, "000000")
                .await
                .expect("redeem")
        );
    }
    // locked: the right code no longer works, and further guesses are not written
    assert!(
        !code
            .redeem_in(&t.db, &user, column, "424242")
            .await
            .expect("redeem")
    );
    let read = accounts(&t).get(user.id).await.expect("get");
    let stored = read.reset_code.expect("code");
    assert_eq!(stored.attempts(), 2);
    assert!(stored.is_locked() && !stored.is_used() && !stored.verify("424242"));
    // the column's value of another row is refused, not written
    let other = add(&t, "frank", "999999").await;
    let err = other
        .reset_code
        .expect("code")
        .redeem_in(&t.db, &user, column, "999999")
        .await
        .expect_err("another row's code");
    assert!(
        matches!(err, advanced_alchemy::Error::InvalidRequest(_)),
        "{err:?}"
    );
}

async fn one_time_code_redeems_once_under_concurrency(t: TestDb) {
    let user = add(&t, "grace", "123456").await;
    let column = account::Column::ConfirmCode;
    let code = &user.confirm_code;
    let db = &t.db;
    let user_ref = &user;
    let tries = (0..16).map(|_| code.redeem_in(db, user_ref, column, "ABC123"));
    let results = futures::future::join_all(tries).await;
    let redeemed = results
        .into_iter()
        .map(|r| r.expect("redeem"))
        .filter(|ok| *ok)
        .count();
    assert_eq!(redeemed, 1);
    let read = accounts(&t).get(user.id).await.expect("get");
    assert!(read.confirm_code.is_used());
    assert_eq!(read.confirm_code.attempts(), 0);
    // concurrent wrong guesses are all counted (no lockout on Python's default of 3?
    // it is: 3 of them lock, the rest find it locked)
    let other = add(&t, "heidi", "123456").await;
    let other_ref = &other;
    let code = &other.confirm_code;
    let tries = (0..8).map(|_| code.redeem_in(db, other_ref, column, "WRONG1"));
    for result in futures::future::join_all(tries).await {
        assert!(!result.expect("redeem"));
    }
    let read = accounts(&t).get(other.id).await.expect("get");
    assert_eq!(read.confirm_code.attempts(), 3);
    assert!(read.confirm_code.is_locked());
    assert!(generate_one_time_code(8, false).expect("code").len() == 8);
}

// ------------------------------------------------------------------ bcrypt

/// Made by Python's bcrypt 4.3 (`hashpw(b"hunter2", gensalt(4))`, and the same hash
/// with the `$2a$` and `$2y$` prefixes, which name the same algorithm) and by passlib
/// (`CryptContext(schemes=["bcrypt"], bcrypt__rounds=4).hash("pässwörd")`).
const PYTHON_BCRYPT: [(&str, &str); 4] = [
    (
        "hunter2",
        "$2b$04$lWHz.byQCZ8AjVjLru2MGOFYcwf8rROFu4RVFRaGWeeJGR/X6QaTi",
    ),
    (
        "hunter2",
        "$2a$04$lWHz.byQCZ8AjVjLru2MGOFYcwf8rROFu4RVFRaGWeeJGR/X6QaTi",
    ),
    (
        "hunter2",
        "$2y$04$lWHz.byQCZ8AjVjLru2MGOFYcwf8rROFu4RVFRaGWeeJGR/X6QaTi",
    ),
    (
        "pässwörd",
        "$2b$04$c1Fs.2UueCytaDoATz1o6OCDp3vPK/FTv.HP01IZ.qoJoVuP3punW",
    ),
];

async fn bcrypt_hashes_from_python_verify(t: TestDb) {
    let user = add(&t, "ivan", "1").await;
    let bcrypt = BcryptHasher::new().with_cost(4);
    for (password, hash) in PYTHON_BCRYPT {
        t.db.execute(
            Query::update()
                .table(account::Entity)
                .value(account::Column::Password, hash)
                .and_where(account::Column::Id.eq(user.id)),
        )
        .await
        .expect("update");
        let read = accounts(&t).get(user.id).await.expect("get");
        assert!(read.password.verify(password), "{hash}");
        assert!(!read.password.verify(format!("{password}x")), "{hash}");
        assert_eq!(format!("{:?}", read.password), "PasswordHash(bcrypt, ..)");
        // $2a$/$2y$ are rewritten as $2b$, as passlib does; an argon2 hasher replaces it
        assert_eq!(
            read.password.needs_rehash(&bcrypt),
            !hash.starts_with("$2b$")
        );
        let (ok, new) = read
            .password
            .verify_and_update(password, &CHEAP)
            .expect("rehash");
        let new = new.expect("argon2 replaces bcrypt");
        assert!(ok && new.as_phc_str().starts_with("$argon2id$") && new.verify(password));
    }
    // bcrypt written here, through the repository
    let mut change = sea_orm::IntoActiveModel::into_active_model(user.clone());
    change.password = Set(PasswordHash::hash("hunter2", &bcrypt).expect("bcrypt"));
    accounts(&t).update(change).await.expect("update");
    let stored = raw(&t, account::Column::Password, user.id)
        .await
        .expect("hash");
    assert!(
        stored.starts_with("$2b$04$") && stored.len() == 60,
        "{stored}"
    );
    let read = accounts(&t).get(user.id).await.expect("get");
    assert!(read.password.verify("hunter2") && !read.password.needs_rehash(&bcrypt));
}

crate::backend_tests!(
    totp_secret_is_stored_encrypted,
    totp_codes_are_accepted_once,
    one_time_codes_are_stored_as_python_stores_them,
    one_time_code_locks_after_max_attempts,
    one_time_code_redeems_once_under_concurrency,
    bcrypt_hashes_from_python_verify,
);
