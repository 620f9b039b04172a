//! Substring search: [`SearchFilter`] and [`NotInSearchFilter`].
//!
//! The user's text is always a bound value and is matched literally: `%`, `_` and
//! the escape character are escaped where the backend uses `LIKE`, so `50%_off`
//! finds exactly `50%_off`. What "case-insensitive" means differs per backend:
//!
//! * PostgreSQL: `ILIKE`, which folds case by the database's `LC_CTYPE` (all of
//!   Unicode under a UTF-8 locale such as `C.UTF-8`; ASCII only under `C`).
//!   Case-sensitive search is `LIKE` (exact, byte for byte, under deterministic
//!   collations).
//! * SQLite: `instr(lower(col), lower(?))`; SQLite's `lower()` folds ASCII only
//!   (without the ICU extension), so `É` and `é` differ. Case-sensitive search is
//!   `instr(col, ?)`, since SQLite's own `LIKE` ignores ASCII case.
//! * MySQL/MariaDB: `LOWER()` of both sides (Unicode case mapping of the column's
//!   collation), then compared as bytes; case-sensitive search compares bytes too.
//!   Either way accents and trailing spaces count, unlike the default `*_ci`
//!   collations.
//!
//! A NULL column contains nothing and is not "not containing" anything either: a
//! row whose searched column is NULL matches neither filter (SQL's three-valued
//! logic, as in the Python library).
//!
//! PostgreSQL cannot store NUL (`\0`) in text, nor bind it: a value containing NUL
//! is never sent, and the condition is rendered as "no non-NULL text contains it".

use super::text::text_match;
use super::{Predicate, filter_via_predicate};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait};
use serde::{Deserialize, Serialize};

/// Where in the column the text must appear.
///
/// ```
/// use advanced_alchemy::filters::MatchMode;
/// assert_eq!(MatchMode::default(), MatchMode::Contains);
/// assert_eq!(serde_json::to_string(&MatchMode::StartsWith).unwrap(), "\"starts_with\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMode {
    /// Anywhere (`%text%`).
    #[default]
    Contains,
    /// At the start (`text%`).
    StartsWith,
    /// At the end (`%text`).
    EndsWith,
}

/// Rows where at least one of `fields` contains `value`: the Python library's
/// `SearchFilter` (with wildcards always escaped). See [text, case and NULLs](crate::filters#text-case-and-nulls) for
/// what case-insensitive means on each backend.
///
/// With no fields it is no filter at all; an empty `value` matches every row whose
/// field is not NULL.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String, pub content: String } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::SearchFilter;
/// use advanced_alchemy::repository::Repository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// for (title, content) in [("50%_off", "sale"), ("500 off", "Sale"), ("news", "50%_OFF")] {
///     posts.add(post::ActiveModel { title: Set(title.into()), content: Set(content.into()), ..Default::default() }).await?;
/// }
/// let literal = SearchFilter::across([post::Column::Title, post::Column::Content], "50%_off");
/// assert_eq!(posts.count(literal.clone()).await?, 1);
/// assert_eq!(posts.count(literal.ignore_case(true)).await?, 2);
/// assert_eq!(posts.count(SearchFilter::new(post::Column::Content, "Sale")).await?, 1);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFilter<C> {
    /// The columns searched (a row matches if any of them does).
    pub fields: Vec<C>,
    /// The text to find, matched literally.
    pub value: String,
    /// Whether case is ignored.
    pub ignore_case: bool,
    /// Where the text must appear; [`MatchMode::Contains`] by default.
    pub mode: MatchMode,
}

impl<C: ColumnTrait> SearchFilter<C> {
    /// `field` contains `value`, case-sensitively.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::SearchFilter;
    /// let search = SearchFilter::new(post::Column::Title, "rust");
    /// assert_eq!((search.fields.len(), search.ignore_case), (1, false));
    /// ```
    pub fn new(field: C, value: impl Into<String>) -> Self {
        Self::across([field], value)
    }

    /// One of `fields` contains `value`, case-sensitively.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String, pub content: String } }
    /// use advanced_alchemy::filters::SearchFilter;
    /// let search = SearchFilter::across([post::Column::Title, post::Column::Content], "rust");
    /// assert_eq!(search.fields.len(), 2);
    /// ```
    pub fn across(fields: impl IntoIterator<Item = C>, value: impl Into<String>) -> Self {
        Self {
            fields: fields.into_iter().collect(),
            value: value.into(),
            ignore_case: false,
            mode: MatchMode::Contains,
        }
    }

    /// Ignores case (or not).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::SearchFilter;
    /// assert!(SearchFilter::new(post::Column::Title, "Rust").ignore_case(true).ignore_case);
    /// ```
    pub fn ignore_case(mut self, ignore_case: bool) -> Self {
        self.ignore_case = ignore_case;
        self
    }

    /// Matches at the start or the end instead of anywhere.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{MatchMode, SearchFilter};
    /// let prefix = SearchFilter::new(post::Column::Title, "How to").mode(MatchMode::StartsWith);
    /// assert_eq!(prefix.mode, MatchMode::StartsWith);
    /// ```
    pub fn mode(mut self, mode: MatchMode) -> Self {
        self.mode = mode;
        self
    }
}

impl<E: EntityTrait> Predicate<E> for SearchFilter<E::Column> {
    fn condition(&self, backend: DbBackend) -> Condition {
        self.fields.iter().fold(Condition::any(), |any, field| {
            any.add(matches(
                backend,
                *field,
                &self.value,
                self.mode,
                self.ignore_case,
            ))
        })
    }

    fn test(&self, model: &E::Model) -> crate::Result<super::Truth> {
        let mut answer = super::Truth::No;
        for field in &self.fields {
            let one =
                test_match::<E, Self>(model, *field, &self.value, self.mode, self.ignore_case)?;
            answer = answer.or(one);
        }
        Ok(answer)
    }
}

/// Rows where none of `fields` contains `value`: the Python library's
/// `NotInSearchFilter` (`NOT LIKE` on every field, `AND`ed). A row whose searched
/// column is NULL does not match (see [text, case and NULLs](crate::filters#text-case-and-nulls)); add a
/// [`NullFilter`](super::NullFilter) in an `or` group to keep such rows.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::NotInSearchFilter;
/// use advanced_alchemy::repository::Repository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// for title in ["Draft: one", "two", "draft three"] {
///     posts.add(post::ActiveModel { title: Set(title.into()), ..Default::default() }).await?;
/// }
/// assert_eq!(posts.count(NotInSearchFilter::new(post::Column::Title, "draft")).await?, 2);
/// assert_eq!(posts.count(NotInSearchFilter::new(post::Column::Title, "draft").ignore_case(true)).await?, 1);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotInSearchFilter<C> {
    /// The columns searched (a row matches if none of them contains the text).
    pub fields: Vec<C>,
    /// The text to exclude, matched literally.
    pub value: String,
    /// Whether case is ignored.
    pub ignore_case: bool,
    /// Where the text must not appear; [`MatchMode::Contains`] by default.
    pub mode: MatchMode,
}

impl<C: ColumnTrait> NotInSearchFilter<C> {
    /// `field` does not contain `value`, case-sensitively.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::NotInSearchFilter;
    /// assert_eq!(NotInSearchFilter::new(post::Column::Title, "spam").value, "spam");
    /// ```
    pub fn new(field: C, value: impl Into<String>) -> Self {
        Self::across([field], value)
    }

    /// None of `fields` contains `value`, case-sensitively.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String, pub content: String } }
    /// use advanced_alchemy::filters::NotInSearchFilter;
    /// let clean = NotInSearchFilter::across([post::Column::Title, post::Column::Content], "spam");
    /// assert_eq!(clean.fields.len(), 2);
    /// ```
    pub fn across(fields: impl IntoIterator<Item = C>, value: impl Into<String>) -> Self {
        Self {
            fields: fields.into_iter().collect(),
            value: value.into(),
            ignore_case: false,
            mode: MatchMode::Contains,
        }
    }

    /// Ignores case (or not).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::NotInSearchFilter;
    /// assert!(NotInSearchFilter::new(post::Column::Title, "Spam").ignore_case(true).ignore_case);
    /// ```
    pub fn ignore_case(mut self, ignore_case: bool) -> Self {
        self.ignore_case = ignore_case;
        self
    }

    /// Excludes by prefix or suffix instead of anywhere.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{MatchMode, NotInSearchFilter};
    /// let f = NotInSearchFilter::new(post::Column::Title, ".tmp").mode(MatchMode::EndsWith);
    /// assert_eq!(f.mode, MatchMode::EndsWith);
    /// ```
    pub fn mode(mut self, mode: MatchMode) -> Self {
        self.mode = mode;
        self
    }
}

impl<E: EntityTrait> Predicate<E> for NotInSearchFilter<E::Column> {
    fn condition(&self, backend: DbBackend) -> Condition {
        self.fields.iter().fold(Condition::all(), |all, field| {
            all.add(matches(backend, *field, &self.value, self.mode, self.ignore_case).not())
        })
    }

    fn test(&self, model: &E::Model) -> crate::Result<super::Truth> {
        let mut answer = super::Truth::Yes;
        for field in &self.fields {
            let one =
                test_match::<E, Self>(model, *field, &self.value, self.mode, self.ignore_case)?;
            answer = answer.and(one.not());
        }
        Ok(answer)
    }
}

filter_via_predicate!(SearchFilter, NotInSearchFilter);

/// `field` (as text) matches `value`.
pub(crate) fn matches<C: ColumnTrait>(
    backend: DbBackend,
    field: C,
    value: &str,
    mode: MatchMode,
    ignore_case: bool,
) -> Expr {
    // enum columns are compared as their text
    let target = field.select_as(Expr::col(field.as_column_ref()));
    text_match(backend, target, value, mode, ignore_case)
}

/// [`matches`] for one model, in memory: literal text, Unicode case folding.
fn test_match<E: EntityTrait, F: ?Sized>(
    model: &E::Model,
    field: E::Column,
    value: &str,
    mode: MatchMode,
    ignore_case: bool,
) -> crate::Result<super::Truth> {
    use super::memory::{Norm, norm, unsupported};
    let text = match norm(sea_orm::ModelTrait::get(model, field)) {
        Norm::Null => return Ok(super::Truth::Unknown),
        Norm::Text(text) => text,
        _ => {
            return Err(unsupported::<F>(format!(
                "search on `{}`, which does not hold text",
                sea_orm::IdenStatic::as_str(&field)
            )));
        }
    };
    let (text, value) = if ignore_case {
        (text.to_lowercase(), value.to_lowercase())
    } else {
        (text, value.to_owned())
    };
    let found = match mode {
        MatchMode::Contains => text.contains(&value),
        MatchMode::StartsWith => text.starts_with(&value),
        MatchMode::EndsWith => text.ends_with(&value),
    };
    Ok(super::Truth::from_bool(found))
}
