//! Comparisons, NULL checks, booleans, ranges, collections, ordering and EXISTS.

use super::{flt_child, flt_item, item, items, jan, names, ordered_names, seed};
use crate::blog::{self, post, tag};
use crate::support::TestDb;
use advanced_alchemy::filters::{
    BeforeAfter, BooleanFilter, CollectionFilter, ComparisonFilter, ExistsFilter, LimitOffset,
    NotExistsFilter, NotInCollectionFilter, NotNullFilter, NullFilter, NullsOrder, OnBeforeAfter,
    Operator, OrderBy, SearchFilter,
};
use advanced_alchemy::repository::Repository;
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait};

/// a: qty 1, active, note "x", due Jan 1; b: qty 5, note "y", due Jan 10;
/// c: qty 10, active; d: no qty.
async fn abcd(t: &TestDb) -> Vec<flt_item::Model> {
    let mut a = item("a");
    a.qty = Set(Some(1));
    a.active = Set(true);
    a.note = Set(Some("x".into()));
    a.due_at = Set(Some(jan(1)));
    a.score = Set(0.5);
    let mut b = item("b");
    b.qty = Set(Some(5));
    b.note = Set(Some("y".into()));
    b.due_at = Set(Some(jan(10)));
    b.score = Set(1.5);
    let mut c = item("c");
    c.qty = Set(Some(10));
    c.active = Set(true);
    c.score = Set(2.5);
    seed(t, vec![a, b, c, item("d")]).await
}

async fn comparisons(t: TestDb) {
    abcd(&t).await;
    let qty = flt_item::Column::Qty;
    let cases = [
        (Operator::Eq, vec!["b"]),
        (Operator::Ne, vec!["a", "c"]), // d's NULL matches neither = nor <>
        (Operator::Gt, vec!["c"]),
        (Operator::Ge, vec!["b", "c"]),
        (Operator::Lt, vec!["a"]),
        (Operator::Le, vec!["a", "b"]),
    ];
    for (op, expected) in cases {
        assert_eq!(
            names(&t, ComparisonFilter::new(qty, op, 5_i64)).await,
            expected,
            "{op}"
        );
    }
    let score = ComparisonFilter::new(flt_item::Column::Score, Operator::Gt, 1.0_f64);
    assert_eq!(names(&t, score).await, ["b", "c"]);
    // a NULL value is IS NULL / IS NOT NULL, as in SeaORM
    let none = ComparisonFilter::new(qty, Operator::Eq, Option::<i64>::None);
    assert_eq!(names(&t, none).await, ["d"]);
}

async fn text_equality_is_exact(t: TestDb) {
    // MariaDB's default collation would call all of these equal to "apple"
    seed(
        &t,
        ["apple", "Apple", "apple ", "äpple", "APPLE"]
            .into_iter()
            .map(item)
            .collect(),
    )
    .await;
    let name = flt_item::Column::Name;
    let eq = |v: &str| ComparisonFilter::new(name, Operator::Eq, v.to_owned());
    assert_eq!(names(&t, eq("apple")).await, ["apple"]);
    assert_eq!(names(&t, eq("apple ")).await, ["apple "]);
    assert_eq!(names(&t, eq("äpple")).await, ["äpple"]);
    let ne = ComparisonFilter::new(name, Operator::Ne, "apple".to_owned());
    assert_eq!(names(&t, ne).await.len(), 4);
    let within = CollectionFilter::new(name, ["apple", "APPLE"]);
    assert_eq!(names(&t, within).await, ["APPLE", "apple"]);
    let outside = NotInCollectionFilter::new(name, ["apple", "APPLE"]);
    assert_eq!(names(&t, outside).await, ["Apple", "apple ", "äpple"]);
}

async fn nulls_and_booleans(t: TestDb) {
    abcd(&t).await;
    assert_eq!(
        names(&t, NullFilter::new(flt_item::Column::Note)).await,
        ["c", "d"]
    );
    assert_eq!(
        names(&t, NotNullFilter::new(flt_item::Column::Note)).await,
        ["a", "b"]
    );
    let active = flt_item::Column::Active;
    assert_eq!(
        names(&t, BooleanFilter::new(active, true)).await,
        ["a", "c"]
    );
    assert_eq!(
        names(&t, BooleanFilter::new(active, false)).await,
        ["b", "d"]
    );
    assert_eq!(names(&t, BooleanFilter::new(active, None)).await.len(), 4);
}

async fn ranges(t: TestDb) {
    abcd(&t).await;
    let due = flt_item::Column::DueAt;
    let strict = BeforeAfter::new(due, Some(jan(10)), Some(jan(1)));
    assert!(names(&t, strict).await.is_empty());
    let inclusive = OnBeforeAfter::new(due, Some(jan(10)), Some(jan(1)));
    assert_eq!(names(&t, inclusive).await, ["a", "b"]);
    assert_eq!(
        names(&t, BeforeAfter::new(due, Some(jan(5)), None)).await,
        ["a"]
    );
    assert_eq!(
        names(&t, BeforeAfter::new(due, None, Some(jan(5)))).await,
        ["b"]
    );
    // no bound: no filter, NULLs included
    let unbounded = BeforeAfter::<_, chrono::DateTime<chrono::Utc>>::new(due, None, None);
    assert_eq!(names(&t, unbounded).await.len(), 4);
    // on the audit column, and with other value types
    let created = BeforeAfter::new(flt_item::Column::CreatedAt, None, Some(jan(1)));
    assert_eq!(names(&t, created).await.len(), 4);
    let qty = OnBeforeAfter::new(flt_item::Column::Qty, Some(5_i64), Some(5));
    assert_eq!(names(&t, qty).await, ["b"]);
}

async fn collections_and_empty_lists(t: TestDb) {
    abcd(&t).await;
    let qty = flt_item::Column::Qty;
    assert_eq!(
        names(&t, CollectionFilter::new(qty, [1_i64, 10, 99])).await,
        ["a", "c"]
    );
    // the Python library's empty-list semantics
    assert!(
        names(&t, CollectionFilter::new(qty, Vec::<i64>::new()))
            .await
            .is_empty()
    );
    let absent = CollectionFilter::optional(qty, None::<Vec<i64>>);
    assert_eq!(names(&t, absent).await.len(), 4);
    // NOT IN: NULL matches neither; empty or absent excludes nothing
    assert_eq!(
        names(&t, NotInCollectionFilter::new(qty, [1_i64])).await,
        ["b", "c"]
    );
    let empty = NotInCollectionFilter::new(qty, Vec::<i64>::new());
    assert_eq!(names(&t, empty).await.len(), 4);
    let absent = NotInCollectionFilter::optional(qty, None::<Vec<i64>>);
    assert_eq!(names(&t, absent).await.len(), 4);
    // ids, the common case
    let all = items(&t.db).get_many(()).await.expect("all");
    let ids: Vec<i64> = all.iter().take(2).map(|i| i.id).collect();
    assert_eq!(
        names(&t, CollectionFilter::new(flt_item::Column::Id, ids)).await,
        ["a", "b"]
    );
}

async fn nulls_first_and_last(t: TestDb) {
    abcd(&t).await;
    let due = flt_item::Column::DueAt;
    let by = |order: OrderBy<flt_item::Column>| (order, OrderBy::asc(flt_item::Column::Name));
    let cases = [
        (
            OrderBy::asc(due).nulls(NullsOrder::First),
            ["c", "d", "a", "b"],
        ),
        (
            OrderBy::asc(due).nulls(NullsOrder::Last),
            ["a", "b", "c", "d"],
        ),
        (
            OrderBy::desc(due).nulls(NullsOrder::First),
            ["c", "d", "b", "a"],
        ),
        (
            OrderBy::desc(due).nulls(NullsOrder::Last),
            ["b", "a", "c", "d"],
        ),
    ];
    for (order, expected) in cases {
        assert_eq!(ordered_names(&t, by(order)).await, expected, "{order:?}");
    }
    // with a page and a condition
    let page = (
        NotNullFilter::new(flt_item::Column::Qty),
        OrderBy::desc(flt_item::Column::Qty),
        LimitOffset::new(2, 1),
    );
    let (rows, total) = items(&t.db).get_many_and_count(page).await.expect("page");
    let got: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!((got, total), (vec!["b", "a"], 3));
}

async fn exists_along_relations(t: TestDb) {
    let saved = abcd(&t).await;
    let children = Repository::<flt_child::Entity, _>::new(&t.db);
    for (parent, label) in [(0, "red"), (0, "blue"), (1, "Red"), (2, "green")] {
        children
            .add(flt_child::ActiveModel {
                item_id: Set(saved[parent].id),
                label: Set(label.to_owned()),
                ..Default::default()
            })
            .await
            .expect("child");
    }
    // has-many
    let red = || SearchFilter::new(flt_child::Column::Label, "red").ignore_case(true);
    let with_red = ExistsFilter::new::<flt_child::Entity>(red());
    assert_eq!(names(&t, with_red).await, ["a", "b"]);
    let without_red = NotExistsFilter::new::<flt_child::Entity>(red());
    assert_eq!(names(&t, without_red).await, ["c", "d"]);
    assert_eq!(
        names(&t, ExistsFilter::any::<flt_child::Entity>()).await,
        ["a", "b", "c"]
    );
    assert_eq!(
        names(&t, NotExistsFilter::any::<flt_child::Entity>()).await,
        ["d"]
    );
    // belongs-to: children of active items
    let of_active = ExistsFilter::<flt_child::Entity>::new::<flt_item::Entity>(
        flt_item::Column::Active.eq(true),
    );
    let mut labels: Vec<String> = children
        .get_many(of_active)
        .await
        .expect("children")
        .into_iter()
        .map(|c| c.label)
        .collect();
    labels.sort();
    assert_eq!(labels, ["blue", "green", "red"]);
    // combined with other filters
    let both = (
        ExistsFilter::any::<flt_child::Entity>(),
        BooleanFilter::new(flt_item::Column::Active, false),
    );
    assert_eq!(names(&t, both).await, ["b"]);
}

async fn exists_many_to_many(t: TestDb) {
    let session = t.session().await;
    let mut titles = Vec::new();
    for (title, tags) in [
        ("one", &["Rust", "SQL"][..]),
        ("two", &["Go"][..]),
        ("three", &[][..]),
    ] {
        let saved = post::ActiveModel {
            title: Set(title.into()),
            content: Set("...".into()),
            published: Set(false),
            ..Default::default()
        }
        .insert(&session)
        .await
        .expect("post");
        blog::add_tags_to_post(&session, &saved, tags)
            .await
            .expect("tags");
        titles.push(saved.title);
    }
    session.commit().await.expect("commit");
    let posts = Repository::<post::Entity, _>::new(&t.db);
    let titles_of = |rows: Vec<post::Model>| {
        let mut t: Vec<String> = rows.into_iter().map(|p| p.title).collect();
        t.sort();
        t
    };
    let rust = ExistsFilter::new::<tag::Entity>(tag::Column::Slug.eq("rust"));
    assert_eq!(
        titles_of(posts.get_many(rust).await.expect("rust")),
        ["one"]
    );
    let tagged = ExistsFilter::any::<tag::Entity>();
    assert_eq!(
        titles_of(posts.get_many(tagged).await.expect("tagged")),
        ["one", "two"]
    );
    let untagged = NotExistsFilter::any::<tag::Entity>();
    assert_eq!(
        titles_of(posts.get_many(untagged).await.expect("untagged")),
        ["three"]
    );
    // and from the tag side
    let tags = Repository::<tag::Entity, _>::new(&t.db);
    let on_two = ExistsFilter::new::<post::Entity>(post::Column::Title.eq("two"));
    let names: Vec<String> = tags
        .get_many(on_two)
        .await
        .expect("tags")
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["Go"]);
}

/// README (issue 10 docs): ordering by an expression is a `Filter` of your own that
/// calls `FilterQuery::order_by`.
#[derive(Debug)]
struct OrderByExpr(&'static str, sea_orm::Order);

impl advanced_alchemy::filters::Filter<flt_item::Entity> for OrderByExpr {
    fn apply(&self, query: &mut advanced_alchemy::filters::FilterQuery<flt_item::Entity>) {
        query.order_by(sea_orm::sea_query::Expr::cust(self.0), self.1.clone(), None);
    }
}

async fn order_by_an_expression(t: TestDb) {
    seed(&t, ["b", "C", "a", "D"].map(item).to_vec()).await;
    let lower = OrderByExpr("lower(name)", sea_orm::Order::Asc);
    assert_eq!(ordered_names(&t, lower).await, ["a", "b", "C", "D"]);
    let random = if t.backend == crate::support::Backend::MySql {
        "RAND()"
    } else {
        "random()"
    };
    let mut shuffled = ordered_names(&t, OrderByExpr(random, sea_orm::Order::Asc)).await;
    shuffled.sort();
    assert_eq!(shuffled, ["C", "D", "a", "b"]);
}

/// README (issue 10 docs): several conditions inside one `ExistsFilter` are one
/// `Condition` (or a `FilterGroup`) given as its predicate.
async fn exists_with_combined_conditions(t: TestDb) {
    use sea_orm::sea_query::Condition;
    let saved = abcd(&t).await;
    let children = Repository::<flt_child::Entity, _>::new(&t.db);
    for (parent, label) in [(0, "red"), (0, "blue"), (1, "Red"), (2, "green")] {
        children
            .add(flt_child::ActiveModel {
                item_id: Set(saved[parent].id),
                label: Set(label.to_owned()),
                ..Default::default()
            })
            .await
            .expect("child");
    }
    let blue_or_green = Condition::any()
        .add(flt_child::Column::Label.eq("blue"))
        .add(flt_child::Column::Label.eq("green"));
    assert_eq!(
        names(&t, ExistsFilter::new::<flt_child::Entity>(blue_or_green)).await,
        ["a", "c"]
    );
    // one child satisfying both: b's "Red" (a's "red" and "blue" are two children)
    let both = Condition::all()
        .add(flt_child::Column::Label.ne("blue"))
        .add(flt_child::Column::Label.ne("green"))
        .add(flt_child::Column::Id.gt(0i64));
    let got = names(&t, ExistsFilter::new::<flt_child::Entity>(both)).await;
    assert_eq!(got, ["a", "b"]);
}

crate::backend_tests!(
    order_by_an_expression,
    exists_with_combined_conditions,
    comparisons,
    text_equality_is_exact,
    nulls_and_booleans,
    ranges,
    collections_and_empty_lists,
    nulls_first_and_last,
    exists_along_relations,
    exists_many_to_many,
);
