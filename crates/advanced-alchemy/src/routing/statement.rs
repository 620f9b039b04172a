//! What a statement does, read from its SQL text: a plain read a replica may answer, a
//! read that must run on the primary (`FOR UPDATE`, `nextval`, advisory locks), or a
//! write (and to which table). Used by the routing connection and by the session's
//! write tracking (the cache's invalidation).
//!
//! A small tokenizer, not a parser: it skips comments, string literals and quoted
//! identifiers, so `'for update'` in a literal is not a lock. When in doubt the answer
//! is "primary": a read sent to the primary is slower, a write sent to a replica fails.

/// The routing class of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StatementKind {
    /// `SELECT` / `VALUES` / `SHOW` without locks or side effects: a replica may answer.
    Read,
    /// A read that must see (or lock on) the primary: `FOR UPDATE`, `FOR SHARE`,
    /// `LOCK IN SHARE MODE`, sequence and advisory-lock functions.
    PrimaryRead,
    /// `INSERT`, `UPDATE`, `DELETE`, `REPLACE`, `MERGE`, `TRUNCATE`, or a `WITH` that
    /// contains one; `table` is the (unqualified) table written, when it can be read.
    Write { table: Option<String> },
    /// Anything else (DDL, `SET`, `CALL`, …): primary, and treated as a write of unknown
    /// tables by the cache.
    Other,
}

impl StatementKind {
    /// Whether a replica may run it.
    pub(crate) fn is_replica_safe(&self) -> bool {
        matches!(self, StatementKind::Read)
    }

    /// Whether it may change data.
    pub(crate) fn writes(&self) -> bool {
        matches!(self, StatementKind::Write { .. } | StatementKind::Other)
    }
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    /// A bare word, as written.
    Word(&'a str),
    /// A quoted identifier, without its quotes.
    Quoted(&'a str),
    Punct(u8),
}

/// The tokens of `sql`, without comments and string literals.
fn tokens(sql: &str) -> impl Iterator<Item = Token<'_>> {
    let bytes = sql.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        loop {
            let b = *bytes.get(i)?;
            match b {
                b if b.is_ascii_whitespace() => i += 1,
                b'-' if bytes.get(i + 1) == Some(&b'-') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'#' => {
                    // MySQL line comment (PostgreSQL uses `#` only as an operator)
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    i += 2;
                    while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/'))
                    {
                        i += 1;
                    }
                    i += 2;
                }
                b'\'' => {
                    i += 1;
                    while i < bytes.len() {
                        match bytes[i] {
                            b'\\' => i += 2,
                            b'\'' if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                            b'\'' => break,
                            _ => i += 1,
                        }
                    }
                    i += 1;
                }
                b'"' | b'`' => {
                    let start = i + 1;
                    i = start;
                    while i < bytes.len() && bytes[i] != b {
                        i += 1;
                    }
                    let token = Token::Quoted(sql.get(start..i.min(bytes.len()))?);
                    i += 1;
                    return Some(token);
                }
                b if b.is_ascii_alphabetic() || b == b'_' => {
                    let start = i;
                    while i < bytes.len()
                        && (bytes[i].is_ascii_alphanumeric()
                            || bytes[i] == b'_'
                            || bytes[i] == b'$')
                    {
                        i += 1;
                    }
                    return Some(Token::Word(sql.get(start..i)?));
                }
                b if b >= 0x80 => {
                    // a non-ASCII identifier: one word up to the next ASCII delimiter
                    let start = i;
                    while i < bytes.len() && (bytes[i] >= 0x80 || bytes[i].is_ascii_alphanumeric())
                    {
                        i += 1;
                    }
                    return Some(Token::Word(sql.get(start..i)?));
                }
                b => {
                    i += 1;
                    return Some(Token::Punct(b));
                }
            }
        }
    })
}

fn is(token: &Token<'_>, word: &str) -> bool {
    matches!(token, Token::Word(w) if w.eq_ignore_ascii_case(word))
}

/// Functions whose call makes a `SELECT` a write or a primary-only read.
const PRIMARY_FUNCTIONS: &[&str] = &[
    "nextval",
    "setval",
    "lastval",
    "currval",
    "txid_current",
    "pg_current_xact_id",
    "get_lock",
    "release_lock",
    "release_all_locks",
    "last_insert_id",
];

/// Classifies `sql`.
pub(crate) fn classify(sql: &str) -> StatementKind {
    let mut toks = tokens(sql).skip_while(|t| *t == Token::Punct(b'('));
    let Some(first) = toks.next() else {
        return StatementKind::Other;
    };
    let Token::Word(first) = first else {
        return StatementKind::Other;
    };
    let first = first.to_ascii_lowercase();
    match first.as_str() {
        "select" | "values" | "show" | "table" => read_kind(toks),
        "with" => {
            let rest: Vec<Token<'_>> = toks.collect();
            match rest.iter().position(|t| {
                ["insert", "update", "delete", "merge"]
                    .iter()
                    .any(|w| is(t, w))
            }) {
                Some(at) => StatementKind::Write {
                    table: write_target(&rest[at..]),
                },
                None => read_kind(rest.into_iter()),
            }
        }
        "insert" | "update" | "delete" | "replace" | "merge" | "truncate" | "upsert" => {
            let mut rest = vec![Token::Word(match first.as_str() {
                "insert" => "insert",
                "update" => "update",
                "delete" => "delete",
                "replace" => "replace",
                "merge" => "merge",
                "upsert" => "upsert",
                _ => "truncate",
            })];
            rest.extend(toks.take(8));
            StatementKind::Write {
                table: write_target(&rest),
            }
        }
        _ => StatementKind::Other,
    }
}

fn read_kind<'a>(toks: impl Iterator<Item = Token<'a>>) -> StatementKind {
    let mut prev: Option<Token<'a>> = None;
    let mut prev2: Option<Token<'a>> = None;
    for t in toks {
        if let Token::Word(w) = &t {
            let lower = w.to_ascii_lowercase();
            if matches!(lower.as_str(), "update" | "share")
                && prev.as_ref().is_some_and(|p| is(p, "for") || is(p, "key"))
            {
                return StatementKind::PrimaryRead;
            }
            if lower == "share"
                && prev.as_ref().is_some_and(|p| is(p, "in"))
                && prev2.as_ref().is_some_and(|p| is(p, "lock"))
            {
                return StatementKind::PrimaryRead;
            }
            if lower.starts_with("pg_advisory")
                || lower.starts_with("pg_try_advisory")
                || PRIMARY_FUNCTIONS.contains(&lower.as_str())
            {
                return StatementKind::PrimaryRead;
            }
            if lower == "into" {
                // SELECT … INTO a table (PostgreSQL) or variables (MySQL)
                return StatementKind::Other;
            }
        }
        prev2 = prev.take();
        prev = Some(t);
    }
    StatementKind::Read
}

/// The table named after the write keyword: `INSERT [IGNORE] INTO t`, `UPDATE [ONLY] t`,
/// `DELETE FROM t`, `TRUNCATE [TABLE] t`, `MERGE INTO t`, `REPLACE INTO t`; schema
/// qualifiers are dropped.
fn write_target(toks: &[Token<'_>]) -> Option<String> {
    const SKIP: &[&str] = &[
        "insert",
        "update",
        "delete",
        "replace",
        "merge",
        "truncate",
        "upsert",
        "into",
        "from",
        "ignore",
        "only",
        "table",
        "low_priority",
        "quick",
        "delayed",
        "high_priority",
    ];
    let mut name: Option<&str> = None;
    for t in toks.iter().take(12) {
        match t {
            Token::Word(w) if name.is_none() && SKIP.iter().any(|s| w.eq_ignore_ascii_case(s)) => {}
            Token::Word(w) | Token::Quoted(w) => {
                if name.is_some() {
                    // `t AS alias` or the next clause: the name is complete
                    break;
                }
                name = Some(w);
            }
            Token::Punct(b'.') if name.is_some() => name = None,
            Token::Punct(_) => {
                if name.is_some() {
                    break;
                }
            }
        }
    }
    name.map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(table: &str) -> StatementKind {
        StatementKind::Write {
            table: Some(table.to_owned()),
        }
    }

    #[test]
    fn reads_and_writes() {
        use StatementKind::*;
        assert_eq!(
            classify(r#"SELECT "post"."id" FROM "post" WHERE "id" = $1"#),
            Read
        );
        assert_eq!(classify("  (SELECT 1) UNION (SELECT 2)"), Read);
        assert_eq!(classify("select * from t where note = 'for update'"), Read);
        assert_eq!(classify("SELECT * FROM t -- for update\n"), Read);
        assert_eq!(classify("SELECT * FROM t FOR UPDATE"), PrimaryRead);
        assert_eq!(
            classify("SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED"),
            PrimaryRead
        );
        assert_eq!(classify("SELECT * FROM t for share"), PrimaryRead);
        assert_eq!(classify("SELECT * FROM t LOCK IN SHARE MODE"), PrimaryRead);
        assert_eq!(classify("SELECT nextval('s')"), PrimaryRead);
        assert_eq!(classify("SELECT pg_advisory_xact_lock(1)"), PrimaryRead);
        assert_eq!(
            classify(r#"INSERT INTO "post" ("title") VALUES ($1) RETURNING "id""#),
            write("post")
        );
        assert_eq!(
            classify("insert ignore into `tag` (a) values (1)"),
            write("tag")
        );
        assert_eq!(
            classify(r#"UPDATE "public"."post" SET "title" = $1"#),
            write("post")
        );
        assert_eq!(
            classify("DELETE FROM post_tag WHERE post_id = 1"),
            write("post_tag")
        );
        assert_eq!(classify("TRUNCATE TABLE t"), write("t"));
        assert_eq!(classify("REPLACE INTO t VALUES (1)"), write("t"));
        assert_eq!(
            classify("WITH x AS (SELECT 1) UPDATE post SET n = 1 FROM x"),
            write("post")
        );
        assert_eq!(classify("WITH x AS (SELECT 1) SELECT * FROM x"), Read);
        assert_eq!(classify("CREATE TABLE t (x int)"), Other);
        assert_eq!(classify("SELECT 1 INTO t2"), Other);
        assert_eq!(classify(""), Other);
        assert!(!classify("SET x = 1").is_replica_safe());
        assert!(classify("SET x = 1").writes());
    }
}
