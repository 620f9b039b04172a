//! SearchFilter / NotInSearchFilter: literal wildcards, case on each backend, modes.

use super::{flt_item, item, names, seed};
use crate::support::{Backend, TestDb};
use advanced_alchemy::filters::{MatchMode, NotInSearchFilter, SearchFilter};
use sea_orm::ActiveValue::Set;

const NAME: flt_item::Column = flt_item::Column::Name;
const NOTE: flt_item::Column = flt_item::Column::Note;

async fn wildcards_match_literally(t: TestDb) {
    seed(
        &t,
        [
            "50%_off", "500 off", "50%xoff", "a/b", "a//b", r"a\b", "ab", "it's",
        ]
        .into_iter()
        .map(item)
        .collect(),
    )
    .await;
    let search = |v: &str| SearchFilter::new(NAME, v);
    assert_eq!(names(&t, search("50%_off")).await, ["50%_off"]);
    assert_eq!(names(&t, search("%")).await, ["50%_off", "50%xoff"]);
    assert_eq!(names(&t, search("_")).await, ["50%_off"]);
    assert_eq!(names(&t, search("/")).await, ["a//b", "a/b"]);
    assert_eq!(names(&t, search("//")).await, ["a//b"]);
    assert_eq!(names(&t, search(r"\")).await, [r"a\b"]);
    assert_eq!(names(&t, search("'")).await, ["it's"]);
    assert_eq!(names(&t, search("").ignore_case(true)).await.len(), 8);
}

async fn case_on_each_backend(t: TestDb) {
    seed(
        &t,
        ["Rust", "rust", "RUST", "trust", "Élan", "élan"]
            .into_iter()
            .map(item)
            .collect(),
    )
    .await;
    // case-sensitive: exact on every backend, although SQLite's LIKE and MariaDB's
    // default collation ignore (ASCII) case
    assert_eq!(
        names(&t, SearchFilter::new(NAME, "rust")).await,
        ["rust", "trust"]
    );
    assert_eq!(names(&t, SearchFilter::new(NAME, "RU")).await, ["RUST"]);
    assert_eq!(names(&t, SearchFilter::new(NAME, "élan")).await, ["élan"]);
    // ignoring case: ASCII everywhere
    let ci = |v: &str| SearchFilter::new(NAME, v).ignore_case(true);
    assert_eq!(
        names(&t, ci("rUsT")).await,
        ["RUST", "Rust", "rust", "trust"]
    );
    // beyond ASCII it depends on the backend (as documented): SQLite's lower() folds
    // ASCII only, PostgreSQL (UTF-8 ctype) and MySQL fold all of Unicode
    let folded = names(&t, ci("ÉLAN")).await;
    match t.backend {
        Backend::Sqlite => assert_eq!(folded, ["Élan"]),
        Backend::Postgres | Backend::MySql => assert_eq!(folded, ["Élan", "élan"]),
    }
    // accents count even where the collation would ignore them
    assert!(names(&t, ci("elan")).await.is_empty());
}

async fn modes_and_fields(t: TestDb) {
    let mut one = item("Alpha beta");
    one.note = Set(Some("gamma".into()));
    let mut two = item("beta Alpha");
    two.note = Set(Some("ALPHA".into()));
    seed(&t, vec![one, two, item("alphabet")]).await;
    let starts = SearchFilter::new(NAME, "alpha").mode(MatchMode::StartsWith);
    assert_eq!(names(&t, starts.clone()).await, ["alphabet"]);
    assert_eq!(
        names(&t, starts.ignore_case(true)).await,
        ["Alpha beta", "alphabet"]
    );
    let ends = SearchFilter::new(NAME, "Alpha").mode(MatchMode::EndsWith);
    assert_eq!(names(&t, ends).await, ["beta Alpha"]);
    let ends_ci = SearchFilter::new(NAME, "BET")
        .mode(MatchMode::EndsWith)
        .ignore_case(true);
    assert_eq!(names(&t, ends_ci).await, ["alphabet"]);
    // several fields: any of them (a NULL note is simply no match)
    let either = SearchFilter::across([NAME, NOTE], "ALPHA");
    assert_eq!(names(&t, either).await, ["beta Alpha"]);
    let either_ci = SearchFilter::across([NAME, NOTE], "gAmMa").ignore_case(true);
    assert_eq!(names(&t, either_ci).await, ["Alpha beta"]);
    // no field: no filter
    assert_eq!(
        names(&t, SearchFilter::<flt_item::Column>::across([], "x"))
            .await
            .len(),
        3
    );
}

async fn not_in_search(t: TestDb) {
    let mut one = item("draft one");
    one.note = Set(Some("ok".into()));
    let mut two = item("Draft two");
    two.note = Set(Some("ok".into()));
    let mut three = item("final");
    three.note = Set(Some("was a draft".into()));
    seed(&t, vec![one, two, three, item("no note")]).await;
    let not_draft = NotInSearchFilter::new(NAME, "draft");
    assert_eq!(
        names(&t, not_draft.clone()).await,
        ["Draft two", "final", "no note"]
    );
    assert_eq!(
        names(&t, not_draft.ignore_case(true)).await,
        ["final", "no note"]
    );
    // every field must be free of it; a NULL note is unknown, so the row is left out
    let nowhere = NotInSearchFilter::across([NAME, NOTE], "draft").ignore_case(true);
    assert!(names(&t, nowhere).await.is_empty());
    let nowhere_ok = NotInSearchFilter::across([NAME, NOTE], "zzz");
    assert_eq!(names(&t, nowhere_ok).await.len(), 3);
    let prefix = NotInSearchFilter::new(NAME, "draft").mode(MatchMode::StartsWith);
    assert_eq!(names(&t, prefix).await, ["Draft two", "final", "no note"]);
}

crate::backend_tests!(
    wildcards_match_literally,
    case_on_each_backend,
    modes_and_fields,
    not_in_search,
);
