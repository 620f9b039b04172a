//! The SQL behind text matching and exact text equality, per backend (private).
//!
//! Everything here takes the column as a typed expression and the user's text as a
//! bound value; the templates are constants. What differs per backend:
//!
//! | | case-sensitive | case-insensitive |
//! |---|---|---|
//! | PostgreSQL | `LIKE $1 ESCAPE '/'` | `ILIKE $1 ESCAPE '/'` |
//! | SQLite | `instr(col, ?)` | `instr(lower(col), lower(?))` |
//! | MySQL/MariaDB | `CAST(col AS BINARY) LIKE CAST(? AS BINARY) ESCAPE '/'` | the same over `LOWER()` of both |
//!
//! SQLite's `LIKE` ignores ASCII case and MySQL's default collations ignore case,
//! accents and trailing spaces, hence `instr` and the binary casts.

use super::search::MatchMode;
use sea_orm::DbBackend;
use sea_orm::sea_query::{Condition, Expr, ExprTrait, Value};

/// The `LIKE` escape character. Not a backslash: MySQL reads `'\'` as the start of
/// an escape sequence in a literal, and PostgreSQL and MySQL already treat `\` as the
/// default escape, so a `\` in the user's text would need escaping twice over.
pub(crate) const LIKE_ESCAPE: char = '/';

/// `value` with the `LIKE` wildcards (`%`, `_`) and [`LIKE_ESCAPE`] escaped.
pub(crate) fn escape_like(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        if matches!(c, '%' | '_' | LIKE_ESCAPE) {
            escaped.push(LIKE_ESCAPE);
        }
        escaped.push(c);
    }
    escaped
}

/// A condition that is true for every row (`1 = 1`); unlike an empty
/// [`Condition`] it survives negation and nesting.
pub(crate) fn always() -> Condition {
    Condition::all().add(Expr::cust("1 = 1"))
}

/// A condition that is false for every row (`1 = 0`).
pub(crate) fn never() -> Condition {
    Condition::all().add(Expr::cust("1 = 0"))
}

/// False for every row, but NULL where `target` is NULL: what a comparison with a
/// value no row can hold gives under SQL's three-valued logic.
pub(crate) fn false_unless_null(backend: DbBackend, target: Expr) -> Expr {
    let template = match backend {
        DbBackend::Postgres => "($1 IS NULL AND NULL)",
        _ => "(? IS NULL AND NULL)",
    };
    Expr::cust_with_exprs(template, [target])
}

/// True for every row, but NULL where `target` is NULL.
pub(crate) fn true_unless_null(backend: DbBackend, target: Expr) -> Expr {
    let template = match backend {
        DbBackend::Postgres => "($1 IS NOT NULL OR NULL)",
        _ => "(? IS NOT NULL OR NULL)",
    };
    Expr::cust_with_exprs(template, [target])
}

/// Whether `value` is text containing NUL, which PostgreSQL can neither store nor
/// bind: such a value must not reach the server.
pub(crate) fn pg_unbindable(backend: DbBackend, value: &Value) -> bool {
    backend == DbBackend::Postgres
        && match value {
            Value::String(Some(s)) => s.contains('\0'),
            Value::Char(Some(c)) => *c == '\0',
            _ => false,
        }
}

/// `target` contains / starts with / ends with `value`, with or without case.
///
/// `target` is NULL → the result is NULL (so neither this nor its negation matches),
/// as with SQL's `LIKE`.
pub(crate) fn text_match(
    backend: DbBackend,
    target: Expr,
    value: &str,
    mode: MatchMode,
    ignore_case: bool,
) -> Expr {
    // every mode agrees on the empty needle: any non-NULL text matches
    let mode = if value.is_empty() {
        MatchMode::Contains
    } else {
        mode
    };
    match backend {
        DbBackend::Postgres => {
            if value.contains('\0') {
                // no PostgreSQL text holds NUL: nothing contains this value
                return false_unless_null(backend, target);
            }
            let template = if ignore_case {
                "($1 ILIKE $2 ESCAPE '/')"
            } else {
                "($1 LIKE $2 ESCAPE '/')"
            };
            Expr::cust_with_exprs(template, [target, Expr::val(pattern(value, mode))])
        }
        DbBackend::MySql => {
            let template = if ignore_case {
                "(CAST(LOWER(?) AS BINARY) LIKE CAST(LOWER(?) AS BINARY) ESCAPE '/')"
            } else {
                "(CAST(? AS BINARY) LIKE CAST(? AS BINARY) ESCAPE '/')"
            };
            Expr::cust_with_exprs(template, [target, Expr::val(pattern(value, mode))])
        }
        // SQLite (and anything SQLite-like): no LIKE, so no wildcards and no NUL cut-off
        _ => {
            let value = || Expr::val(value.to_owned());
            let (template, values) = match (mode, ignore_case) {
                (MatchMode::Contains, false) => ("(instr(?, ?) > 0)", vec![target, value()]),
                (MatchMode::Contains, true) => {
                    ("(instr(lower(?), lower(?)) > 0)", vec![target, value()])
                }
                (MatchMode::StartsWith, false) => ("(instr(?, ?) = 1)", vec![target, value()]),
                (MatchMode::StartsWith, true) => {
                    ("(instr(lower(?), lower(?)) = 1)", vec![target, value()])
                }
                // hex() sees every byte (length() and substr() stop at a NUL); a match
                // of whole hex digit pairs at the end is a match of whole characters.
                // hex(NULL) is '', not NULL, hence the CASE.
                (MatchMode::EndsWith, false) => (
                    "(CASE WHEN ? IS NULL THEN NULL \
                     ELSE substr(hex(?), -length(hex(?))) = hex(?) END)",
                    vec![target.clone(), target, value(), value()],
                ),
                (MatchMode::EndsWith, true) => (
                    "(CASE WHEN ? IS NULL THEN NULL \
                     ELSE substr(hex(lower(?)), -length(hex(lower(?)))) = hex(lower(?)) END)",
                    vec![target.clone(), target, value(), value()],
                ),
            };
            Expr::cust_with_exprs(template, values)
        }
    }
}

/// The `LIKE` pattern for `value` in `mode`.
fn pattern(value: &str, mode: MatchMode) -> String {
    let escaped = escape_like(value);
    match mode {
        MatchMode::Contains => format!("%{escaped}%"),
        MatchMode::StartsWith => format!("{escaped}%"),
        MatchMode::EndsWith => format!("%{escaped}"),
    }
}

/// On MySQL/MariaDB, `target`'s bytes equal `value`'s: added next to `target = value`
/// (which can use an index), it makes text equality exact despite case- and
/// accent-insensitive, space-padding collations.
pub(crate) fn mysql_binary_eq(target: Expr, value: Value) -> Expr {
    Expr::cust_with_exprs(
        "(CAST(? AS BINARY) = CAST(? AS BINARY))",
        [target, Expr::val(value)],
    )
}

/// On MySQL/MariaDB, `target`'s bytes are those of one of `values`.
pub(crate) fn mysql_binary_in(target: Expr, values: Vec<Value>) -> Expr {
    Expr::cust_with_exprs("CAST(? AS BINARY)", [target]).is_in(
        values
            .into_iter()
            .map(|v| Expr::cust_with_exprs("CAST(? AS BINARY)", [Expr::val(v)])),
    )
}

/// Whether `value` is text (the values exact equality applies to).
pub(crate) fn is_text(value: &Value) -> bool {
    matches!(value, Value::String(Some(_)) | Value::Char(Some(_)))
}

/// `s` cut to 64 characters for an error message (shown with `{:?}`, so control
/// characters such as NUL come out escaped).
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &s[..end]),
        None => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_wildcards_and_the_escape_itself() {
        assert_eq!(escape_like("50%_off/now"), "50/%/_off//now");
        assert_eq!(escape_like(r"a\b'c"), r"a\b'c");
        assert_eq!(pattern("a%", MatchMode::StartsWith), "a/%%");
        assert_eq!(pattern("_", MatchMode::EndsWith), "%/_");
    }
}
