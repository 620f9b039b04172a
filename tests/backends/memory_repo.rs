//! `repository::memory::MemoryRepository` against the real `Repository`: the same rows
//! and the same filters give the same answers, on every backend.
//!
//! * the property test of `filter_props` (random rows, random filter trees with nested
//!   and/or groups, negation, NULLs, `IN`/`NOT IN` with empty and absent lists, searches)
//!   run through both repositories;
//! * ordering (with NULLs placed explicitly, as the backends differ by default), pages,
//!   totals, ranges on timestamps, comparisons on floats and filters parsed from a
//!   query string;
//! * writes: keys, defaults, unique violations (the constraint the database names),
//!   not-found, soft delete;
//! * what memory cannot evaluate is `Error::UnsupportedFilter`, never "no filter".

use crate::filter_props::{rows, tree};
use crate::filters::{flt_child, flt_item, item, items, jan};
use crate::support::TestDb;
use advanced_alchemy::Error;
use advanced_alchemy::filters::params::FilterSchema;
use advanced_alchemy::filters::{
    BeforeAfter, ComparisonFilter, ExistsFilter, Filter, FilterGroup, LimitOffset, Logic,
    NullsOrder, OnBeforeAfter, Operator, OrderBy, SearchFilter,
};
use advanced_alchemy::repository::Repository;
use advanced_alchemy::repository::memory::MemoryRepository;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel};

pub mod mem_account {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntAuditBase, SoftDelete)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "mem_account")]
    pub struct Model {
        #[sea_orm(unique)]
        pub email: String,
        pub nickname: Option<String>,
        #[sea_orm(default_value = 0)]
        pub logins: i32,
    }
}

type Item = flt_item::Entity;

/// The database's rows, copied into a memory repository as they are.
async fn mirror(t: &TestDb) -> MemoryRepository<Item> {
    let memory = MemoryRepository::<Item>::new();
    let stored = items(&t.db).get_many(()).await.expect("read");
    memory.add_many(stored).await.expect("copy");
    memory
}

fn ids(rows: &[flt_item::Model]) -> Vec<i64> {
    rows.iter().map(|r| r.id).collect()
}

fn sorted(rows: &[flt_item::Model]) -> Vec<i64> {
    let mut ids = ids(rows);
    ids.sort_unstable();
    ids
}

async fn same_filter_trees(t: TestDb) {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let handle = tokio::runtime::Handle::current();
    tokio::task::block_in_place(|| {
        let mut runner = TestRunner::new(config);
        let outcome = runner.run(&(rows(), tree()), |(rows, tree)| {
            handle.block_on(async {
                flt_item::Entity::delete_many()
                    .exec(&t.db)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("delete: {e}")))?;
                let repo = items(&t.db);
                for (name, note, qty, active) in rows {
                    let mut row = item(&name);
                    row.note = Set(note);
                    row.qty = Set(qty);
                    row.active = Set(active);
                    repo.add(row)
                        .await
                        .map_err(|e| TestCaseError::fail(format!("insert: {e}")))?;
                }
                let memory = mirror(&t).await;
                let filter = FilterGroup::new(Logic::And, vec![tree.predicate()]);
                let in_db = repo
                    .get_many(&filter)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("SQL: {e}")))?;
                let in_memory = memory
                    .get_many(&filter)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("memory: {e}")))?;
                proptest::prop_assert_eq!(sorted(&in_memory), sorted(&in_db), "{:?}", tree);
                let counted = memory
                    .count(&filter)
                    .await
                    .map_err(|e| TestCaseError::fail(format!("memory count: {e}")))?;
                proptest::prop_assert_eq!(counted, in_db.len() as u64);
                Ok(())
            })
        });
        if let Err(failure) = outcome {
            panic!("{:?}: {failure}", t.backend);
        }
    });
}

/// name, note, qty, score, active, due day
type Seed = (
    &'static str,
    Option<&'static str>,
    Option<i64>,
    f64,
    bool,
    Option<u32>,
);

async fn seed_items(t: &TestDb) {
    let repo = items(&t.db);
    let data: [Seed; 9] = [
        ("apple", Some("red fruit"), Some(3), 1.5, true, Some(3)),
        ("Banana", None, Some(1), -2.25, false, Some(10)),
        ("cherry", Some("Red"), None, 1.5, true, None),
        ("date", Some("brown"), Some(3), 0.0, false, Some(1)),
        ("elder", None, None, 10.0, true, Some(20)),
        ("fig", Some("purple fruit"), Some(-1), 3.75, true, Some(10)),
        ("grape", Some("green"), Some(2), -0.5, false, None),
        ("Honeydew", Some("melon"), Some(7), 2.0, true, Some(15)),
        ("kiwi", Some(""), Some(0), 1.5, false, Some(5)),
    ];
    for (name, note, qty, score, active, due) in data {
        let mut row = item(name);
        row.note = Set(note.map(str::to_owned));
        row.qty = Set(qty);
        row.score = Set(score);
        row.active = Set(active);
        row.due_at = Set(due.map(jan));
        repo.add(row).await.expect("insert");
    }
}

async fn same_orders_pages_and_ranges(t: TestDb) {
    seed_items(&t).await;
    let memory = mirror(&t).await;
    let db = items(&t.db);
    let id = || OrderBy::asc(flt_item::Column::Id);
    let cases: Vec<(&str, Box<dyn Filter<Item>>)> = vec![
        ("all", Box::new(())),
        (
            "score desc, id",
            Box::new((OrderBy::desc(flt_item::Column::Score), id())),
        ),
        (
            "qty asc nulls first, page",
            Box::new((
                OrderBy::asc(flt_item::Column::Qty).nulls(NullsOrder::First),
                id(),
                LimitOffset::new(4, 2),
            )),
        ),
        (
            "qty desc nulls last",
            Box::new((
                OrderBy::desc(flt_item::Column::Qty).nulls(NullsOrder::Last),
                id(),
            )),
        ),
        (
            "due_at desc nulls first, page past the end",
            Box::new((
                OrderBy::desc(flt_item::Column::DueAt).nulls(NullsOrder::First),
                id(),
                LimitOffset::new(5, 50),
            )),
        ),
        (
            "due before/after",
            Box::new((
                BeforeAfter::new(flt_item::Column::DueAt, Some(jan(15)), Some(jan(3))),
                id(),
            )),
        ),
        (
            "due on or before/after",
            Box::new((
                OnBeforeAfter::new(flt_item::Column::DueAt, Some(jan(15)), Some(jan(3))),
                id(),
            )),
        ),
        (
            "due only after",
            Box::new(BeforeAfter::new(
                flt_item::Column::DueAt,
                None,
                Some(jan(10)),
            )),
        ),
        (
            "score >= 1.5, float against int",
            Box::new((
                ComparisonFilter::new(flt_item::Column::Score, Operator::Ge, 1.5),
                id(),
            )),
        ),
        (
            "score < 0, page",
            Box::new((
                ComparisonFilter::new(flt_item::Column::Score, Operator::Lt, 0.0),
                id(),
                LimitOffset::new(1, 1),
            )),
        ),
        (
            "fruit search ignoring case, across columns",
            Box::new((
                SearchFilter::across([flt_item::Column::Name, flt_item::Column::Note], "RED")
                    .ignore_case(true),
                id(),
            )),
        ),
        (
            "or group with a page",
            Box::new((
                FilterGroup::or()
                    .with(ComparisonFilter::new(
                        flt_item::Column::Qty,
                        Operator::Eq,
                        3,
                    ))
                    .with(SearchFilter::new(flt_item::Column::Note, "fruit")),
                OrderBy::desc(flt_item::Column::Score),
                id(),
                LimitOffset::new(2, 0),
            )),
        ),
    ];
    for (what, filter) in &cases {
        let (db_rows, db_total) = db.get_many_and_count(filter).await.expect(what);
        let (mem_rows, mem_total) = memory.get_many_and_count(filter).await.expect(what);
        assert_eq!(ids(&mem_rows), ids(&db_rows), "{what}");
        assert_eq!(mem_total, db_total, "{what}: total");
        assert_eq!(
            memory.count(filter).await.expect(what),
            db.count(filter).await.expect(what)
        );
        assert_eq!(
            memory.exists(filter).await.expect(what),
            db.exists(filter).await.expect(what)
        );
    }

    // filters parsed from a query string, as a web handler gets them
    let schema = FilterSchema::<Item>::all_columns();
    for query in [
        "name__icontains=e&qty__gt=0&order_by=-id",
        "note__isnull=true&order_by=-due_at",
        "note__isnull=true&order_by=id",
        "qty__in=1&qty__in=3&active=true&order_by=id&limit=1&offset=1",
        "score__lte=1.5&name__startswith=a&order_by=id",
    ] {
        let parsed = schema.parse_query(query).expect(query);
        let (db_rows, db_total) = db.get_many_and_count(&parsed).await.expect(query);
        let (mem_rows, mem_total) = memory.get_many_and_count(&parsed).await.expect(query);
        assert_eq!(ids(&mem_rows), ids(&db_rows), "{query}");
        assert_eq!(mem_total, db_total, "{query}");
    }

    // get_one / get_one_or_none / get
    let one = ComparisonFilter::new(flt_item::Column::Name, Operator::Eq, "fig");
    assert_eq!(
        memory.get_one(&one).await.expect("one").id,
        db.get_one(&one).await.expect("one").id
    );
    let many = ComparisonFilter::new(flt_item::Column::Qty, Operator::Eq, 3);
    assert!(matches!(
        db.get_one_or_none(&many).await,
        Err(Error::MultipleResultsFound { .. })
    ));
    assert!(matches!(
        memory.get_one_or_none(&many).await,
        Err(Error::MultipleResultsFound { .. })
    ));
    let none = ComparisonFilter::new(flt_item::Column::Name, Operator::Eq, "zzz");
    assert!(memory.get_one_or_none(&none).await.expect("none").is_none());
    assert!(matches!(
        memory.get_one(&none).await,
        Err(Error::NotFound { .. })
    ));
    let first = db
        .get_many(OrderBy::asc(flt_item::Column::Id))
        .await
        .expect("rows")[0]
        .clone();
    assert_eq!(memory.get(first.id).await.expect("get"), first);
    assert!(matches!(memory.get(-5).await, Err(Error::NotFound { .. })));
}

async fn unsupported_filters_are_errors(t: TestDb) {
    seed_items(&t).await;
    let memory = mirror(&t).await;
    let unsupported = |r: advanced_alchemy::Result<Vec<flt_item::Model>>| match r {
        Err(Error::UnsupportedFilter { filter, reason }) => (filter, reason),
        other => panic!("expected UnsupportedFilter, got {other:?}"),
    };
    // a raw SeaORM condition: the database runs it, memory refuses it
    let raw = flt_item::Column::Name.eq("fig");
    assert_eq!(
        items(&t.db).get_many(raw.clone()).await.expect("SQL").len(),
        1
    );
    let (filter, reason) = unsupported(memory.get_many(raw.clone()).await);
    assert!(filter.contains("Expr"), "{filter}");
    assert!(reason.contains("SQLite in memory"), "{reason}");
    // … also next to filters memory does evaluate, and nested in a group
    unsupported(
        memory
            .get_many((OrderBy::asc(flt_item::Column::Id), raw.clone()))
            .await,
    );
    let group = FilterGroup::or()
        .with(ComparisonFilter::new(
            flt_item::Column::Qty,
            Operator::Eq,
            3,
        ))
        .with(sea_orm::Condition::all().add(raw.clone()));
    unsupported(memory.get_many(group).await);
    // EXISTS needs the related table
    let exists = ExistsFilter::any::<flt_child::Entity>();
    assert_eq!(items(&t.db).count(&exists).await.expect("SQL"), 0);
    let (_, reason) = unsupported(memory.get_many(&exists).await);
    assert!(reason.contains("related table"), "{reason}");
    assert!(matches!(
        memory.count(&exists).await,
        Err(Error::UnsupportedFilter { .. })
    ));
    assert!(matches!(
        memory.delete_where(&exists).await,
        Err(Error::UnsupportedFilter { .. })
    ));
    assert_eq!(memory.rows().len(), 9, "nothing deleted");
    // search on a column that is not text
    let search = SearchFilter::new(flt_item::Column::Qty, "3");
    unsupported(memory.get_many(search).await);
}

fn account(email: &str) -> mem_account::ActiveModel {
    mem_account::ActiveModel {
        email: Set(email.to_owned()),
        ..Default::default()
    }
}

async fn same_writes(t: TestDb) {
    let db = Repository::<mem_account::Entity, _>::new(&t.db);
    let memory = MemoryRepository::<mem_account::Entity>::new();

    // keys, audit columns, defaults, nullable columns
    for email in ["a@x", "b@x", "c@x"] {
        let stored = db.add(account(email)).await.expect("db add");
        let kept = memory.add(account(email)).await.expect("memory add");
        assert_eq!(
            (kept.id, &kept.email, kept.logins, &kept.nickname),
            (stored.id, &stored.email, stored.logins, &stored.nickname)
        );
        assert!(kept.deleted_at.is_none() && kept.created_at == kept.updated_at);
    }

    // a unique violation names the same constraint; nothing of a failed add_many stays
    let db_err = db.add(account("a@x")).await.expect_err("duplicate");
    let mem_err = memory.add(account("a@x")).await.expect_err("duplicate");
    assert!(matches!(mem_err, Error::DuplicateKey { .. }), "{mem_err:?}");
    assert_eq!(mem_err.constraint(), Some("uq_mem_account_email"));
    assert_eq!(db_err.constraint(), mem_err.constraint());
    let batch = [account("d@x"), account("b@x")];
    db.add_many(batch.clone())
        .await
        .expect_err("duplicate in batch");
    memory
        .add_many(batch)
        .await
        .expect_err("duplicate in batch");
    assert_eq!(
        memory.count(()).await.expect("count"),
        db.count(()).await.expect("count")
    );
    assert_eq!(memory.count(()).await.expect("count"), 3);
    let pk = memory
        .add(mem_account::ActiveModel {
            id: Set(1),
            ..account("z@x")
        })
        .await;
    assert_eq!(
        pk.expect_err("duplicate key").constraint(),
        Some("pk_mem_account")
    );

    // update: Set columns change, updated_at moves, a missing row is NotFound
    let first = memory.get(1).await.expect("get");
    let mut change = first.clone().into_active_model();
    change.nickname = Set(Some("Ann".into()));
    change.logins = Set(4);
    let updated = memory.update(change.clone()).await.expect("update");
    db.update(change).await.expect("db update");
    assert_eq!(
        (updated.nickname.as_deref(), updated.logins),
        (Some("Ann"), 4)
    );
    assert!(updated.updated_at >= first.updated_at);
    assert_eq!(updated.created_at, first.created_at);
    let mut ghost = first.clone().into_active_model();
    ghost.id = Set(99);
    ghost.logins = Set(1);
    assert!(matches!(
        db.update(ghost.clone()).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        memory.update(ghost).await,
        Err(Error::NotFound { .. })
    ));
    let mut clash = memory.get(2).await.expect("get").into_active_model();
    clash.email = Set("a@x".into());
    assert_eq!(
        memory.update(clash).await.expect_err("unique").constraint(),
        Some("uq_mem_account_email")
    );

    // soft delete: delete stamps, reads skip, restore, hard delete
    let gone = memory.delete(2).await.expect("delete");
    let db_gone = db.delete(2).await.expect("db delete");
    assert!(gone.deleted_at.is_some() && db_gone.deleted_at.is_some());
    assert!(matches!(memory.get(2).await, Err(Error::NotFound { .. })));
    assert_eq!(
        memory.count(()).await.expect("count"),
        db.count(()).await.expect("count")
    );
    assert_eq!(
        memory
            .clone()
            .include_deleted()
            .count(())
            .await
            .expect("count"),
        3
    );
    assert!(matches!(
        memory.delete(2).await,
        Err(Error::NotFound { .. })
    ));
    assert!(
        memory
            .restore(2)
            .await
            .expect("restore")
            .deleted_at
            .is_none()
    );
    db.restore(2).await.expect("db restore");
    assert_eq!(memory.count(()).await.expect("count"), 3);

    // delete_many ignores missing keys; delete_where by filter
    let removed = memory.delete_many([1, 3, 42]).await.expect("delete_many");
    let db_removed = db.delete_many([1, 3, 42]).await.expect("db delete_many");
    assert_eq!(removed.len(), db_removed.len());
    let by_filter = SearchFilter::new(mem_account::Column::Email, "b@");
    assert_eq!(
        memory
            .delete_where(&by_filter)
            .await
            .expect("delete_where")
            .len(),
        1
    );
    assert_eq!(
        db.delete_where(&by_filter)
            .await
            .expect("db delete_where")
            .len(),
        1
    );
    assert_eq!(memory.count(()).await.expect("count"), 0);
    assert_eq!(db.count(()).await.expect("count"), 0);
    assert_eq!(memory.hard_delete(2).await.expect("hard delete").id, 2);
    assert_eq!(
        memory.rows().len(),
        2,
        "rows 1 and 3 are soft-deleted, still stored"
    );

    // a column with no value and no default is a clear error, not a zero
    let no_email = mem_account::ActiveModel::default();
    match memory.add(no_email).await {
        Err(Error::InvalidRequest(message)) => assert!(message.contains("email"), "{message}"),
        other => panic!("{other:?}"),
    }
}

crate::backend_tests!(
    same_filter_trees,
    same_orders_pages_and_ranges,
    unsupported_filters_are_errors,
    same_writes,
);
