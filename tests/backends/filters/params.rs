//! Filters from query strings and JSON (FilterSchema / MultiFilter), end to end.

use super::{flt_item, item, items, jan, seed};
use crate::support::TestDb;
use advanced_alchemy::Error;
use advanced_alchemy::filters::params::{FilterSchema, ParsedFilters};
use advanced_alchemy::filters::{LimitOffset, MultiFilter, OrderBy};
use sea_orm::ActiveValue::Set;

fn schema() -> FilterSchema<flt_item::Entity> {
    FilterSchema::all_columns()
        .max_page_size(3)
        .default_page_size(3)
        .search_fields(["name", "note"])
        .default_order(OrderBy::asc(flt_item::Column::Name))
}

/// Five items: `Ant` … `Eel`, qty 1…5 (the fifth without), due on Jan 1…5 (the first
/// without), active when odd, notes on some.
async fn zoo(t: &TestDb) -> Vec<flt_item::Model> {
    let names = ["Ant", "Bee", "Cat", "Dog", "Eel"];
    let rows = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let n = i as i64 + 1;
            let mut row = item(name);
            row.qty = Set((n < 5).then_some(n));
            row.due_at = Set((n > 1).then(|| jan(n as u32)));
            row.active = Set(n % 2 == 1);
            row.note = Set(match n {
                1 => Some("small, 50% off".into()),
                2 => Some("buzz".into()),
                4 => Some("Good boy".into()),
                _ => None,
            });
            row
        })
        .collect();
    seed(t, rows).await
}

async fn names_of(t: &TestDb, parsed: ParsedFilters<flt_item::Entity>) -> (Vec<String>, u64) {
    let (rows, total) = items(&t.db)
        .get_many_and_count(parsed)
        .await
        .expect("query");
    (rows.into_iter().map(|r| r.name).collect(), total)
}

async fn query(t: &TestDb, query: &str) -> (Vec<String>, u64) {
    let parsed = schema()
        .parse_query(query)
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    names_of(t, parsed).await
}

async fn query_strings(t: TestDb) {
    let saved = zoo(&t).await;
    let cases: &[(&str, &[&str], u64)] = &[
        ("", &["Ant", "Bee", "Cat"], 5),
        ("name=Cat", &["Cat"], 1),
        ("name=cat", &[], 0),
        ("name__icontains=E", &["Bee", "Eel"], 2),
        ("name__contains=e", &["Bee", "Eel"], 2),
        ("name__istartswith=b&active=false", &["Bee"], 1),
        ("qty__gte=2&qty__lt=4", &["Bee", "Cat"], 2),
        ("qty__in=1,3,9", &["Ant", "Cat"], 2),
        ("qty__in=", &[], 0),
        ("qty__not_in=1,2", &["Cat", "Dog"], 2),
        ("qty__not_in=", &["Ant", "Bee", "Cat"], 5),
        ("qty__isnull=true", &["Eel"], 1),
        (
            "due_at__isnull=false&order_by=-due_at",
            &["Eel", "Dog", "Cat"],
            4,
        ),
        (
            "due_at__gte=2024-01-03T00:00:00Z",
            &["Cat", "Dog", "Eel"],
            3,
        ),
        ("due_at__lt=2024-01-03", &["Bee"], 1),
        (
            "due_at__gt=2024-01-03T01:00:00%2B02:00",
            &["Cat", "Dog", "Eel"],
            3,
        ),
        (
            "due_at__gt=2024-01-03T01:00:00+02:00",
            &["Cat", "Dog", "Eel"],
            3,
        ),
        ("note__icontains=50%25+off", &["Ant"], 1),
        ("note__icontains=50_", &[], 0),
        ("note__not_icontains=o", &["Bee"], 1),
        ("order_by=-name&limit=2&offset=1", &["Dog", "Cat"], 5),
        (
            "order_by=due_at:nulls_first,name&limit=2",
            &["Ant", "Bee"],
            5,
        ),
        ("order_by=-due_at:nulls_last&limit=1&offset=4", &["Ant"], 5),
        ("searchString=O&searchIgnoreCase=true", &["Ant", "Dog"], 2),
        ("searchString=o&searchField=name", &["Dog"], 1),
        (
            "orderBy=name&sortOrder=desc&currentPage=2&pageSize=2",
            &["Cat", "Bee"],
            5,
        ),
        (
            "createdAfter=2020-01-01&updatedBefore=2999-01-01&active=1",
            &["Ant", "Cat", "Eel"],
            3,
        ),
        ("score__lte=0&published__isnull=false", &[], 0),
    ];
    for (q, expected, total) in cases {
        if q.contains("published") {
            // unknown field: an error, not a query
            assert!(matches!(
                schema().parse_query(q),
                Err(Error::InvalidRequest(_))
            ));
            continue;
        }
        assert_eq!(
            query(&t, q).await,
            (
                expected.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                *total
            ),
            "{q}"
        );
    }
    let ids = format!("ids={},{}", saved[1].id, saved[3].id);
    assert_eq!(query(&t, &ids).await.0, ["Bee", "Dog"]);
    // the same from decoded pairs, as a web framework hands them over
    let pairs = [("note__contains", "50% off"), ("order_by", "name")];
    let parsed = schema().parse_pairs(pairs).expect("pairs");
    assert_eq!(names_of(&t, parsed).await.0, ["Ant"]);
}

async fn bad_parameters_never_reach_the_database(t: TestDb) {
    zoo(&t).await;
    let before = t.statements();
    for bad in [
        "nope=1",
        "qty=abc",
        "qty__contains=1",
        "name__like=%25",
        "limit=4",
        "order_by=nope",
        "active=maybe",
        "due_at__gt=tomorrow",
        "qty__in=1,two",
        "currentPage=0",
    ] {
        match schema().parse_query(bad) {
            Err(Error::InvalidRequest(message)) => assert!(!message.is_empty(), "{bad}"),
            other => panic!("{bad}: {other:?}"),
        }
    }
    assert_eq!(t.statements(), before);
}

async fn json_multi_filter(t: TestDb) {
    zoo(&t).await;
    let json = serde_json::json!({
        "and_": [
            {"or_": [
                {"type": "comparison", "field_name": "qty", "operator": "in", "value": [1, 2]},
                {"type": "search", "field_name": ["name", "note"], "value": "GOOD", "ignore_case": true}
            ]},
            {"type": "not_null", "field_name": "note"},
            {"type": "order_by", "field_name": "qty", "sort_order": "desc"}
        ]
    });
    let parsed = MultiFilter::from_json(&schema(), &json).expect("json");
    assert_eq!(
        names_of(&t, parsed).await,
        (vec!["Dog".into(), "Bee".into(), "Ant".into()], 3)
    );
    let text = r#"{"or_": [
        {"type": "on_before_after", "field_name": "due_at", "on_or_after": "2024-01-04T00:00:00Z", "on_or_before": null},
        {"type": "before_after", "field_name": "qty", "before": 2, "after": null},
        {"type": "comparison", "field_name": "name", "operator": "endswith", "value": "t"}
    ], "and_": [{"type": "limit_offset", "limit": 3, "offset": 0}]}"#;
    let parsed = ParsedFilters::from_json_str(&schema(), text).expect("json text");
    assert_eq!(
        names_of(&t, parsed).await,
        (vec!["Ant".into(), "Cat".into(), "Dog".into()], 4)
    );
    // collections with the Python library's empty-list rules, and between
    let json = serde_json::json!({"and_": [
        {"type": "collection", "field_name": "qty", "values": null},
        {"type": "not_in_collection", "field_name": "qty", "values": []},
        {"type": "comparison", "field_name": "qty", "operator": "between", "value": [2, 3]},
        {"type": "boolean", "field_name": "active", "value": true}
    ]});
    let parsed = MultiFilter::from_json(&schema(), &json).expect("json");
    assert_eq!(names_of(&t, parsed).await.0, ["Cat"]);
    let nothing =
        serde_json::json!({"and_": [{"type": "collection", "field_name": "qty", "values": []}]});
    let parsed = MultiFilter::from_json(&schema(), &nothing).expect("json");
    assert!(names_of(&t, parsed).await.0.is_empty());
    let page = MultiFilter::from_json(&schema(), &serde_json::json!({"and_": []})).expect("json");
    assert_eq!(page.page(), Some(LimitOffset::new(3, 0)));
    assert_eq!(
        schema()
            .default_page_size(2)
            .parse_json(&serde_json::json!({}))
            .expect("json")
            .page(),
        Some(LimitOffset::new(2, 0))
    );
}

crate::backend_tests!(
    query_strings,
    bad_parameters_never_reach_the_database,
    json_multi_filter,
);
