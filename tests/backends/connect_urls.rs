//! `connect` and `connect_with` with hostile URLs: no password in any error, whatever the
//! URL looks like, and a URL that cannot be used is `InvalidDatabaseUrl` naming why.

use crate::support::{Backend, TestDb};
use advanced_alchemy::Error;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::time::Duration;

/// The characters a password may hold that end or split a URL's parts when unencoded.
const RESERVED: &[char] = &[
    ':', '/', '?', '#', '[', ']', '@', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', '%',
    ' ', 'a', 'Z', '0', '9', '-', '.', '_', '~',
];

fn password() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(RESERVED), 2..10)
        .prop_map(|body| format!("Qx{}7k", body.into_iter().collect::<String>()))
}

/// Every character but the unreserved ones percent-encoded.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The server this backend's test talks to: `(scheme, host:port, database)`. SQLite has
/// no server; its variant aims the server shapes at a port nothing listens on.
fn server(t: &TestDb) -> (&'static str, String, String) {
    let scheme = match t.backend {
        Backend::Postgres => "postgres",
        Backend::MySql => "mysql",
        Backend::Sqlite => "postgres",
    };
    if t.backend == Backend::Sqlite {
        return (scheme, "127.0.0.1:1".to_owned(), "db".to_owned());
    }
    let rest = t.url.split_once('@').expect("user@host").1;
    let (host, db) = rest.split_once('/').expect("host/db");
    (scheme, host.to_owned(), db.to_owned())
}

/// The URL shapes of issue 10: reserved characters unencoded and encoded, a port that
/// is not a number, `?password=`, no scheme, IPv6 hosts, SQLAlchemy driver suffixes.
fn url_for(t: &TestDb, shape: u8, pw: &str) -> (String, bool) {
    let (scheme, host, db) = server(t);
    let port = host.rsplit_once(':').map_or("1", |(_, p)| p).to_owned();
    let suffixed = match scheme {
        "postgres" => "postgresql+asyncpg",
        _ => "mysql+aiomysql",
    };
    // (url, whether `connect` may be used: it fails fast, no unreachable address)
    let server_ok = t.backend != Backend::Sqlite;
    match shape {
        0 => (format!("{scheme}://aa:{pw}@{host}/{db}"), server_ok),
        1 => (
            format!("{scheme}://aa:{}@{host}/{db}", encode(pw)),
            server_ok,
        ),
        2 => (format!("{scheme}://aa:{pw}@127.0.0.1:notaport/{db}"), true),
        // (a user that does not exist: the password must be the one tried)
        3 => (
            format!("{scheme}://aa_nosuch@{host}/{db}?password={}", encode(pw)),
            server_ok,
        ),
        4 => (
            format!("{scheme}://aa_nosuch@{host}/{db}?password={pw}"),
            server_ok,
        ),
        5 => (format!("aa:{pw}@{host}/{db}"), true),
        6 => (format!("{scheme}://aa:{pw}@[::1]:{port}/{db}"), false),
        7 => (
            format!("{scheme}://aa:{}@[::1]:{port}/{db}", encode(pw)),
            false,
        ),
        8 => (format!("{suffixed}://aa:{pw}@{host}/{db}"), server_ok),
        9 => (
            format!("{suffixed}://aa:{}@{host}/{db}", encode(pw)),
            server_ok,
        ),
        10 => (
            format!("{scheme}+nodriver://aa:{}@{host}/{db}", encode(pw)),
            true,
        ),
        11 => (format!("//aa:{pw}@{host}/{db}"), true),
        12 => (format!("{scheme}://aa:{pw}@/{db}"), true),
        _ => (
            format!("sqlite://./aa.db?key={}&password={pw}", encode(pw)),
            true,
        ),
    }
}

async fn attempt(url: &str, use_connect: bool) -> Error {
    let result = if use_connect {
        advanced_alchemy::connect(url).await
    } else {
        let mut options = sea_orm::ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_millis(500))
            .acquire_timeout(Duration::from_millis(500));
        advanced_alchemy::connect_with(options).await
    };
    match result {
        Ok(_) => panic!("connected to {url} with a made-up password"),
        Err(e) => e,
    }
}

/// Display, Debug and every error in the source chain.
fn every_text(err: &Error) -> Vec<String> {
    let mut texts = vec![err.to_string(), format!("{err:?}")];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        texts.push(s.to_string());
        texts.push(format!("{s:?}"));
        source = s.source();
    }
    texts
}

async fn check(t: &TestDb, shape: u8, pw: String, via_connect: bool) -> Result<(), TestCaseError> {
    let (url, connect_ok) = url_for(t, shape, &pw);
    let err = attempt(&url, via_connect && connect_ok).await;
    for text in every_text(&err) {
        for secret in [pw.clone(), encode(&pw)] {
            prop_assert!(
                !text.contains(&secret),
                "{url}: the password {secret:?} is in {text}"
            );
        }
    }
    Ok(())
}

async fn no_password_in_connect_errors(t: TestDb) {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let handle = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| {
        let mut runner = TestRunner::new(config);
        let outcome = runner.run(
            &(0u8..14, password(), any::<bool>()),
            |(shape, pw, via_connect)| handle.block_on(check(&t, shape, pw, via_connect)),
        );
        if let Err(failure) = outcome {
            panic!("{:?}: {failure}", t.backend);
        }
    });
    // and every shape once with a password holding all reserved characters at once
    let all: String = format!("Qx{}7k", RESERVED.iter().collect::<String>());
    for shape in 0..14 {
        for via_connect in [true, false] {
            if let Err(e) = check(&t, shape, all.clone(), via_connect).await {
                panic!("{:?}: {e}", t.backend);
            }
        }
    }
}

/// A URL that cannot be used says what is wrong with it before anything connects.
async fn unusable_urls_are_invalid_database_url(t: TestDb) {
    let (scheme, host, db) = server(&t);
    for (url, says) in [
        (format!("{scheme}://aa:pw@{host}:notaport/{db}"), "port"),
        (format!("{scheme}://aa:p/w@{host}/{db}"), "percent-encoded"),
        (format!("{scheme}://aa:12/w@{host}/{db}"), "percent-encoded"),
        (format!("{scheme}://aa:p#w@{host}/{db}"), "percent-encoded"),
        (format!("{scheme}://aa:12#w@{host}/{db}"), "`#`"),
        (format!("{scheme}://aa:p?w@{host}/{db}"), "percent-encoded"),
        (
            format!("{scheme}://aa:12?w@{host}/{db}"),
            "`@` after the host",
        ),
        (format!("{scheme}://aa:pw@[::1/{db}"), "IPv6"),
        (format!("{scheme}://aa:pw@/{db}"), "host"),
        (format!("aa:secret@{host}/{db}"), "scheme"),
    ] {
        for via_connect in [true, false] {
            let err = attempt(&url, via_connect).await;
            match &err {
                Error::InvalidDatabaseUrl { reason, .. } => {
                    assert!(reason.contains(says), "{url}: {reason}")
                }
                other => panic!("{url} (connect: {via_connect}): {other:?}"),
            }
        }
    }
    // connect_with names the scheme to write instead of a SQLAlchemy spelling
    let err = attempt(&format!("postgresql+asyncpg://aa:pw@{host}/{db}"), false).await;
    assert!(
        matches!(&err, Error::InvalidDatabaseUrl { reason, .. } if reason.contains("write `postgres:`")),
        "{err:?}"
    );
}

crate::backend_tests!(
    no_password_in_connect_errors,
    unusable_urls_are_invalid_database_url
);
