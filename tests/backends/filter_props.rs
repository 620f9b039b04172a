//! Filters against an in-memory model, on every backend:
//!
//! * a property test: random rows and random filter trees (nested `and`/`or`
//!   groups, negation, comparisons, `IN`/`NOT IN` with empty and absent lists,
//!   NULL checks, booleans, searches with and without case) must select exactly
//!   the rows the same tree selects in Rust, under SQL's three-valued logic;
//! * hostile strings (quotes, wildcards, backslashes, NUL, 10 000 characters,
//!   emoji, combining marks, right-to-left text) in comparisons, lists, searches
//!   and query-string parameters: the right rows, and never an SQL error.
//!
//! Text semantics are the filters' own, the same on every backend: equality and
//! membership are exact (byte for byte, so MariaDB's case-, accent- and
//! trailing-space-blind collation does not show), and search folds ASCII case
//! only when asked (the generated text is ASCII, so SQLite's ASCII-only `lower()`
//! agrees with the others). Ordering comparisons on text follow collations that
//! differ between backends, so the property test orders integers only.
//!
//! `PROPTEST_CASES` sets the number of cases per backend (default 32).

// Folds of SQL truth values (`Option<bool>`, `None` = unknown) must not stop early.
#![allow(clippy::manual_try_fold)]

use crate::filters::{flt_item, item, items};
use crate::support::{Backend, TestDb};
use advanced_alchemy::filters::params::FilterSchema;
use advanced_alchemy::filters::{
    BooleanFilter, CollectionFilter, ComparisonFilter, FilterGroup, Logic, MatchMode,
    NotInCollectionFilter, NotInSearchFilter, NotNullFilter, NullFilter, Operator, Predicate,
    SearchFilter,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use sea_orm::ActiveValue::Set;
use sea_orm::EntityTrait;

type Item = flt_item::Entity;
type Pred = Box<dyn Predicate<Item>>;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Text {
    Name,
    Note,
}

impl Text {
    fn column(self) -> flt_item::Column {
        match self {
            Text::Name => flt_item::Column::Name,
            Text::Note => flt_item::Column::Note,
        }
    }

    fn of(self, row: &flt_item::Model) -> Option<&str> {
        match self {
            Text::Name => Some(row.name.as_str()),
            Text::Note => row.note.as_deref(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Leaf {
    Qty(Operator, i64),
    TextEq {
        field: Text,
        ne: bool,
        value: String,
    },
    QtyIn {
        not: bool,
        values: Option<Vec<i64>>,
    },
    TextIn {
        field: Text,
        not: bool,
        values: Option<Vec<String>>,
    },
    IsNull {
        note: bool,
        null: bool,
    },
    Active(Option<bool>),
    Search {
        fields: Vec<Text>,
        value: String,
        ignore_case: bool,
        mode: MatchMode,
        not: bool,
    },
}

#[derive(Debug, Clone)]
pub(crate) enum Tree {
    Leaf(Leaf),
    Group {
        logic: Logic,
        negated: bool,
        members: Vec<Tree>,
    },
}

/// What a filter says about a row: nothing (an inactive filter), or SQL's
/// true / false / unknown.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Truth {
    Inactive,
    Known(Option<bool>),
}

/// Kleene's AND over SQL truth values (`None` is unknown and does not short-circuit,
/// which is why folds over these are not `try_fold`s).
fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// Kleene's OR.
fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn text_matches(text: &str, value: &str, mode: MatchMode, ignore_case: bool) -> bool {
    let (text, value) = if ignore_case {
        (text.to_ascii_lowercase(), value.to_ascii_lowercase())
    } else {
        (text.to_owned(), value.to_owned())
    };
    match mode {
        MatchMode::Contains => text.contains(&value),
        MatchMode::StartsWith => text.starts_with(&value),
        MatchMode::EndsWith => text.ends_with(&value),
    }
}

impl Leaf {
    fn eval(&self, row: &flt_item::Model) -> Truth {
        let known = Truth::Known;
        match self {
            Leaf::Qty(op, v) => known(row.qty.map(|q| match op {
                Operator::Eq => q == *v,
                Operator::Ne => q != *v,
                Operator::Gt => q > *v,
                Operator::Ge => q >= *v,
                Operator::Lt => q < *v,
                Operator::Le => q <= *v,
            })),
            Leaf::TextEq { field, ne, value } => known(field.of(row).map(|s| (s == value) != *ne)),
            Leaf::QtyIn { not, values } => membership(*not, values.as_deref(), row.qty.as_ref()),
            Leaf::TextIn { field, not, values } => {
                let values: Option<Vec<&str>> = values
                    .as_ref()
                    .map(|v| v.iter().map(String::as_str).collect());
                membership(*not, values.as_deref(), field.of(row).as_ref())
            }
            Leaf::IsNull { note, null } => {
                let is_null = if *note {
                    row.note.is_none()
                } else {
                    row.qty.is_none()
                };
                known(Some(is_null == *null))
            }
            Leaf::Active(None) => Truth::Inactive,
            Leaf::Active(Some(b)) => known(Some(row.active == *b)),
            Leaf::Search {
                fields,
                value,
                ignore_case,
                mode,
                not,
            } => {
                let each = fields.iter().map(|f| {
                    f.of(row)
                        .map(|s| text_matches(s, value, *mode, *ignore_case))
                });
                known(if *not {
                    each.fold(Some(true), |acc, m| and(acc, m.map(|b| !b)))
                } else {
                    each.fold(Some(false), or)
                })
            }
        }
    }

    fn predicate(&self) -> Pred {
        match self.clone() {
            Leaf::Qty(op, v) => Box::new(ComparisonFilter::new(flt_item::Column::Qty, op, v)),
            Leaf::TextEq { field, ne, value } => {
                let op = if ne { Operator::Ne } else { Operator::Eq };
                Box::new(ComparisonFilter::new(field.column(), op, value))
            }
            Leaf::QtyIn { not: false, values } => {
                Box::new(CollectionFilter::optional(flt_item::Column::Qty, values))
            }
            Leaf::QtyIn { not: true, values } => Box::new(NotInCollectionFilter::optional(
                flt_item::Column::Qty,
                values,
            )),
            Leaf::TextIn {
                field,
                not: false,
                values,
            } => Box::new(CollectionFilter::optional(field.column(), values)),
            Leaf::TextIn {
                field,
                not: true,
                values,
            } => Box::new(NotInCollectionFilter::optional(field.column(), values)),
            Leaf::IsNull { note, null } => {
                let column = if note {
                    flt_item::Column::Note
                } else {
                    flt_item::Column::Qty
                };
                if null {
                    Box::new(NullFilter::new(column))
                } else {
                    Box::new(NotNullFilter::new(column))
                }
            }
            Leaf::Active(value) => Box::new(BooleanFilter::new(flt_item::Column::Active, value)),
            Leaf::Search {
                fields,
                value,
                ignore_case,
                mode,
                not,
            } => {
                let columns = fields.iter().map(|f| f.column());
                if not {
                    Box::new(
                        NotInSearchFilter::across(columns, value)
                            .ignore_case(ignore_case)
                            .mode(mode),
                    )
                } else {
                    Box::new(
                        SearchFilter::across(columns, value)
                            .ignore_case(ignore_case)
                            .mode(mode),
                    )
                }
            }
        }
    }
}

/// `IN` / `NOT IN` with the Python library's empty-list rules.
fn membership<T: PartialEq>(not: bool, values: Option<&[T]>, field: Option<&T>) -> Truth {
    match values {
        None => Truth::Inactive,
        Some([]) if not => Truth::Inactive,
        Some([]) => Truth::Known(Some(false)),
        Some(values) => Truth::Known(field.map(|f| values.contains(f) != not)),
    }
}

impl Tree {
    fn eval(&self, row: &flt_item::Model) -> Truth {
        match self {
            Tree::Leaf(leaf) => leaf.eval(row),
            Tree::Group {
                logic,
                negated,
                members,
            } => {
                let known: Vec<Option<bool>> = members
                    .iter()
                    .filter_map(|m| match m.eval(row) {
                        Truth::Inactive => None,
                        Truth::Known(v) => Some(v),
                    })
                    .collect();
                if known.is_empty() && !members.is_empty() {
                    return Truth::Inactive;
                }
                let value = match logic {
                    Logic::And => known.into_iter().fold(Some(true), and),
                    Logic::Or => known.into_iter().fold(Some(false), or),
                };
                Truth::Known(if *negated { value.map(|b| !b) } else { value })
            }
        }
    }

    pub(crate) fn predicate(&self) -> Pred {
        match self {
            Tree::Leaf(leaf) => leaf.predicate(),
            Tree::Group {
                logic,
                negated,
                members,
            } => {
                let mut group =
                    FilterGroup::new(*logic, members.iter().map(Tree::predicate).collect());
                group.negated = *negated;
                Box::new(group)
            }
        }
    }
}

/// Short text over an alphabet of cases, wildcards, escapes, quotes and a space:
/// search needles.
fn text() -> impl Strategy<Value = String> {
    let alphabet = vec!['a', 'A', 'b', 'B', '%', '_', '\\', '\'', '/', ' '];
    proptest::collection::vec(proptest::sample::select(alphabet), 0..3)
        .prop_map(|chars| chars.into_iter().collect())
}

/// Stored values and equality operands, from a pool small enough that they meet
/// often, with the pairs collations blur (`a`/`A`, `a`/`a `).
fn word() -> impl Strategy<Value = String> {
    let pool = vec![
        "", " ", "a", "A", "a ", "aB", "Ab", "%", "_", "a_", "\\", "'", "/",
    ];
    proptest::sample::select(pool).prop_map(str::to_owned)
}

pub(crate) fn rows() -> impl Strategy<Value = Vec<(String, Option<String>, Option<i64>, bool)>> {
    proptest::collection::vec(
        (
            word(),
            proptest::option::of(word()),
            proptest::option::of(-2_i64..4),
            any::<bool>(),
        ),
        1..10,
    )
}

fn operator() -> impl Strategy<Value = Operator> {
    proptest::sample::select(vec![
        Operator::Eq,
        Operator::Ne,
        Operator::Gt,
        Operator::Ge,
        Operator::Lt,
        Operator::Le,
    ])
}

fn field() -> impl Strategy<Value = Text> {
    prop_oneof![Just(Text::Name), Just(Text::Note)]
}

fn mode() -> impl Strategy<Value = MatchMode> {
    prop_oneof![
        Just(MatchMode::Contains),
        Just(MatchMode::StartsWith),
        Just(MatchMode::EndsWith)
    ]
}

fn leaf() -> impl Strategy<Value = Leaf> {
    let ints = proptest::option::of(proptest::collection::vec(-2_i64..4, 0..3));
    let words = proptest::option::of(proptest::collection::vec(word(), 0..3));
    prop_oneof![
        2 => (operator(), -2_i64..4).prop_map(|(op, v)| Leaf::Qty(op, v)),
        3 => (field(), any::<bool>(), word()).prop_map(|(field, ne, value)| Leaf::TextEq { field, ne, value }),
        2 => (any::<bool>(), ints).prop_map(|(not, values)| Leaf::QtyIn { not, values }),
        3 => (field(), any::<bool>(), words).prop_map(|(field, not, values)| Leaf::TextIn { field, not, values }),
        1 => (any::<bool>(), any::<bool>()).prop_map(|(note, null)| Leaf::IsNull { note, null }),
        1 => proptest::option::of(any::<bool>()).prop_map(Leaf::Active),
        4 => (
            prop_oneof![
                Just(vec![Text::Name]),
                Just(vec![Text::Note]),
                Just(vec![Text::Name, Text::Note])
            ],
            prop_oneof![text(), word()],
            any::<bool>(),
            mode(),
            any::<bool>()
        )
            .prop_map(|(fields, value, ignore_case, mode, not)| Leaf::Search {
                fields,
                value,
                ignore_case,
                mode,
                not
            }),
    ]
}

pub(crate) fn tree() -> impl Strategy<Value = Tree> {
    leaf()
        .prop_map(Tree::Leaf)
        .prop_recursive(3, 16, 3, |inner| {
            (
                prop_oneof![Just(Logic::And), Just(Logic::Or)],
                any::<bool>(),
                proptest::collection::vec(inner, 0..3),
            )
                .prop_map(|(logic, negated, members)| Tree::Group {
                    logic,
                    negated,
                    members,
                })
        })
}

/// One case: the table holds `rows`, and the database must select what `tree` does.
async fn check(
    t: &TestDb,
    rows: Vec<(String, Option<String>, Option<i64>, bool)>,
    tree: Tree,
) -> Result<(), TestCaseError> {
    flt_item::Entity::delete_many()
        .exec(&t.db)
        .await
        .map_err(|e| TestCaseError::fail(format!("delete: {e}")))?;
    if !rows.is_empty() {
        let now =
            advanced_alchemy::types::DateTimeUTC::now().for_backend(t.db.get_database_backend());
        let models = rows.into_iter().map(|(name, note, qty, active)| {
            let mut row = item(&name);
            row.note = Set(note);
            row.qty = Set(qty);
            row.active = Set(active);
            // insert_many runs no save hooks: the value is written for this backend here
            row.created_at = Set(now);
            row.updated_at = Set(now);
            row
        });
        flt_item::Entity::insert_many(models)
            .exec(&t.db)
            .await
            .map_err(|e| TestCaseError::fail(format!("insert: {e}")))?;
    }
    let stored = flt_item::Entity::find()
        .all(&t.db)
        .await
        .map_err(|e| TestCaseError::fail(format!("select: {e}")))?;
    let mut expected: Vec<i64> = stored
        .iter()
        .filter(|row| matches!(tree.eval(row), Truth::Inactive | Truth::Known(Some(true))))
        .map(|row| row.id)
        .collect();
    expected.sort_unstable();
    let filter = FilterGroup::new(Logic::And, vec![tree.predicate()]);
    let mut got: Vec<i64> = items(&t.db)
        .get_many(filter)
        .await
        .map_err(|e| TestCaseError::fail(format!("SQL error: {e}")))?
        .into_iter()
        .map(|row| row.id)
        .collect();
    got.sort_unstable();
    prop_assert_eq!(got, expected, "rows: {:#?}", stored);
    Ok(())
}

async fn filter_trees_agree_with_memory(t: TestDb) {
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
            handle.block_on(check(&t, rows, tree))
        });
        if let Err(failure) = outcome {
            panic!("{:?}: {failure}", t.backend);
        }
    });
}

/// Text that has broken SQL builders, escaping and collations.
fn hostile() -> Vec<String> {
    let mut strings: Vec<String> = [
        "'",
        "''",
        "\"",
        "`",
        "\\",
        "\\\\",
        "\\'",
        "%",
        "_",
        "%_",
        "50%_off",
        "/",
        "a/b",
        "//",
        "x' OR '1'='1",
        "'; DROP TABLE flt_item; --",
        "$1",
        "?",
        "a\0b",
        "\0",
        "😀",
        "😃",
        "e\u{301}",
        "\u{e9}",
        "שלום עולם",
        "\u{202e}abc",
        "tab\there",
        "line\nbreak",
        "a ",
        "a",
        "A",
        " ",
        "",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    strings.push("x%_\\'😀é".repeat(1_667)); // 10 002 characters
    strings
}

async fn hostile_strings(t: TestDb) {
    let postgres = t.backend == Backend::Postgres;
    let strings = hostile();
    let long = strings.last().cloned().unwrap_or_default();
    // PostgreSQL cannot store NUL in text: those rows exist elsewhere only
    let storable = |s: &str| !(postgres && s.contains('\0'));
    let repo = items(&t.db);
    for s in strings
        .iter()
        .filter(|s| storable(s) && s.chars().count() <= 255)
    {
        let mut row = item(s);
        row.note = Set(Some(format!("<{s}>")));
        repo.add(row).await.expect("insert hostile");
    }
    let mut row = item("long");
    row.note = Set(Some(long.clone()));
    repo.add(row).await.expect("insert long");
    let stored = repo.get_many(()).await.expect("all");

    let ids = |keep: &dyn Fn(&flt_item::Model) -> bool| {
        let mut ids: Vec<i64> = stored.iter().filter(|r| keep(r)).map(|r| r.id).collect();
        ids.sort_unstable();
        ids
    };
    let backend = t.backend;
    let db = &t.db;
    let run = |filter: Pred| {
        let repo = items(db);
        async move {
            let what = format!("{filter:?}");
            let what: String = what.chars().take(300).collect();
            let mut got: Vec<i64> = repo
                .get_many(FilterGroup::new(Logic::And, vec![filter]))
                .await
                .unwrap_or_else(|e| panic!("{backend:?}: SQL error for {what}: {e}"))
                .into_iter()
                .map(|r| r.id)
                .collect();
            got.sort_unstable();
            (got, what)
        }
    };
    let name = flt_item::Column::Name;
    let note = flt_item::Column::Note;
    let schema = FilterSchema::<Item>::all_columns().max_page_size(1_000);
    for s in &strings {
        let s = s.as_str();
        let checks: Vec<(Pred, Vec<i64>)> = vec![
            (
                Box::new(ComparisonFilter::new(name, Operator::Eq, s.to_owned())),
                ids(&|r| r.name == s),
            ),
            (
                Box::new(ComparisonFilter::new(name, Operator::Ne, s.to_owned())),
                ids(&|r| r.name != s),
            ),
            (
                Box::new(ComparisonFilter::new(note, Operator::Eq, s.to_owned())),
                ids(&|r| r.note.as_deref() == Some(s)),
            ),
            (
                Box::new(CollectionFilter::new(name, [s.to_owned(), "zz".into()])),
                ids(&|r| r.name == s),
            ),
            (
                Box::new(NotInCollectionFilter::new(name, [s.to_owned()])),
                ids(&|r| r.name != s),
            ),
            (
                Box::new(SearchFilter::new(name, s)),
                ids(&|r| r.name.contains(s)),
            ),
            (
                Box::new(SearchFilter::across([name, note], s).ignore_case(true)),
                ids(&|r| {
                    let low = s.to_lowercase();
                    r.name.to_lowercase().contains(&low)
                        || r.note
                            .as_deref()
                            .is_some_and(|n| n.to_lowercase().contains(&low))
                }),
            ),
            (
                Box::new(SearchFilter::new(note, s).mode(MatchMode::StartsWith)),
                ids(&|r| r.note.as_deref().is_some_and(|n| n.starts_with(s))),
            ),
            (
                Box::new(
                    SearchFilter::new(note, s)
                        .mode(MatchMode::EndsWith)
                        .ignore_case(true),
                ),
                ids(&|r| {
                    r.note
                        .as_deref()
                        .is_some_and(|n| n.to_lowercase().ends_with(&s.to_lowercase()))
                }),
            ),
            (
                Box::new(NotInSearchFilter::new(name, s)),
                ids(&|r| !r.name.contains(s)),
            ),
        ];
        for (filter, expected) in checks {
            let (got, what) = run(filter).await;
            assert_eq!(got, expected, "{:?}: {what}", t.backend);
        }
        // ordering comparisons follow collations; they must at least not fail
        for op in [Operator::Gt, Operator::Le] {
            run(Box::new(ComparisonFilter::new(name, op, s.to_owned()))).await;
        }
        // the same text through query-string parameters
        let list_item = s.replace('\\', "\\\\").replace(',', "\\,");
        let params: Vec<(String, String, Vec<i64>)> = vec![
            ("name".into(), s.to_owned(), ids(&|r| r.name == s)),
            (
                "name__in".into(),
                format!("{list_item},zz"),
                ids(&|r| r.name == s),
            ),
            (
                "note__contains".into(),
                s.to_owned(),
                ids(&|r| r.note.as_deref().is_some_and(|n| n.contains(s))),
            ),
            (
                "name__not_contains".into(),
                s.to_owned(),
                ids(&|r| !r.name.contains(s)),
            ),
        ];
        for (key, value, expected) in params {
            let query: String = form_urlencoded::Serializer::new(String::new())
                .append_pair(&key, &value)
                .finish();
            let parsed = schema
                .parse_query(&query)
                .unwrap_or_else(|e| panic!("{key}: {e}"));
            let mut got: Vec<i64> = repo
                .get_many(parsed)
                .await
                .unwrap_or_else(|e| panic!("{:?}: SQL error for {key}={s:?}: {e}", t.backend))
                .into_iter()
                .map(|r| r.id)
                .collect();
            got.sort_unstable();
            assert_eq!(
                got,
                expected,
                "{:?}: {key}={:?}",
                t.backend,
                s.chars().take(40).collect::<String>()
            );
        }
    }
    // the long text is found by a long needle, and by its own middle
    let middle: String = long.chars().skip(4_000).take(3_000).collect();
    let (got, _) = run(Box::new(SearchFilter::new(note, middle))).await;
    assert_eq!(got, ids(&|r| r.name == "long"));
}

crate::backend_tests!(filter_trees_agree_with_memory, hostile_strings);
