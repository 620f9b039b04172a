//! Repository bulk paths: add_many and update_many, chunked, hooked, atomic.
//!
//! The `blk_` models are shared with `upsert.rs`.

use crate::support::{Backend, TestDb};
use advanced_alchemy::Error;
use advanced_alchemy::repository::Repository;
use sea_orm::ActiveValue::{NotSet, Set, Unchanged};
use sea_orm::{EntityTrait, QueryOrder, TransactionTrait};
use std::collections::HashSet;
use std::time::Duration;

/// BIGINT key from the database, audit columns, a unique code and a column with a default.
pub mod blk_item {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntAuditBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "blk_item")]
    pub struct Model {
        #[sea_orm(unique)]
        pub code: String,
        #[sea_orm(default_value = 7)]
        pub qty: i32,
        pub note: Option<String>,
    }
}

/// UUID v7 key made client-side, audit columns, a unique slug.
pub mod blk_doc {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(UUIDv7AuditBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "blk_doc")]
    pub struct Model {
        #[sea_orm(unique)]
        pub slug: String,
        pub title: String,
    }
}

/// Nanoid key, no audit columns.
pub mod blk_token {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(NanoidBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "blk_token")]
    pub struct Model {
        pub label: String,
    }
}

/// A natural key over two columns (`uq_blk_member_org`).
pub mod blk_member {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntAuditBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "blk_member")]
    pub struct Model {
        #[sea_orm(unique_key = "member")]
        pub org: String,
        #[sea_orm(unique_key = "member")]
        pub login: String,
        pub role: String,
    }
}

/// A composite primary key the caller supplies.
pub mod blk_cell {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "blk_cell")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub row: i32,
        #[sea_orm(primary_key, auto_increment = false)]
        pub col: String,
        pub value: String,
    }
}

/// Soft delete.
pub mod blk_note {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(UUIDv7AuditBase, SoftDelete)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "blk_note")]
    pub struct Model {
        pub body: String,
    }
}

pub fn item(code: &str) -> blk_item::ActiveModel {
    blk_item::ActiveModel {
        code: Set(code.into()),
        ..Default::default()
    }
}

pub fn doc(slug: &str, title: &str) -> blk_doc::ActiveModel {
    blk_doc::ActiveModel {
        slug: Set(slug.into()),
        title: Set(title.into()),
        ..Default::default()
    }
}

async fn all_items(t: &TestDb) -> Vec<blk_item::Model> {
    blk_item::Entity::find()
        .order_by_asc(blk_item::Column::Id)
        .all(&t.db)
        .await
        .expect("select")
}

/// `n` rows with codes c0…, chunks of 7: one INSERT per chunk where RETURNING exists.
async fn add_many_is_one_statement_per_chunk(t: TestDb) {
    let repo = Repository::<blk_item::Entity, _>::new(&t.db).chunk_size(7);
    let rows: Vec<_> = (0..20).map(|i| item(&format!("c{i}"))).collect();
    let before = t.statements();
    let added = repo.add_many(rows).await.expect("add_many");
    let statements = t.statements() - before;
    match t.backend {
        // three INSERT … RETURNING
        Backend::Sqlite | Backend::Postgres => assert_eq!(statements, 3),
        // the autoincrement mode, then INSERT + re-select per chunk
        Backend::MySql => assert_eq!(statements, 1 + 3 * 2),
    }
    let codes: Vec<&str> = added.iter().map(|r| r.code.as_str()).collect();
    let expected: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
    assert_eq!(codes, expected);
    assert!(added.iter().all(|r| r.qty == 7 && r.note.is_none()));
    assert!(added.iter().all(|r| r.created_at == r.updated_at));
    let ids: HashSet<i64> = added.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), 20);
    assert_eq!(
        all_items(&t).await,
        added,
        "returned rows equal the stored rows"
    );
}

async fn add_many_fills_keys_for_every_strategy(t: TestDb) {
    let docs = Repository::<blk_doc::Entity, _>::new(&t.db).chunk_size(4);
    let added = docs
        .add_many((0..10).map(|i| doc(&format!("d{i}"), "t")))
        .await
        .expect("docs");
    assert!(added.iter().all(|d| d.id.get_version_num() == 7));
    assert!(added.iter().all(|d| d.created_at == d.updated_at));
    assert_eq!(
        added.iter().map(|d| d.slug.clone()).collect::<Vec<_>>(),
        (0..10).map(|i| format!("d{i}")).collect::<Vec<_>>()
    );
    for d in &added {
        let stored = blk_doc::Entity::find_by_id(d.id)
            .one(&t.db)
            .await
            .expect("find");
        assert_eq!(stored.as_ref(), Some(d));
    }

    let tokens = Repository::<blk_token::Entity, _>::new(&t.db).chunk_size(3);
    let added = tokens
        .add_many((0..8).map(|i| blk_token::ActiveModel {
            label: Set(format!("l{i}")),
            ..Default::default()
        }))
        .await
        .expect("tokens");
    assert!(added.iter().all(|k| k.id.len() == 21));
    assert_eq!(added.iter().map(|k| &k.id).collect::<HashSet<_>>().len(), 8);
    assert_eq!(added[5].label, "l5");

    // a composite key the caller supplies; chunks of 2 keep the re-select honest on MySQL
    let cells = Repository::<blk_cell::Entity, _>::new(&t.db).chunk_size(2);
    let added = cells
        .add_many((0..5).map(|i| blk_cell::ActiveModel {
            row: Set(i / 2),
            col: Set(format!("k{}", i % 2)),
            value: Set(format!("v{i}")),
        }))
        .await
        .expect("cells");
    assert_eq!(
        added.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(),
        ["v0", "v1", "v2", "v3", "v4"]
    );
    assert_eq!((added[3].row, added[3].col.as_str()), (1, "k1"));
}

/// Rows that set different columns: unset columns get their database default.
async fn add_many_rows_with_different_columns(t: TestDb) {
    let repo = Repository::<blk_item::Entity, _>::new(&t.db);
    let mut rows = Vec::new();
    for i in 0..9 {
        let mut am = item(&format!("m{i}"));
        if i % 3 == 1 {
            am.qty = Set(i);
        }
        if i % 3 == 2 {
            am.note = Set(Some(format!("n{i}")));
        }
        rows.push(am);
    }
    // and one with an explicit key
    rows.push(blk_item::ActiveModel {
        id: Set(1000),
        code: Set("explicit".into()),
        qty: Set(1),
        note: NotSet,
        ..Default::default()
    });
    let added = repo.add_many(rows).await.expect("add_many");
    assert_eq!(added.len(), 10);
    for (i, row) in added.iter().take(9).enumerate() {
        assert_eq!(row.code, format!("m{i}"));
        let i = i as i32;
        assert_eq!(row.qty, if i % 3 == 1 { i } else { 7 });
        assert_eq!(row.note, (i % 3 == 2).then(|| format!("n{i}")));
    }
    assert_eq!((added[9].id, added[9].code.as_str()), (1000, "explicit"));
    let mut stored = all_items(&t).await;
    let mut returned = added.clone();
    stored.sort_by_key(|r| r.id);
    returned.sort_by_key(|r| r.id);
    assert_eq!(stored, returned);
}

/// The third chunk collides with an existing code: nothing of the call stays.
async fn failing_chunk_leaves_nothing_on_a_pool(t: TestDb) {
    let repo = Repository::<blk_item::Entity, _>::new(&t.db).chunk_size(7);
    repo.add(item("c15")).await.expect("seed");
    let err = repo
        .add_many((0..20).map(|i| item(&format!("c{i}"))))
        .await
        .expect_err("c15 exists");
    assert!(matches!(err, Error::DuplicateKey { .. }), "{err:?}");
    assert_eq!(err.constraint(), Some("uq_blk_item_code"), "{err:?}");
    assert_eq!(err.model(), Some("blk_item"));
    assert_eq!(all_items(&t).await.len(), 1);

    // the same with auto-commit on
    let err = repo
        .clone()
        .auto_commit(true)
        .add_many((0..20).map(|i| item(&format!("c{i}"))))
        .await
        .expect_err("c15 exists");
    assert_eq!(err.constraint(), Some("uq_blk_item_code"), "{err:?}");
    assert_eq!(all_items(&t).await.len(), 1);
}

/// Inside a session the failed call rolls back to its savepoint: the session's earlier
/// work stays and the session is still usable (PostgreSQL would otherwise refuse every
/// further statement of the aborted transaction).
async fn failing_chunk_leaves_nothing_in_a_session(t: TestDb) {
    let session = t.session().await;
    {
        let repo = Repository::<blk_item::Entity, _>::new(&session).chunk_size(7);
        repo.add_many([item("a"), item("b")]).await.expect("first");
        let err = repo
            .add_many(
                (0..20).map(|i| item(if i == 16 { "a".into() } else { format!("c{i}") }.as_str())),
            )
            .await
            .expect_err("a exists");
        assert_eq!(err.constraint(), Some("uq_blk_item_code"), "{err:?}");
        repo.add(item("after")).await.expect("session still usable");
        let err = repo
            .update_many([blk_item::ActiveModel {
                id: NotSet,
                code: Set("x".into()),
                ..Default::default()
            }])
            .await
            .expect_err("no key");
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    }
    session.commit().await.expect("commit");
    let codes: Vec<String> = all_items(&t).await.into_iter().map(|r| r.code).collect();
    assert_eq!(codes, ["a", "b", "after"]);
}

async fn update_many_moves_updated_at_and_keeps_the_rest(t: TestDb) {
    let repo = Repository::<blk_item::Entity, _>::new(&t.db).chunk_size(4);
    let added = repo
        .add_many((0..10).map(|i| item(&format!("u{i}"))))
        .await
        .expect("add_many");
    tokio::time::sleep(Duration::from_millis(5)).await;
    let mut changes: Vec<blk_item::ActiveModel> = added
        .iter()
        .enumerate()
        .map(|(i, r)| blk_item::ActiveModel {
            id: Unchanged(r.id),
            qty: if i % 2 == 0 {
                Set(100 + i as i32)
            } else {
                NotSet
            },
            note: if i % 2 == 1 {
                Set(Some(format!("n{i}")))
            } else {
                NotSet
            },
            ..Default::default()
        })
        .collect();
    changes.reverse(); // the result follows the input order
    changes.push(blk_item::ActiveModel {
        id: Unchanged(424242),
        qty: Set(1),
        ..Default::default()
    });
    let before = t.statements();
    let updated = repo.update_many(changes).await.expect("update_many");
    if t.backend != Backend::MySql {
        assert_eq!(
            t.statements() - before,
            3,
            "one UPDATE … RETURNING per chunk"
        );
    }
    assert_eq!(updated.len(), 10, "the unknown key is skipped");
    for (row, old) in updated.iter().zip(added.iter().rev()) {
        let i = old.code[1..].parse::<i32>().expect("index");
        assert_eq!(row.id, old.id);
        assert_eq!(row.code, old.code);
        assert_eq!(row.qty, if i % 2 == 0 { 100 + i } else { 7 });
        assert_eq!(row.note, (i % 2 == 1).then(|| format!("n{i}")));
        assert_eq!(row.created_at, old.created_at);
        assert!(row.updated_at > old.updated_at);
    }
    let mut stored = all_items(&t).await;
    stored.sort_by_key(|r| std::cmp::Reverse(r.id));
    assert_eq!(stored, updated);
}

async fn update_many_merges_repeated_keys_and_composite_keys(t: TestDb) {
    let repo = Repository::<blk_item::Entity, _>::new(&t.db);
    let row = repo.add(item("dup")).await.expect("add");
    let updated = repo
        .update_many([
            blk_item::ActiveModel {
                id: Unchanged(row.id),
                qty: Set(1),
                note: Set(Some("first".into())),
                ..Default::default()
            },
            blk_item::ActiveModel {
                id: Unchanged(row.id),
                qty: Set(2),
                ..Default::default()
            },
        ])
        .await
        .expect("update_many");
    assert_eq!(updated.len(), 1);
    assert_eq!(
        (updated[0].qty, updated[0].note.as_deref()),
        (2, Some("first"))
    );

    let cells = Repository::<blk_cell::Entity, _>::new(&t.db).chunk_size(2);
    cells
        .add_many((0..6).map(|i| blk_cell::ActiveModel {
            row: Set(i / 3),
            col: Set(format!("k{}", i % 3)),
            value: Set("old".into()),
        }))
        .await
        .expect("cells");
    let updated = cells
        .update_many(
            [(1, "k2"), (0, "k0"), (1, "k0"), (7, "k0")].map(|(row, col)| blk_cell::ActiveModel {
                row: Unchanged(row),
                col: Unchanged(col.into()),
                value: Set(format!("{row}{col}")),
            }),
        )
        .await
        .expect("update cells");
    let values: Vec<&str> = updated.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(values, ["1k2", "0k0", "1k0"]);
    let untouched = blk_cell::Entity::find_by_id((0, "k1".to_owned()))
        .one(&t.db)
        .await
        .expect("find")
        .expect("row");
    assert_eq!(untouched.value, "old");
}

async fn update_many_respects_soft_delete(t: TestDb) {
    let repo = Repository::<blk_note::Entity, _>::new(&t.db);
    let notes = repo
        .add_many(["a", "b", "c"].map(|b| blk_note::ActiveModel {
            body: Set(b.into()),
            ..Default::default()
        }))
        .await
        .expect("add_many");
    repo.delete(notes[1].id).await.expect("soft delete");
    let change = |n: &blk_note::Model| blk_note::ActiveModel {
        id: Unchanged(n.id),
        body: Set(format!("{}!", n.body)),
        ..Default::default()
    };
    let updated = repo
        .update_many(notes.iter().map(change))
        .await
        .expect("update_many");
    assert_eq!(
        updated.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(),
        ["a!", "c!"]
    );
    let deleted = repo
        .clone()
        .include_deleted()
        .get(notes[1].id)
        .await
        .expect("get");
    assert_eq!(deleted.body, "b");

    let all = repo
        .clone()
        .include_deleted()
        .update_many(notes.iter().map(change))
        .await
        .expect("update_many");
    assert_eq!(all.len(), 3);
    assert_eq!(all[1].body, "b!");
    assert!(all[1].deleted_at.is_some());
}

/// Hundreds of rows in both update forms: the join (every row sets the same columns; the
/// `CASE` form on MySQL) and the `CASE` form (rows set different columns), which runs in
/// chunks of 250 rows.
async fn update_many_of_many_rows_in_either_form(t: TestDb) {
    let repo = Repository::<blk_item::Entity, _>::new(&t.db);
    let added = repo
        .add_many((0..600).map(|i| item(&format!("m{i}"))))
        .await
        .expect("add_many");
    let same = repo
        .update_many(added.iter().map(|r| blk_item::ActiveModel {
            id: Unchanged(r.id),
            qty: Set(r.id as i32),
            ..Default::default()
        }))
        .await
        .expect("same columns");
    assert_eq!(same.len(), 600);
    assert!(
        same.iter()
            .all(|r| i64::from(r.qty) == r.id && r.note.is_none())
    );
    let mixed = repo
        .update_many(
            added
                .iter()
                .enumerate()
                .map(|(i, r)| blk_item::ActiveModel {
                    id: Unchanged(r.id),
                    qty: if i % 2 == 0 { Set(-1) } else { NotSet },
                    note: if i % 2 == 1 {
                        Set(Some(format!("n{i}")))
                    } else {
                        NotSet
                    },
                    ..Default::default()
                }),
        )
        .await
        .expect("different columns");
    assert_eq!(mixed.len(), 600);
    for (i, (row, old)) in mixed.iter().zip(&added).enumerate() {
        assert_eq!(row.id, old.id);
        if i % 2 == 0 {
            assert_eq!((row.qty, row.note.as_deref()), (-1, None));
        } else {
            assert_eq!(row.qty as i64, old.id, "kept from the first update");
            assert_eq!(row.note, Some(format!("n{i}")));
        }
    }
}

/// A transaction of the caller's own (SeaORM's) works as the connection too.
async fn bulk_calls_inside_a_seaorm_transaction(t: TestDb) {
    let tx = t.db.begin().await.expect("begin");
    let repo = Repository::<blk_doc::Entity, _>::new(&tx);
    let added = repo
        .add_many([doc("x", "x"), doc("y", "y")])
        .await
        .expect("add_many");
    let updated = repo
        .update_many(added.iter().map(|d| blk_doc::ActiveModel {
            id: Unchanged(d.id),
            title: Set("z".into()),
            ..Default::default()
        }))
        .await
        .expect("update_many");
    assert!(updated.iter().all(|d| d.title == "z"));
    tx.rollback().await.expect("rollback");
    let n = t.scalar("SELECT COUNT(*) FROM blk_doc").await;
    assert_eq!(n, 0);
}

/// A native enum column (a PostgreSQL `CREATE TYPE`) and a `DateTimeUTC` column through
/// both `update_many` forms: the joined values are cast back to the column's type.
async fn update_many_of_enum_and_timestamp_columns(t: TestDb) {
    use crate::models::ticket::{self, Status};
    let tickets = Repository::<ticket::Entity, _>::new(&t.db);
    let added = tickets
        .add_many((0..4).map(|i| ticket::ActiveModel {
            title: Set(format!("t{i}")),
            status: Set(Status::Open),
            ..Default::default()
        }))
        .await
        .expect("add_many");
    // every row sets the same columns: the joined form on PostgreSQL and SQLite
    let closed = tickets
        .update_many(added.iter().map(|m| ticket::ActiveModel {
            id: Unchanged(m.id),
            status: Set(Status::Closed),
            ..Default::default()
        }))
        .await
        .expect("update_many (same columns)");
    assert!(closed.iter().all(|m| m.status == Status::Closed));
    // rows that set different columns: the CASE form
    let mixed = tickets
        .update_many([
            ticket::ActiveModel {
                id: Unchanged(added[0].id),
                status: Set(Status::Open),
                ..Default::default()
            },
            ticket::ActiveModel {
                id: Unchanged(added[1].id),
                title: Set("renamed".into()),
                ..Default::default()
            },
        ])
        .await
        .expect("update_many (mixed columns)");
    assert_eq!(mixed.len(), 2);
    let stored = tickets.get(added[0].id).await.expect("get");
    assert_eq!(stored.status, Status::Open);
    assert!(stored.updated_at > added[0].updated_at);
    let renamed = tickets.get(added[1].id).await.expect("get");
    assert_eq!(
        (renamed.title.as_str(), &renamed.status),
        ("renamed", &Status::Closed)
    );
}

crate::backend_tests!(
    update_many_of_enum_and_timestamp_columns,
    add_many_is_one_statement_per_chunk,
    add_many_fills_keys_for_every_strategy,
    add_many_rows_with_different_columns,
    failing_chunk_leaves_nothing_on_a_pool,
    failing_chunk_leaves_nothing_in_a_session,
    update_many_moves_updated_at_and_keeps_the_rest,
    update_many_merges_repeated_keys_and_composite_keys,
    update_many_respects_soft_delete,
    update_many_of_many_rows_in_either_form,
    bulk_calls_inside_a_seaorm_transaction,
);
