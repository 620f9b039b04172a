//! Parser unit tests: bad input gives a clear `InvalidRequest`, good input the
//! expected filters, and nothing from the request is ever part of the SQL text.

use super::{Field, FieldOp, FilterSchema, MultiFilter, ParsedFilters};
use crate::filters::{FilterQuery, LimitOffset, OrderBy};
use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryTrait};

mod item {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "item")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub title: String,
        pub note: Option<String>,
        pub published: bool,
        pub score: f64,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
        pub key: Uuid,
        pub day: Date,
        pub payload: Json,
        pub secret: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

fn schema() -> FilterSchema<item::Entity> {
    FilterSchema::all_columns()
        .without("secret")
        .max_page_size(50)
        .search_fields(["title", "note"])
}

fn error(query: &str) -> String {
    match schema().parse_query(query) {
        Ok(parsed) => panic!("{query:?} parsed: {parsed:?}"),
        Err(crate::Error::InvalidRequest(message)) => message,
        Err(other) => panic!("{query:?}: not an InvalidRequest: {other}"),
    }
}

fn json_error(json: serde_json::Value) -> String {
    match MultiFilter::from_json(&schema(), &json) {
        Ok(parsed) => panic!("{json} parsed: {parsed:?}"),
        Err(crate::Error::InvalidRequest(message)) => message,
        Err(other) => panic!("{json}: not an InvalidRequest: {other}"),
    }
}

fn described(order: &[OrderBy<item::Column>]) -> Vec<String> {
    use sea_orm::IdenStatic;
    order
        .iter()
        .map(|o| format!("{} {:?} {:?}", o.field.as_str(), o.sort_order, o.nulls))
        .collect()
}

fn sql(parsed: &ParsedFilters<item::Entity>, backend: DbBackend) -> String {
    let query = FilterQuery::of(backend, parsed);
    item::Entity::find()
        .filter(query.condition().clone())
        .build(backend)
        .sql
}

#[test]
fn unknown_fields_and_operators() {
    assert_eq!(
        error("nope=1"),
        "unknown filter field \"nope\" (allowed: id, title, note, published, score, created_at, updated_at, key, day, payload)"
    );
    assert!(error("secret__startswith=a").starts_with("unknown filter field \"secret\""));
    assert!(error("nope__eq=1").starts_with("unknown filter field \"nope\""));
    assert_eq!(
        error("title__like=%25"),
        "unknown operator \"like\" for field \"title\""
    );
    assert_eq!(
        error("id__icontains=1"),
        "operator \"icontains\" is not allowed for field \"id\""
    );
    assert_eq!(
        error("payload=1"),
        "operator \"eq\" is not allowed for field \"payload\""
    );
    assert_eq!(
        error("key__gt=00000000-0000-0000-0000-000000000000"),
        "operator \"gt\" is not allowed for field \"key\""
    );
    assert!(schema().parse_query("payload__isnull=false").is_ok());
}

#[test]
fn values_of_the_wrong_kind() {
    assert_eq!(
        error("id=abc"),
        "invalid value for field \"id\" (expected an integer): \"abc\""
    );
    assert!(error("id__in=1,x,3").contains("\"x\""));
    assert!(error("score__gt=NaN").contains("expected a number"));
    assert!(error("published=maybe").contains("expected true or false"));
    assert!(error("created_at__gte=yesterday").contains("date-time"));
    assert!(error("day=2024-02-30").contains("a date"));
    assert!(error("note__isnull=perhaps").contains("note__isnull"));
    let long = error(&format!("id={}", "9".repeat(5000)));
    assert!(long.len() < 200 && long.ends_with("…\""), "{long}");
    // control characters come out escaped, not raw
    assert!(error("id=1%00").contains("\\0"));
}

#[test]
fn sorting_and_pages() {
    assert!(error("order_by=secret").starts_with("cannot sort by \"secret\""));
    assert!(error("order_by=payload").starts_with("cannot sort by \"payload\""));
    assert!(error("order_by=title:nulls_middle").contains("nulls_middle"));
    assert_eq!(error("limit=51"), "page size 51 is over the maximum of 50");
    assert_eq!(error("limit=0"), "the page size must be at least 1");
    assert!(error("limit=-1").contains("whole number"));
    assert!(error("offset=99999999999999999999").contains("whole number"));
    assert!(error("offset=18446744073709551615").contains("too large"));
    assert!(error("currentPage=0").contains("starts at 1"));
    assert!(error("currentPage=18446744073709551615&pageSize=50").contains("too large"));
    assert!(error("limit=1&pageSize=2").contains("not both"));
    assert!(error("limit=1&limit=2").contains("twice"));
    assert!(error("order_by=id&orderBy=id").contains("not both"));
    assert!(error("sortOrder=up&orderBy=id").contains("asc or desc"));

    let parsed = schema()
        .parse_query("order_by=-created_at,+title:nulls_first&offset=10")
        .unwrap();
    assert_eq!(parsed.order().len(), 2);
    assert_eq!(
        described(parsed.order()),
        ["created_at Desc None", "title Asc Some(First)"]
    );
    assert_eq!(parsed.page(), Some(LimitOffset::new(50, 10)));
    let litestar = schema()
        .parse_query("orderBy=title&sortOrder=desc&currentPage=3&pageSize=20")
        .unwrap();
    assert_eq!(described(litestar.order()), ["title Desc None"]);
    assert_eq!(litestar.page(), Some(LimitOffset::new(20, 40)));
    assert_eq!(schema().parse_query("").unwrap().page(), None);
}

#[test]
fn caps_on_lists_and_terms() {
    let schema = schema().max_values(3).max_terms(2);
    assert!(schema.parse_query("id__in=1,2,3").is_ok());
    let Err(crate::Error::InvalidRequest(m)) = schema.parse_query("id__in=1,2,3,4") else {
        panic!("four values")
    };
    assert!(m.contains("too many values"), "{m}");
    let Err(crate::Error::InvalidRequest(m)) = schema.parse_query("id=1&id=2&id=3") else {
        panic!("three terms")
    };
    assert!(m.contains("too many filters"), "{m}");
}

#[test]
fn every_form_of_the_example_parses() {
    let parsed = schema()
        .parse_query(
            "title__icontains=foo&created_at__gte=2024-01-01T00:00:00Z&id__in=1,2,3&published=true\
             &note__isnull=true&order_by=-created_at&limit=20&offset=40\
             &searchString=a&searchIgnoreCase=true&createdBefore=2025-01-01&updatedAfter=2020-01-01\
             &ids=4,5&score__lte=1.5&day=2024-01-31&key=67e55044-10b1-426f-9247-bb680e5fe0c8",
        )
        .unwrap();
    assert_eq!(parsed.group().filters.len(), 12);
    assert_eq!(parsed.page(), Some(LimitOffset::new(20, 40)));
    assert!(error("searchString=a&searchField=id").contains("\"contains\" is not allowed"));
    assert!(
        FilterSchema::<item::Entity>::all_columns()
            .parse_query("searchString=a")
            .is_err()
    );
}

#[test]
fn hostile_text_stays_out_of_the_sql() {
    let hostile = "x'); DROP TABLE item; --\\%_\u{0}\"`";
    let encoded: String = form_urlencoded::byte_serialize(hostile.as_bytes()).collect();
    let parsed = schema()
        .parse_query(&format!(
            "title={encoded}&title__icontains={encoded}&title__in={encoded}&searchString={encoded}"
        ))
        .unwrap();
    for backend in [DbBackend::Postgres, DbBackend::MySql, DbBackend::Sqlite] {
        let text = sql(&parsed, backend);
        assert!(!text.contains("DROP"), "{backend:?}: {text}");
    }
}

#[test]
fn restricted_fields() {
    let schema = FilterSchema::<item::Entity>::new()
        .with(
            Field::new("name", item::Column::Title)
                .ops([FieldOp::Eq])
                .sortable(false),
        )
        .ignore_param("format");
    assert!(schema.parse_query("name=a&format=json").is_ok());
    assert!(schema.parse_query("name__contains=a").is_err());
    assert!(schema.parse_query("title=a").is_err());
    assert!(schema.parse_query("order_by=name").is_err());
}

#[test]
fn multi_filter_errors() {
    assert!(json_error(serde_json::json!([])).contains("JSON object"));
    assert!(
        json_error(serde_json::json!({"and_": [{"type": "nope"}]})).contains("unknown filter type")
    );
    assert!(
        json_error(serde_json::json!({"and_": [{"type": "null", "field_name": "secret"}]}))
            .starts_with("unknown filter field \"secret\"")
    );
    assert!(
        json_error(serde_json::json!({"and_": [{"type": "null", "field": "title"}]}))
            .contains("unknown key \"field\"")
    );
    assert!(json_error(serde_json::json!({"xor_": []})).contains("keys found: \"xor_\""));
    assert!(
        json_error(serde_json::json!({"and_": [{"type": "comparison", "field_name": "id", "operator": "like", "value": "1"}]}))
            .contains("not supported")
    );
    assert!(
        json_error(serde_json::json!({"and_": [{"type": "comparison", "field_name": "id", "operator": "eq", "value": "x"}]}))
            .contains("expected an integer")
    );
    assert!(
        json_error(
            serde_json::json!({"and_": [{"type": "collection", "field_name": "id", "values": 3}]})
        )
        .contains("takes a list")
    );
    assert!(
        json_error(serde_json::json!({"and_": [{"type": "exists", "values": []}]}))
            .contains("cannot be built from JSON")
    );
    assert!(
        json_error(
            serde_json::json!({"and_": [{"type": "limit_offset", "limit": 500, "offset": 0}]})
        )
        .contains("over the maximum")
    );
    assert!(
        json_error(serde_json::json!({"and_": [{"type": "search", "field_name": ["title", "id"], "value": "a"}]}))
            .contains("not allowed for field \"id\"")
    );
    assert!(
        json_error(
            serde_json::json!({"and_": [{"type": "boolean", "field_name": "title", "value": true}]})
        )
        .contains("not a boolean")
    );
    // nesting is capped, so a hostile document cannot exhaust the stack
    let mut deep = serde_json::json!({"type": "null", "field_name": "title"});
    for _ in 0..64 {
        deep = serde_json::json!({"or_": [deep]});
    }
    assert!(json_error(deep).contains("nest too deep"));
}

#[test]
fn multi_filter_shapes() {
    let json = serde_json::json!({
        "and_": [
            {"type": "before_after", "field_name": "created_at", "before": "2025-01-01T00:00:00Z", "after": null},
            {"type": "on_before_after", "field_name": "score", "on_or_before": 2.5, "on_or_after": 1},
            {"type": "boolean", "field_name": "published", "value": null},
            {"type": "collection", "field_name": "id", "values": null},
            {"type": "not_in_collection", "field_name": "title", "values": ["a", "b"]},
            {"type": "not_null", "field_name": "note"},
            {"type": "search", "field_name": ["title", "note"], "value": "x", "ignore_case": true, "escape_wildcards": false},
            {"type": "comparison", "field_name": "day", "operator": "between", "value": ["2024-01-01", "2024-12-31"]},
            {"type": "comparison", "field_name": "title", "operator": "istartswith", "value": "ab"},
            {"type": "filter_group", "logical_operator": "or", "filters": [
                {"type": "null", "field_name": "note"},
                {"and_": [{"type": "comparison", "field_name": "id", "operator": "in", "value": [1, 2]}]}
            ]},
            {"type": "order_by", "field_name": "title", "sort_order": "desc", "nulls": "last"},
            {"type": "limit_offset", "limit": 10, "offset": 5}
        ],
        "or_": []
    });
    let parsed = MultiFilter::from_json(&schema(), &json).unwrap();
    assert_eq!(parsed.group().filters.len(), 1);
    assert_eq!(parsed.page(), Some(LimitOffset::new(10, 5)));
    assert_eq!(parsed.order().len(), 1);
    let text = sql(&parsed, DbBackend::Postgres);
    assert!(text.contains("ILIKE"), "{text}");
    // a single typed filter is accepted at the top, an empty object filters nothing
    assert!(
        MultiFilter::from_json(
            &schema(),
            &serde_json::json!({"type": "null", "field_name": "note"})
        )
        .is_ok()
    );
    let empty = MultiFilter::from_json(&schema(), &serde_json::json!({})).unwrap();
    assert!(
        FilterQuery::of(DbBackend::Sqlite, &empty)
            .condition()
            .is_empty()
    );
}
