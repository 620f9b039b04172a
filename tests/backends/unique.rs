//! UniqueMixin::as_unique: cached, found, created, and race-free.

use crate::blog::{Tag, tag};
use crate::models::label;
use crate::support::TestDb;
use advanced_alchemy::mixins::UniqueMixin;
use advanced_alchemy::utils::text::slugify;
use advanced_alchemy::{Error, Session};
use sea_orm::sea_query::{Condition, IntoCondition};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter,
};

/// De-duplicate a tag somebody already built (the Python library's issue #359).
impl UniqueMixin<tag::ActiveModel> for tag::Entity {
    type Key = String;
    fn unique_hash(tag: &tag::ActiveModel) -> String {
        slugify(tag.name.as_ref())
    }
    fn unique_filter(tag: &tag::ActiveModel) -> Condition {
        tag::Column::Slug
            .eq(slugify(tag.name.as_ref()))
            .into_condition()
    }
    fn new_model(mut tag: tag::ActiveModel) -> tag::ActiveModel {
        tag.slug = Set(slugify(tag.name.as_ref()));
        tag
    }
}

/// Looks up by slug but builds the name as given: lets a test collide on the
/// unique index `ix_tag_name` (`unique, indexed`, as SQLAlchemy names `unique=True, index=True`).
struct NameAndSlug(&'static str, &'static str);

impl UniqueMixin<NameAndSlug> for tag::Entity {
    type Key = String;
    fn unique_hash(args: &NameAndSlug) -> String {
        args.1.to_owned()
    }
    fn unique_filter(args: &NameAndSlug) -> Condition {
        tag::Column::Slug.eq(args.1).into_condition()
    }
    fn new_model(args: NameAndSlug) -> tag::ActiveModel {
        tag::ActiveModel {
            name: Set(args.0.into()),
            slug: Set(args.1.into()),
            ..Default::default()
        }
    }
}

/// Labels by name, which is not unique in the schema.
struct LabelName(&'static str);

impl UniqueMixin<LabelName> for label::Entity {
    type Key = &'static str;
    fn unique_hash(args: &LabelName) -> &'static str {
        args.0
    }
    fn unique_filter(args: &LabelName) -> Condition {
        label::Column::Name.eq(args.0).into_condition()
    }
    fn new_model(args: LabelName) -> label::ActiveModel {
        label::ActiveModel {
            name: Set(args.0.into()),
            colour: Set("grey".into()),
            ..Default::default()
        }
    }
}

async fn tag_count(t: &TestDb, slug: &str) -> u64 {
    Tag::find()
        .filter(tag::Column::Slug.eq(slug))
        .count(&t.db)
        .await
        .expect("count")
}

async fn creates_then_finds(t: TestDb) {
    let session = t.session().await;
    let created = Tag::as_unique(&session, "Rust").await.expect("create");
    assert_eq!(
        (created.name.as_str(), created.slug.as_str()),
        ("Rust", "rust")
    );
    session.commit().await.expect("commit");

    let other = t.session().await; // a new session: found in the database, not the cache
    let found = Tag::as_unique(&other, "RUST").await.expect("find");
    assert_eq!(found, created);
    other.commit().await.expect("commit");
    assert_eq!(tag_count(&t, "rust").await, 1);
}

async fn same_key_twice_costs_one_lookup(t: TestDb) {
    let session = t.session().await;
    let first = Tag::as_unique(&session, "SeaORM").await.expect("create");
    let after_first = t.statements();
    let second = Tag::as_unique(&session, "seaorm").await.expect("cached");
    let third = Tag::as_unique(&session, "SeaORM").await.expect("cached");
    assert_eq!(t.statements(), after_first, "cached lookups run no SQL");
    assert_eq!((second.id, third.id), (first.id, first.id));

    // another key type for the same entity shares the cache entries (same slug key)
    let built = tag::ActiveModel {
        name: Set("SEAORM".into()),
        ..Default::default()
    };
    let merged = Tag::as_unique(&session, built).await.expect("merge");
    assert_eq!(merged.id, first.id);
    assert_eq!(t.statements(), after_first);
    session.commit().await.expect("commit");
}

async fn already_built_model_is_deduplicated(t: TestDb) {
    let session = t.session().await;
    let existing = Tag::as_unique(&session, "Databases").await.expect("create");
    session.commit().await.expect("commit");

    let session = t.session().await;
    let built = tag::ActiveModel {
        name: Set("databases".into()),
        ..Default::default()
    };
    assert_eq!(
        Tag::as_unique(&session, built).await.expect("dedupe").id,
        existing.id
    );
    let fresh = tag::ActiveModel {
        name: Set("Brand New".into()),
        ..Default::default()
    };
    let created = Tag::as_unique(&session, fresh).await.expect("create");
    assert_eq!(created.slug, "brand-new");
    session.commit().await.expect("commit");
    assert_eq!(Tag::find().count(&t.db).await.expect("count"), 2);
}

async fn concurrent_transactions_get_one_row(t: TestDb) {
    const CALLERS: usize = 8;
    let mut tasks = Vec::new();
    for _ in 0..CALLERS {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            let session = Session::begin(&db).await?;
            let tag = Tag::as_unique(&session, "Concurrency").await?;
            // hold the transaction open a little so the others overlap with it
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            session.commit().await?;
            Ok::<_, Error>(tag)
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        let tag = task
            .await
            .expect("task")
            .expect("as_unique under contention");
        ids.push(tag.id);
    }
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(tag_count(&t, "concurrency").await, 1);
}

async fn two_matches_are_multiple_results_found(t: TestDb) {
    for colour in ["red", "crimson"] {
        label::ActiveModel {
            name: Set("red".into()),
            colour: Set(colour.into()),
            ..Default::default()
        }
        .insert(&t.db)
        .await
        .expect("insert");
    }
    let session = t.session().await;
    let err = label::Entity::as_unique(&session, LabelName("red"))
        .await
        .expect_err("two rows match");
    assert!(
        matches!(err, Error::MultipleResultsFound { ref model, .. } if model == "label"),
        "{err:?}"
    );
    let one = label::Entity::as_unique(&session, LabelName("blue"))
        .await
        .expect("create");
    assert_eq!(one.colour, "grey");
    session.commit().await.expect("commit");
}

async fn conflict_on_another_constraint_is_duplicate_key(t: TestDb) {
    let session = t.session().await;
    Tag::as_unique(&session, "Rust").await.expect("create");
    // new slug, but the name is taken: not ours to return, so a typed error naming it
    let err = Tag::as_unique(&session, NameAndSlug("Rust", "rust-lang"))
        .await
        .expect_err("name is taken");
    assert!(
        matches!(err, Error::DuplicateKey { ref constraint, .. } if constraint.as_deref() == Some("ix_tag_name")),
        "{err:?}"
    );
    // the transaction is still usable and keeps its earlier work
    let ok = Tag::as_unique(&session, NameAndSlug("Rust Lang", "rust-lang"))
        .await
        .expect("create");
    assert_eq!(ok.slug, "rust-lang");
    session.commit().await.expect("commit");
    assert_eq!(Tag::find().count(&t.db).await.expect("count"), 2);
}

async fn savepoint_rollback_forgets_its_cache(t: TestDb) {
    let session = t.session().await;
    let kept = Tag::as_unique(&session, "Kept").await.expect("create");
    let nested = session.begin_nested().await.expect("savepoint");
    assert_eq!(
        Tag::as_unique(&nested, "Kept").await.expect("cached").id,
        kept.id
    );
    Tag::as_unique(&nested, "Temporary").await.expect("create");
    nested.rollback().await.expect("rollback");

    let before = t.statements();
    let again = Tag::as_unique(&session, "Temporary")
        .await
        .expect("re-create");
    assert!(
        t.statements() > before,
        "a rolled-back row must not come from the cache"
    );
    let nested = session.begin_nested().await.expect("savepoint");
    let inner = Tag::as_unique(&nested, "Inner").await.expect("create");
    nested.commit().await.expect("release");
    let before = t.statements();
    assert_eq!(
        Tag::as_unique(&session, "inner").await.expect("cached").id,
        inner.id
    );
    assert_eq!(
        t.statements(),
        before,
        "a released savepoint hands its cache up"
    );
    session.commit().await.expect("commit");
    assert_eq!(tag_count(&t, "temporary").await, 1);
    assert_eq!(again.slug, "temporary");
}

/// A unique model whose `after_save` counts the inserts it is told about, per name.
pub mod uq_counted {
    use sea_orm::entity::prelude::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    pub static INSERTS: Mutex<Option<HashMap<String, usize>>> = Mutex::new(None);

    #[advanced_alchemy::model(BigIntBase, hooks)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "uq_counted")]
    pub struct Model {
        #[sea_orm(unique)]
        pub name: String,
    }

    #[async_trait::async_trait]
    impl advanced_alchemy::hooks::ModelHooks for ActiveModel {
        async fn after_save<C: ConnectionTrait>(
            model: Model,
            _db: &C,
            insert: bool,
        ) -> Result<Model, DbErr> {
            if insert {
                let mut map = INSERTS.lock().unwrap_or_else(|e| e.into_inner());
                *map.get_or_insert_with(HashMap::new)
                    .entry(model.name.clone())
                    .or_default() += 1;
            }
            Ok(model)
        }
    }

    pub fn inserts(name: &str) -> usize {
        let map = INSERTS.lock().unwrap_or_else(|e| e.into_inner());
        map.as_ref().and_then(|m| m.get(name).copied()).unwrap_or(0)
    }
}

impl UniqueMixin<String> for uq_counted::Entity {
    type Key = String;
    fn unique_hash(name: &String) -> String {
        name.clone()
    }
    fn unique_filter(name: &String) -> Condition {
        uq_counted::Column::Name.eq(name.as_str()).into_condition()
    }
    fn new_model(name: String) -> uq_counted::ActiveModel {
        uq_counted::ActiveModel {
            name: Set(name),
            ..Default::default()
        }
    }
}

/// A row that a concurrent transaction committed after ours took its snapshot: on
/// MySQL our SELECT misses it and the insert finds the duplicate. Its save hook must not
/// be told it was inserted.
async fn existing_row_is_not_reported_inserted(t: TestDb) {
    let name = format!("snapshot-{:?}", t.backend);
    let create = |db: sea_orm::DatabaseConnection, name: String| async move {
        let other = Session::new(&db);
        uq_counted::Entity::as_unique(&other, name).await
    };
    let session = if t.backend == crate::support::Backend::Sqlite {
        // one connection: no interleaving possible, the row simply exists first
        create(t.db.clone(), name.clone()).await.expect("winner");
        t.session().await
    } else {
        let session = t.session().await;
        // take the snapshot (REPEATABLE READ on MySQL) before the other side commits
        uq_counted::Entity::find()
            .all(&session)
            .await
            .expect("snapshot");
        create(t.db.clone(), name.clone()).await.expect("winner");
        session
    };
    assert_eq!(uq_counted::inserts(&name), 1);
    let found = uq_counted::Entity::as_unique(&session, name.clone())
        .await
        .expect("found");
    assert_eq!(found.name, name);
    assert_eq!(
        uq_counted::inserts(&name),
        1,
        "an existing row was reported inserted"
    );
    session.commit().await.expect("commit");
}

/// SQLite on a file with a pool of several connections (issue 10 item 6).
mod file_pool {
    use super::*;

    /// Issue 10 item 6: 16 and then 64 tasks, each in its own transaction, ask for the same
    /// few new keys at once. SQLite runs on a file with the multi-connection pool `connect`
    /// opens (WAL, busy timeout, `BEGIN IMMEDIATE` sessions), the servers on the test pool:
    /// every call succeeds and each key gets one row.
    async fn many_tasks_on_a_pool_get_no_errors(t: TestDb) {
        let db = if t.backend == crate::support::Backend::Sqlite {
            advanced_alchemy::connect(&t.url).await.expect("file pool")
        } else {
            t.db.clone()
        };
        const KEYS: usize = 4;
        const ROUNDS: usize = 5;
        for tasks in [16, 64] {
            let mut handles = Vec::new();
            for task in 0..tasks {
                let db = db.clone();
                handles.push(tokio::spawn(async move {
                    let mut errors = Vec::new();
                    for round in 0..ROUNDS {
                        let name = format!("Pool {tasks} {}", (task + round) % KEYS);
                        let outcome = async {
                            let session = Session::begin(&db).await?;
                            let tag = Tag::as_unique(&session, name.as_str()).await?;
                            session.commit().await?;
                            Ok::<_, Error>(tag)
                        }
                        .await;
                        if let Err(e) = outcome {
                            errors.push(e.to_string());
                        }
                    }
                    errors
                }));
            }
            let mut errors = Vec::new();
            for handle in handles {
                errors.extend(handle.await.expect("task"));
            }
            assert!(
                errors.is_empty(),
                "{} of {} calls failed with {tasks} tasks: {:?}",
                errors.len(),
                tasks * ROUNDS,
                &errors[..errors.len().min(3)]
            );
            for key in 0..KEYS {
                assert_eq!(
                    tag_count(&t, &slugify(&format!("Pool {tasks} {key}"))).await,
                    1
                );
            }
        }
    }

    crate::backend_tests!(on_disk: many_tasks_on_a_pool_get_no_errors);
}

crate::backend_tests!(
    existing_row_is_not_reported_inserted,
    creates_then_finds,
    same_key_twice_costs_one_lookup,
    already_built_model_is_deduplicated,
    concurrent_transactions_get_one_row,
    two_matches_are_multiple_results_found,
    conflict_on_another_constraint_is_duplicate_key,
    savepoint_rollback_forgets_its_cache,
);
