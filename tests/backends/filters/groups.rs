//! FilterGroup: nesting, negation, empty groups, inactive members.

use super::{flt_item, item, names, seed};
use crate::support::TestDb;
use advanced_alchemy::filters::{
    BooleanFilter, CollectionFilter, ComparisonFilter, ExistsFilter, FilterGroup, Logic,
    NullFilter, Operator, Predicate, SearchFilter,
};
use sea_orm::ActiveValue::Set;
use sea_orm::ColumnTrait;

type Group = FilterGroup<flt_item::Entity>;

/// a: qty 1 active; b: qty 2; c: qty 3 active; d: no qty.
async fn abcd(t: &TestDb) {
    let rows = [
        ("a", Some(1), true),
        ("b", Some(2), false),
        ("c", Some(3), true),
        ("d", None, false),
    ]
    .into_iter()
    .map(|(name, qty, active)| {
        let mut row = item(name);
        row.qty = Set(qty);
        row.active = Set(active);
        row
    })
    .collect();
    seed(t, rows).await;
}

fn qty(op: Operator, v: i64) -> ComparisonFilter<flt_item::Column, i64> {
    ComparisonFilter::new(flt_item::Column::Qty, op, v)
}

async fn nested_and_or(t: TestDb) {
    abcd(&t).await;
    // active AND (qty = 1 OR qty IS NULL OR name = 'b')
    let inner = Group::or()
        .with(qty(Operator::Eq, 1))
        .with(NullFilter::new(flt_item::Column::Qty))
        .with(flt_item::Column::Name.eq("b"));
    let outer = Group::and()
        .with(BooleanFilter::new(flt_item::Column::Active, true))
        .with(inner);
    assert_eq!(names(&t, outer).await, ["a"]);
    // three levels: (qty > 1 AND (name = 'c' OR (NOT active))) OR name = 'a'
    let deep = Group::or()
        .with(
            Group::and().with(qty(Operator::Gt, 1)).with(
                Group::or().with(flt_item::Column::Name.eq("c")).with(
                    Group::and()
                        .with(BooleanFilter::new(flt_item::Column::Active, true))
                        .negate(),
                ),
            ),
        )
        .with(flt_item::Column::Name.eq("a"));
    assert_eq!(names(&t, deep).await, ["a", "b", "c"]);
    // built from a list, as code assembling filters at run time would
    let members: Vec<Box<dyn Predicate<flt_item::Entity>>> = vec![
        Box::new(qty(Operator::Lt, 2)),
        Box::new(SearchFilter::new(flt_item::Column::Name, "c")),
    ];
    assert_eq!(
        names(&t, FilterGroup::new(Logic::Or, members)).await,
        ["a", "c"]
    );
}

async fn negation_follows_sql(t: TestDb) {
    abcd(&t).await;
    // NOT (qty >= 2): d's NULL quantity is unknown either way
    let not_big = Group::and().with(qty(Operator::Ge, 2)).negate();
    assert_eq!(names(&t, not_big).await, ["a"]);
    // double negation is the group itself
    let twice = Group::and().with(qty(Operator::Ge, 2)).negate().negate();
    assert_eq!(names(&t, twice).await, ["b", "c"]);
    // NOT (active OR qty IS NULL)
    let neither = Group::or()
        .with(BooleanFilter::new(flt_item::Column::Active, true))
        .with(NullFilter::new(flt_item::Column::Qty))
        .negate();
    assert_eq!(names(&t, neither).await, ["b"]);
    // a negated EXISTS inside a group
    let childless_active = Group::and()
        .with(BooleanFilter::new(flt_item::Column::Active, true))
        .with(
            Group::and()
                .with(ExistsFilter::any::<super::flt_child::Entity>())
                .negate(),
        );
    assert_eq!(names(&t, childless_active).await, ["a", "c"]);
}

async fn empty_groups_and_inactive_members(t: TestDb) {
    abcd(&t).await;
    // the identities: an empty AND matches all, an empty OR matches nothing
    assert_eq!(names(&t, Group::and()).await.len(), 4);
    assert!(names(&t, Group::or()).await.is_empty());
    assert!(names(&t, Group::and().negate()).await.is_empty());
    assert_eq!(names(&t, Group::or().negate()).await.len(), 4);
    // nested, they keep their meaning
    let or_with_empty_and = Group::or().with(Group::and()).with(qty(Operator::Eq, 1));
    assert_eq!(names(&t, or_with_empty_and).await.len(), 4);
    let and_with_empty_or = Group::and().with(Group::or()).with(qty(Operator::Eq, 1));
    assert!(names(&t, and_with_empty_or).await.is_empty());
    // inactive members (no list, no boolean) are left out, as in the Python library
    let absent = || CollectionFilter::optional(flt_item::Column::Qty, None::<Vec<i64>>);
    let or_with_absent = Group::or().with(absent()).with(qty(Operator::Eq, 1));
    assert_eq!(names(&t, or_with_absent).await, ["a"]);
    let only_absent = Group::or()
        .with(absent())
        .with(BooleanFilter::new(flt_item::Column::Active, None));
    assert_eq!(names(&t, only_absent).await.len(), 4);
    assert_eq!(
        names(&t, Group::or().with(absent()).negate()).await.len(),
        4
    );
    // an empty list is not absent: it matches nothing
    let empty_list = Group::or().with(CollectionFilter::new(
        flt_item::Column::Qty,
        Vec::<i64>::new(),
    ));
    assert!(names(&t, empty_list).await.is_empty());
}

crate::backend_tests!(
    nested_and_or,
    negation_follows_sql,
    empty_groups_and_inactive_members,
);
