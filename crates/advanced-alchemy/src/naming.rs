//! Constraint and index names, following the Python library's `convention`
//! (`advanced_alchemy.base.convention`), so that a schema created here matches one created
//! by a Python Advanced Alchemy service, name for name.
//!
//! | kind | template | example |
//! |---|---|---|
//! | index (`indexed`) | `ix_<table>_<column>` | `ix_post_title` |
//! | unique index (`unique, indexed`, SQLAlchemy's `unique=True, index=True`) | `ix_<table>_<column>` | `ix_tag_name` |
//! | unique constraint (`unique`, `unique_key`) | `uq_<table>_<column_0>` | `uq_tag_slug` |
//! | check | `ck_<table>_<name>` | `ck_post_positive` |
//! | foreign key | `fk_<table>_<column_0>_<referred_table>` | `fk_post_tag_post_id_post` |
//! | primary key | `pk_<table>` | `pk_post` |

/// `ix_<table>_<column>`.
///
/// ```
/// assert_eq!(advanced_alchemy::naming::index("post", "title"), "ix_post_title");
/// ```
pub fn index(table: &str, column: &str) -> String {
    format!("ix_{table}_{column}")
}

/// `uq_<table>_<first column>`.
///
/// ```
/// assert_eq!(advanced_alchemy::naming::unique("tag", "slug"), "uq_tag_slug");
/// ```
pub fn unique(table: &str, first_column: &str) -> String {
    format!("uq_{table}_{first_column}")
}

/// `ck_<table>_<constraint name>`.
///
/// ```
/// assert_eq!(advanced_alchemy::naming::check("post", "positive"), "ck_post_positive");
/// ```
pub fn check(table: &str, name: &str) -> String {
    format!("ck_{table}_{name}")
}

/// `fk_<table>_<first column>_<referred table>`.
///
/// ```
/// assert_eq!(
///     advanced_alchemy::naming::foreign_key("post_tag", "post_id", "post"),
///     "fk_post_tag_post_id_post"
/// );
/// ```
pub fn foreign_key(table: &str, first_column: &str, referred_table: &str) -> String {
    format!("fk_{table}_{first_column}_{referred_table}")
}

/// `pk_<table>`.
///
/// ```
/// assert_eq!(advanced_alchemy::naming::primary_key("post"), "pk_post");
/// ```
pub fn primary_key(table: &str) -> String {
    format!("pk_{table}")
}
