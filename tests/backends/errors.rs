//! Bad input gets a typed error that names what was wrong.

use crate::blog::{post_tag, tag};
use crate::models::uuid_item;
use crate::support::{Backend, TestDb};
use advanced_alchemy::Error;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

async fn duplicate_slug_is_duplicate_key(t: TestDb) {
    let tag = |name: &str| tag::ActiveModel {
        name: Set(name.into()),
        slug: Set("same".into()),
        ..Default::default()
    };
    tag("First").insert(&t.db).await.expect("insert");
    let err = Error::from(
        tag("Second")
            .insert(&t.db)
            .await
            .expect_err("duplicate slug"),
    );
    match &err {
        Error::DuplicateKey { constraint, .. } => {
            assert_eq!(constraint.as_deref(), Some("uq_tag_slug"), "{err}")
        }
        other => panic!("expected DuplicateKey, got {other:?}"),
    }
    assert!(err.to_string().contains("uq_tag_slug"));
}

async fn duplicate_primary_key_names_it(t: TestDb) {
    let id = uuid::Uuid::now_v7();
    let row = |name: &str| uuid_item::ActiveModel {
        id: Set(id),
        name: Set(name.into()),
    };
    row("a").insert(&t.db).await.expect("insert");
    let err = Error::from(row("b").insert(&t.db).await.expect_err("same key"));
    // MySQL calls every primary key PRIMARY, whatever name it was given
    let expected = if t.backend == Backend::MySql {
        "PRIMARY"
    } else {
        "pk_uuid_item"
    };
    assert!(
        matches!(&err, Error::DuplicateKey { constraint, .. } if constraint.as_deref() == Some(expected)),
        "{err:?}"
    );
}

async fn missing_parent_is_foreign_key_not_duplicate(t: TestDb) {
    let err = post_tag::Entity::insert(post_tag::ActiveModel {
        post_id: Set(4242),
        tag_id: Set(4243),
    })
    .exec(&t.db)
    .await
    .map_err(Error::from)
    .expect_err("no such post");
    assert!(matches!(err, Error::ForeignKey { .. }), "{err:?}");
    if t.backend != Backend::Sqlite {
        // SQLite does not say which key; the servers do
        assert!(
            err.constraint()
                .is_some_and(|c| c.starts_with("fk_post_tag_")),
            "{err:?}"
        );
    }
}

crate::backend_tests!(
    duplicate_slug_is_duplicate_key,
    duplicate_primary_key_names_it,
    missing_parent_is_foreign_key_not_duplicate,
);

#[tokio::test]
async fn malformed_urls_say_so() {
    for url in [
        "not a url",
        "oracle://scott:tiger@db/orcl",
        "postgres:db",
        "localhost:5432/db",
    ] {
        let err = advanced_alchemy::connect(url).await.expect_err(url);
        assert!(
            matches!(err, Error::InvalidDatabaseUrl { .. }),
            "{url}: {err:?}"
        );
    }
    let err = advanced_alchemy::connect("postgres://u:hunter2@127.0.0.1:5432/db?sslmode=bogus")
        .await
        .expect_err("bad option");
    assert!(matches!(err, Error::InvalidDatabaseUrl { .. }), "{err:?}");
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[tokio::test]
async fn unreachable_server_says_so() {
    let mut options = sea_orm::ConnectOptions::new("mysql://u:hunter2@127.0.0.1:9/db");
    options.acquire_timeout(std::time::Duration::from_millis(500));
    let err = advanced_alchemy::connect_with(options)
        .await
        .expect_err("nothing listens on port 9");
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("127.0.0.1:9") && !text.contains("hunter2"),
        "{text}"
    );
}
