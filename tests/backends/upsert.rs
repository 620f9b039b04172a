//! Repository upserts: upsert, upsert_many, get_or_upsert, get_and_update — by primary
//! key and by match fields, never touching created_at, and race-free under contention.

use crate::bulk::{blk_doc, blk_item, blk_member, blk_note, doc, item};
use crate::support::{Backend, TestDb};
use advanced_alchemy::Error;
use advanced_alchemy::repository::Repository;
use sea_orm::ActiveValue::{Set, Unchanged};
use sea_orm::{EntityTrait, QueryOrder};
use std::collections::HashSet;
use std::time::Duration;

const BY_CODE: Option<&[blk_item::Column]> = Some(&[blk_item::Column::Code]);
const BY_SLUG: Option<&[blk_doc::Column]> = Some(&[blk_doc::Column::Slug]);

fn coded(code: &str, qty: i32) -> blk_item::ActiveModel {
    blk_item::ActiveModel {
        qty: Set(qty),
        ..item(code)
    }
}

async fn items(t: &TestDb) -> Vec<blk_item::Model> {
    blk_item::Entity::find()
        .order_by_asc(blk_item::Column::Code)
        .all(&t.db)
        .await
        .expect("select")
}

async fn pause() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

async fn upsert_by_primary_key(t: TestDb) {
    let docs = Repository::<blk_doc::Entity, _>::new(&t.db);
    let created = docs.upsert(doc("a", "first"), None).await.expect("insert");
    assert_eq!(created.id.get_version_num(), 7);
    assert_eq!(created.created_at, created.updated_at);
    pause().await;
    let updated = docs
        .upsert(
            blk_doc::ActiveModel {
                id: Set(created.id),
                slug: Set("a".into()),
                title: Set("second".into()),
                ..Default::default()
            },
            None,
        )
        .await
        .expect("update");
    assert_eq!((updated.id, updated.title.as_str()), (created.id, "second"));
    assert_eq!(
        updated.created_at, created.created_at,
        "created_at is never overwritten"
    );
    assert!(updated.updated_at > created.updated_at);
    assert_eq!(docs.get(created.id).await.expect("get"), updated);

    // a stored model turned back into an active model carries its old `updated_at` as
    // Unchanged; the upsert still moves it
    pause().await;
    let mut again: blk_doc::ActiveModel = updated.clone().into();
    again.title = Set("third".into());
    let third = docs.upsert(again, None).await.expect("upsert a model");
    assert_eq!(third.created_at, created.created_at);
    assert!(third.updated_at > updated.updated_at);

    // BIGINT keys: rows without a key are inserted, rows with one updated
    let repo = Repository::<blk_item::Entity, _>::new(&t.db);
    let one = repo.add(coded("one", 1)).await.expect("add");
    let rows = repo
        .upsert_many(
            [
                blk_item::ActiveModel {
                    id: Set(one.id),
                    ..coded("one", 11)
                },
                coded("two", 2),
            ],
            None,
        )
        .await
        .expect("upsert_many");
    assert_eq!((rows[0].id, rows[0].qty), (one.id, 11));
    assert_eq!(rows[0].created_at, one.created_at);
    assert_eq!(rows[1].code, "two");
    assert_eq!(items(&t).await.len(), 2);
}

async fn upsert_by_match_fields_keeps_key_and_created_at(t: TestDb) {
    let docs = Repository::<blk_doc::Entity, _>::new(&t.db);
    let first = docs
        .upsert(doc("slug", "v1"), BY_SLUG)
        .await
        .expect("insert");
    pause().await;
    // a fresh client-side key is generated for the insert attempt, yet the row keeps its own
    let second = docs
        .upsert(doc("slug", "v2"), BY_SLUG)
        .await
        .expect("update");
    assert_eq!(second.id, first.id);
    assert_eq!(second.created_at, first.created_at);
    assert!(second.updated_at > first.updated_at);
    assert_eq!(second.title, "v2");
    assert_eq!(docs.count(()).await.expect("count"), 1);

    // an explicit created_at is kept on insert but never written over an existing row
    let past = chrono::DateTime::from_timestamp(1_000_000_000, 0).expect("date");
    let third = docs
        .upsert(
            blk_doc::ActiveModel {
                created_at: Set(past.into()),
                ..doc("slug", "v3")
            },
            BY_SLUG,
        )
        .await
        .expect("update");
    assert_eq!(
        (third.created_at, third.title.as_str()),
        (first.created_at, "v3")
    );
}

/// Half the batch exists: those are updated in place, the others inserted; chunked.
async fn upsert_many_half_new_batch(t: TestDb) {
    let repo = Repository::<blk_item::Entity, _>::new(&t.db).chunk_size(3);
    let old = repo
        .add_many((0..5).map(|i| coded(&format!("k{i}"), i)))
        .await
        .expect("seed");
    pause().await;
    let batch: Vec<_> = (0..10)
        .rev()
        .map(|i| coded(&format!("k{i}"), 100 + i))
        .collect();
    let before = t.statements();
    let rows = repo.upsert_many(batch, BY_CODE).await.expect("upsert_many");
    if t.backend != Backend::MySql {
        assert_eq!(t.statements() - before, 4, "one statement per chunk of 3");
    }
    let codes: Vec<String> = rows.iter().map(|r| r.code.clone()).collect();
    let expected: Vec<String> = (0..10).rev().map(|i| format!("k{i}")).collect();
    assert_eq!(codes, expected, "input order");
    for row in &rows {
        let i: i32 = row.code[1..].parse().expect("index");
        assert_eq!(row.qty, 100 + i);
        if let Some(o) = old.iter().find(|o| o.code == row.code) {
            assert_eq!(row.id, o.id);
            assert_eq!(row.created_at, o.created_at);
            assert!(row.updated_at > o.updated_at);
        } else {
            assert_eq!(row.created_at, row.updated_at);
        }
    }
    let mut stored = items(&t).await;
    let mut returned = rows.clone();
    stored.sort_by_key(|r| r.id);
    returned.sort_by_key(|r| r.id);
    assert_eq!(stored, returned, "returned rows equal the stored rows");
}

/// Only the columns a row sets are written; a column it leaves out keeps its value.
async fn upsert_many_writes_only_set_columns(t: TestDb) {
    let repo = Repository::<blk_item::Entity, _>::new(&t.db);
    repo.add(blk_item::ActiveModel {
        note: Set(Some("keep me".into())),
        ..coded("n", 1)
    })
    .await
    .expect("add");
    let rows = repo
        .upsert_many([coded("n", 2), item("fresh")], BY_CODE)
        .await
        .expect("upsert_many");
    assert_eq!((rows[0].qty, rows[0].note.as_deref()), (2, Some("keep me")));
    assert_eq!(
        (rows[1].qty, rows[1].note.as_deref()),
        (7, None),
        "defaults on insert"
    );
    // a row that sets nothing but the key still comes back
    let rows = repo.upsert_many([item("n")], BY_CODE).await.expect("no-op");
    assert_eq!(rows[0].qty, 2);
}

/// The same key twice in one batch: the last row wins, both positions hold it.
async fn upsert_many_repeated_keys_last_wins(t: TestDb) {
    let repo = Repository::<blk_item::Entity, _>::new(&t.db);
    repo.add(coded("a", 1)).await.expect("add");
    let rows = repo
        .upsert_many(
            [coded("a", 2), coded("b", 1), coded("a", 3), coded("b", 4)],
            BY_CODE,
        )
        .await
        .expect("upsert_many");
    let got: Vec<(&str, i32)> = rows.iter().map(|r| (r.code.as_str(), r.qty)).collect();
    assert_eq!(got, [("a", 3), ("b", 4), ("a", 3), ("b", 4)]);
    assert_eq!(rows[0], rows[2]);
    assert_eq!(items(&t).await.len(), 2);
}

async fn upsert_many_by_composite_natural_key(t: TestDb) {
    let repo = Repository::<blk_member::Entity, _>::new(&t.db).chunk_size(2);
    let member = |org: &str, login: &str, role: &str| blk_member::ActiveModel {
        org: Set(org.into()),
        login: Set(login.into()),
        role: Set(role.into()),
        ..Default::default()
    };
    let by = [blk_member::Column::Org, blk_member::Column::Login];
    let first = repo
        .upsert_many(
            [member("acme", "ann", "dev"), member("acme", "bob", "dev")],
            Some(&by),
        )
        .await
        .expect("insert");
    let second = repo
        .upsert_many(
            [
                member("other", "ann", "ceo"),
                member("acme", "ann", "lead"),
                member("acme", "cy", "ops"),
            ],
            Some(&by),
        )
        .await
        .expect("upsert");
    assert_eq!(second[1].id, first[0].id);
    assert_eq!(second[1].role, "lead");
    assert_ne!(second[0].id, first[0].id);
    assert_eq!(repo.count(()).await.expect("count"), 4);
    // one column of the pair is not a unique key on its own: accepted (issue 10 item 8),
    // matched by lookup; "dan" is new, so inserted
    let dan = repo
        .upsert(
            member("acme", "dan", "dev"),
            Some(&[blk_member::Column::Login]),
        )
        .await
        .expect("login alone is accepted");
    assert_eq!(dan.login, "dan");
    assert_eq!(repo.count(()).await.expect("count"), 5);
}

/// Issue 10 item 8: match fields without a unique constraint are accepted, as in the
/// Python library, the same way whether a row matches or not: `upsert`, `upsert_many`
/// and `get_or_upsert` look the row up under a lock and update it or insert.
async fn upsert_on_fields_without_unique_constraint_is_accepted(t: TestDb) {
    let docs = Repository::<blk_doc::Entity, _>::new(&t.db);
    let by_title = Some(&[blk_doc::Column::Title][..]);
    // nothing matches: inserted
    let first = docs.upsert(doc("s", "t"), by_title).await.expect("insert");
    assert_eq!((first.slug.as_str(), first.title.as_str()), ("s", "t"));
    // one row matches: updated, keeping its key and created_at
    let second = docs.upsert(doc("s2", "t"), by_title).await.expect("update");
    assert_eq!((second.id, second.slug.as_str()), (first.id, "s2"));
    assert_eq!(second.created_at, first.created_at);
    assert_eq!(docs.count(()).await.expect("count"), 1);
    // upsert_many: one matching, one new
    let many = docs
        .upsert_many([doc("s3", "t"), doc("u", "other")], by_title)
        .await
        .expect("upsert_many");
    assert_eq!(many[0].id, first.id);
    assert_eq!(many[0].slug, "s3");
    assert_eq!(docs.count(()).await.expect("count"), 2);
    // get_or_upsert: found (and, with upsert, updated), or created
    let (found, created) = docs
        .get_or_upsert(doc("s4", "t"), &[blk_doc::Column::Title], false)
        .await
        .expect("get");
    assert_eq!(
        (found.id, found.slug.as_str(), created),
        (first.id, "s3", false)
    );
    let (updated, created) = docs
        .get_or_upsert(doc("s4", "t"), &[blk_doc::Column::Title], true)
        .await
        .expect("get and update");
    assert_eq!(
        (updated.id, updated.slug.as_str(), created),
        (first.id, "s4", false)
    );
    let (new, created) = docs
        .get_or_upsert(doc("v", "new title"), &[blk_doc::Column::Title], true)
        .await
        .expect("create");
    assert!(created);
    assert_eq!(new.title, "new title");
    // another unique column of the matched row still collides as DuplicateKey
    let err = docs
        .upsert(doc("u", "t"), by_title)
        .await
        .expect_err("slug u belongs to another row");
    assert!(matches!(err, Error::DuplicateKey { .. }), "{err:?}");
    // two rows match: MultipleResultsFound, nothing written
    docs.add(doc("w", "t")).await.expect("a second t");
    let err = docs
        .upsert(doc("x", "t"), by_title)
        .await
        .expect_err("two rows match");
    assert!(matches!(err, Error::MultipleResultsFound { .. }), "{err:?}");
    let err = docs
        .upsert(doc("s", "t"), Some(&[]))
        .await
        .expect_err("empty");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert_eq!(docs.count(()).await.expect("count"), 4);
}

/// Issue 10 item 12: the match key compares as the column's collation does. MariaDB's
/// default ignores case: the upsert updates the row stored in lower case and returns
/// the stored spelling. PostgreSQL and SQLite compare bytes and insert a second row.
async fn upsert_keys_follow_the_collation(t: TestDb) {
    use crate::models::user_account;
    let users = Repository::<user_account::Entity, _>::new(&t.db);
    let user = |username: &str, email: &str, name: &str| user_account::ActiveModel {
        username: Set(username.into()),
        email: Set(email.into()),
        full_name: Set(name.into()),
        is_active: Set(true),
        last_login: Set(None),
        ..Default::default()
    };
    let by_email = Some(&[user_account::Column::Email][..]);
    let first = users
        .upsert(user("agatha", "agatha@example.com", "Agatha"), by_email)
        .await
        .expect("insert");
    let second = users
        .upsert(user("agatha2", "AGATHA@example.com", "Agatha C."), by_email)
        .await
        .expect("upsert");
    if t.backend == Backend::MySql {
        assert_eq!(second.id, first.id, "case-insensitive: the same row");
        assert_eq!(second.email, "agatha@example.com", "the stored spelling");
        assert_eq!(second.full_name, "Agatha C.");
        assert_eq!(users.count(()).await.expect("count"), 1);
    } else {
        assert_ne!(second.id, first.id, "bytes differ: a second row");
        assert_eq!(second.email, "AGATHA@example.com");
        assert_eq!(users.count(()).await.expect("count"), 2);
    }
}

/// Concurrent `get_or_upsert` on a non-unique match field: the lock serializes them, so
/// the callers end with one row (on SQLite the pool has one connection; on the servers
/// they overlap).
async fn non_unique_get_or_upsert_under_contention(t: TestDb) {
    let mut tasks = Vec::new();
    for i in 0..8 {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            let docs = Repository::<blk_doc::Entity, _>::new(&db);
            docs.get_or_upsert(
                doc(&format!("c{i}"), "contended"),
                &[blk_doc::Column::Title],
                false,
            )
            .await
        }));
    }
    let mut created = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok((_, true)) => created += 1,
            Ok((_, false)) => {}
            // MySQL may pick a deadlock victim among the gap locks: typed and retryable
            Err(e) if e.is_retryable() => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(
        t.scalar("SELECT COUNT(*) FROM blk_doc WHERE title = 'contended'")
            .await,
        1
    );
}

/// A collision on another unique key is a DuplicateKey naming it, and writes nothing.
async fn upsert_colliding_on_another_key(t: TestDb) {
    let docs = Repository::<blk_doc::Entity, _>::new(&t.db);
    let a = docs.add(doc("a", "a")).await.expect("add");
    docs.add(doc("b", "b")).await.expect("add");
    // by primary key, but the slug belongs to another row
    let err = docs
        .upsert_many(
            [
                blk_doc::ActiveModel {
                    id: Set(a.id),
                    ..doc("b", "x")
                },
                doc("c", "c"),
            ],
            None,
        )
        .await
        .expect_err("slug b is taken");
    assert_eq!(err.constraint(), Some("uq_blk_doc_slug"), "{err:?}");
    let titles: Vec<String> = blk_doc::Entity::find()
        .order_by_asc(blk_doc::Column::Slug)
        .all(&t.db)
        .await
        .expect("select")
        .into_iter()
        .map(|d| d.title)
        .collect();
    assert_eq!(titles, ["a", "b"], "nothing written");
}

/// MySQL compares this collation case-insensitively: its `ON DUPLICATE KEY` updates the
/// existing row, which is then found by the database's own comparison.
async fn upsert_reads_back_rows_the_collation_matched(t: TestDb) {
    let repo = Repository::<blk_item::Entity, _>::new(&t.db);
    let lower = repo.add(coded("abc", 1)).await.expect("add");
    let row = repo.upsert(coded("ABC", 2), BY_CODE).await.expect("upsert");
    assert_eq!(row.qty, 2);
    if t.backend == Backend::MySql {
        assert_eq!((row.id, row.code.as_str()), (lower.id, "abc"));
        assert_eq!(items(&t).await.len(), 1);
    } else {
        assert_ne!(row.id, lower.id);
        assert_eq!(items(&t).await.len(), 2);
    }
}

async fn get_or_upsert_finds_creates_and_updates(t: TestDb) {
    let repo = Repository::<blk_item::Entity, _>::new(&t.db);
    let by = [blk_item::Column::Code];
    let (created, is_new) = repo
        .get_or_upsert(coded("g", 1), &by, true)
        .await
        .expect("create");
    assert!(is_new);
    assert_eq!((created.code.as_str(), created.qty), ("g", 1));
    let (found, is_new) = repo
        .get_or_upsert(coded("g", 5), &by, false)
        .await
        .expect("find");
    assert_eq!((found.clone(), is_new), (created.clone(), false));
    pause().await;
    let (updated, is_new) = repo
        .get_or_upsert(coded("g", 5), &by, true)
        .await
        .expect("update");
    assert!(!is_new);
    assert_eq!((updated.id, updated.qty), (created.id, 5));
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at > created.updated_at);
    // nothing differs: no write, updated_at stays
    let (same, _) = repo
        .get_or_upsert(coded("g", 5), &by, true)
        .await
        .expect("same");
    assert_eq!(same, updated);

    let err = repo
        .get_or_upsert(blk_item::ActiveModel::default(), &by, true)
        .await
        .expect_err("no code");
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");

    // client-side keys: generated for the new row
    let docs = Repository::<blk_doc::Entity, _>::new(&t.db);
    let (d, is_new) = docs
        .get_or_upsert(doc("s", "t"), &[blk_doc::Column::Slug], true)
        .await
        .expect("doc");
    assert!(is_new);
    assert_eq!(d.id.get_version_num(), 7);
    assert_eq!(docs.get(d.id).await.expect("get"), d);
}

async fn get_or_upsert_on_soft_deleted_key_names_the_constraint(t: TestDb) {
    let notes = Repository::<blk_note::Entity, _>::new(&t.db);
    let note = notes
        .add(blk_note::ActiveModel {
            body: Set("x".into()),
            ..Default::default()
        })
        .await
        .expect("add");
    notes.delete(note.id).await.expect("soft delete");
    // match on the primary key: the row exists but is deleted
    let err = notes
        .get_or_upsert(
            blk_note::ActiveModel {
                id: Set(note.id),
                body: Set("y".into()),
                ..Default::default()
            },
            &[blk_note::Column::Id],
            true,
        )
        .await
        .expect_err("deleted row holds the key");
    let pk = if t.backend == Backend::MySql {
        "PRIMARY"
    } else {
        "pk_blk_note"
    };
    assert_eq!(err.constraint(), Some(pk), "{err:?}");
    // …and in a session the transaction is still usable (the probe ran in a savepoint)
    let session = t.session().await;
    let in_session = Repository::<blk_note::Entity, _>::new(&session);
    in_session
        .get_or_upsert(
            blk_note::ActiveModel {
                id: Set(note.id),
                body: Set("y".into()),
                ..Default::default()
            },
            &[blk_note::Column::Id],
            true,
        )
        .await
        .expect_err("deleted row holds the key");
    in_session
        .add(blk_note::ActiveModel {
            body: Set("z".into()),
            ..Default::default()
        })
        .await
        .expect("session still usable");
    session.commit().await.expect("commit");
}

async fn get_and_update_reports_what_it_did(t: TestDb) {
    let repo = Repository::<blk_item::Entity, _>::new(&t.db);
    let by = [blk_item::Column::Code];
    let err = repo
        .get_and_update(coded("h", 1), &by)
        .await
        .expect_err("missing");
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let row = repo.add(coded("h", 1)).await.expect("add");
    pause().await;
    let (same, updated) = repo.get_and_update(coded("h", 1), &by).await.expect("same");
    assert!(!updated);
    assert_eq!(same, row);
    let (changed, updated) = repo
        .get_and_update(
            blk_item::ActiveModel {
                note: Set(Some("n".into())),
                ..coded("h", 1)
            },
            &by,
        )
        .await
        .expect("change");
    assert!(updated);
    assert_eq!(
        (changed.id, changed.qty, changed.note.as_deref()),
        (row.id, 1, Some("n"))
    );
    assert_eq!(changed.created_at, row.created_at);
    assert!(changed.updated_at > row.updated_at);
    // a model read from the database works as data too (every column Unchanged)
    let mut model = changed.clone();
    model.qty = 9;
    let (changed, updated) = repo.get_and_update(model, &by).await.expect("model");
    assert!(updated);
    assert_eq!(changed.qty, 9);
}

/// N callers race to create the same natural key: one row, one `created`, no error.
async fn concurrent_get_or_upsert_creates_once(t: TestDb) {
    const CALLERS: usize = 12;
    for upsert in [false, true] {
        let code = format!("race-{upsert}");
        let mut tasks = Vec::new();
        for n in 0..CALLERS {
            let db = t.db.clone();
            let code = code.clone();
            tasks.push(tokio::spawn(async move {
                let repo = Repository::<blk_item::Entity, _>::new(&db);
                repo.get_or_upsert(coded(&code, n as i32), &[blk_item::Column::Code], upsert)
                    .await
            }));
        }
        let mut created = 0;
        let mut ids = HashSet::new();
        for task in tasks {
            let (row, is_new) = task.await.expect("task").expect("get_or_upsert");
            created += usize::from(is_new);
            ids.insert(row.id);
        }
        assert_eq!(created, 1, "exactly one caller created the row");
        assert_eq!(ids.len(), 1);
    }
    // the same with client-side keys, each caller in its own transaction
    let mut tasks = Vec::new();
    for n in 0..CALLERS {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            let session = advanced_alchemy::Session::begin(&db).await?;
            let out = Repository::<blk_doc::Entity, _>::new(&session)
                .get_or_upsert(
                    doc("race", &format!("t{n}")),
                    &[blk_doc::Column::Slug],
                    true,
                )
                .await?;
            tokio::time::sleep(Duration::from_millis(10)).await;
            session.commit().await?;
            Ok::<_, Error>(out)
        }));
    }
    let mut created = 0;
    for task in tasks {
        let (_, is_new) = task
            .await
            .expect("task")
            .expect("get_or_upsert in a session");
        created += usize::from(is_new);
    }
    assert_eq!(created, 1);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM blk_doc").await, 1);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM blk_item").await, 2);
}

/// Overlapping batches upserted concurrently: the union of the keys, no error.
async fn concurrent_upsert_many_overlapping_batches(t: TestDb) {
    const TASKS: i32 = 8;
    let mut tasks = Vec::new();
    for n in 0..TASKS {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            let repo = Repository::<blk_item::Entity, _>::new(&db).chunk_size(4);
            let mut batch: Vec<_> = (n * 3..n * 3 + 10)
                .map(|i| coded(&format!("o{i:03}"), n))
                .collect();
            if n % 2 == 1 {
                batch.reverse(); // the same keys in another order must not deadlock
            }
            repo.upsert_many(batch, BY_CODE).await
        }));
    }
    for task in tasks {
        let rows = task.await.expect("task").expect("upsert_many");
        assert_eq!(rows.len(), 10);
    }
    let stored = items(&t).await;
    let expected: Vec<String> = (0..(TASKS - 1) * 3 + 10)
        .map(|i| format!("o{i:03}"))
        .collect();
    assert_eq!(
        stored.iter().map(|r| r.code.clone()).collect::<Vec<_>>(),
        expected
    );
}

async fn upsert_inside_a_session_and_pk_of_bigint(t: TestDb) {
    let session = t.session().await;
    let repo = Repository::<blk_item::Entity, _>::new(&session);
    let rows = repo
        .upsert_many([coded("s1", 1), coded("s2", 2)], BY_CODE)
        .await
        .expect("upsert_many");
    let err = repo
        .upsert_many(
            [
                coded("s3", 3),
                blk_item::ActiveModel {
                    id: Unchanged(rows[0].id),
                    ..coded("s2", 9)
                },
            ],
            None,
        )
        .await
        .expect_err("s2 belongs to another row");
    assert_eq!(err.constraint(), Some("uq_blk_item_code"), "{err:?}");
    repo.add(coded("s4", 4))
        .await
        .expect("session still usable");
    session.commit().await.expect("commit");
    let codes: Vec<String> = items(&t).await.into_iter().map(|r| r.code).collect();
    assert_eq!(codes, ["s1", "s2", "s4"]);
}

/// A table of keys only: on conflict there is nothing to write, yet every row comes back.
async fn upsert_many_of_key_only_rows(t: TestDb) {
    use crate::blog::{post, post_tag, tag};
    let post = Repository::<post::Entity, _>::new(&t.db)
        .add(post::ActiveModel {
            title: Set("p".into()),
            content: Set("c".into()),
            published: Set(false),
            ..Default::default()
        })
        .await
        .expect("post");
    let tags = Repository::<tag::Entity, _>::new(&t.db)
        .add_many(["a", "b", "c"].map(|n| tag::ActiveModel {
            name: Set(n.into()),
            slug: Set(n.into()),
            ..Default::default()
        }))
        .await
        .expect("tags");
    let links = Repository::<post_tag::Entity, _>::new(&t.db).chunk_size(2);
    let link = |tag: &tag::Model| post_tag::ActiveModel {
        post_id: Set(post.id),
        tag_id: Set(tag.id),
    };
    let first = links
        .upsert_many(tags[..2].iter().map(link), None)
        .await
        .expect("first");
    let again = links
        .upsert_many(tags.iter().rev().map(link), None)
        .await
        .expect("again");
    assert_eq!(first.len(), 2);
    let tag_ids: Vec<i64> = again.iter().map(|l| l.tag_id).collect();
    assert_eq!(tag_ids, [tags[2].id, tags[1].id, tags[0].id]);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM post_tag").await, 3);
    assert!(
        links
            .upsert_many(Vec::<post_tag::ActiveModel>::new(), None)
            .await
            .expect("empty")
            .is_empty()
    );
    assert!(
        links
            .add_many(Vec::<post_tag::ActiveModel>::new())
            .await
            .expect("empty")
            .is_empty()
    );
}

crate::backend_tests!(
    upsert_many_of_key_only_rows,
    upsert_by_primary_key,
    upsert_by_match_fields_keeps_key_and_created_at,
    upsert_many_half_new_batch,
    upsert_many_writes_only_set_columns,
    upsert_many_repeated_keys_last_wins,
    upsert_many_by_composite_natural_key,
    upsert_on_fields_without_unique_constraint_is_accepted,
    non_unique_get_or_upsert_under_contention,
    upsert_keys_follow_the_collation,
    upsert_colliding_on_another_key,
    upsert_reads_back_rows_the_collation_matched,
    get_or_upsert_finds_creates_and_updates,
    get_or_upsert_on_soft_deleted_key_names_the_constraint,
    get_and_update_reports_what_it_did,
    concurrent_get_or_upsert_creates_once,
    concurrent_upsert_many_overlapping_batches,
    upsert_inside_a_session_and_pk_of_bigint,
);
