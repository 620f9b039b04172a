//! Boolean combinations of predicates: [`FilterGroup`] and [`Logic`].

use super::text::{always, never};
use super::{Filter, FilterQuery, Predicate};
use sea_orm::sea_query::Condition;
use sea_orm::{DbBackend, EntityTrait};
use serde::{Deserialize, Serialize};

/// How a [`FilterGroup`] combines its filters.
///
/// ```
/// use advanced_alchemy::filters::Logic;
/// assert_eq!(serde_json::to_string(&Logic::Or).unwrap(), "\"or\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Logic {
    /// Every filter holds.
    And,
    /// At least one filter holds.
    Or,
}

/// Predicates combined with `AND` or `OR`, nestable, optionally negated: the Python
/// library's `FilterGroup`.
///
/// * An `and` of no filters matches every row and an `or` of no filters matches
///   none (the identities of `AND` and `OR`; negated, the reverse).
/// * Filters that are no filter at all (a [`CollectionFilter`](super::CollectionFilter)
///   with `values: None`, a [`BooleanFilter`](super::BooleanFilter) with `None`, an
///   empty SeaORM `Condition`) are left out, as in the Python library; a group with
///   nothing but those is no filter either.
/// * Negation is SQL's `NOT`: a row for which a member is unknown (a comparison with
///   a NULL column) is unknown after `NOT` too, and does not match.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String, pub published: bool, pub views: i64 } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::{BooleanFilter, ComparisonFilter, FilterGroup, Operator, SearchFilter};
/// use advanced_alchemy::repository::Repository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// for (title, published, views) in [("Rust", true, 5), ("Go", false, 500), ("Zig", false, 1)] {
///     posts.add(post::ActiveModel { title: Set(title.into()), published: Set(published), views: Set(views), ..Default::default() }).await?;
/// }
/// // published OR (popular AND NOT about Go)
/// let popular_not_go = FilterGroup::and()
///     .with(ComparisonFilter::new(post::Column::Views, Operator::Gt, 100))
///     .with(FilterGroup::and().with(SearchFilter::new(post::Column::Title, "Go")).negate());
/// let feed = FilterGroup::or()
///     .with(BooleanFilter::new(post::Column::Published, true))
///     .with(popular_not_go);
/// let titles: Vec<String> = posts.get_many(feed).await?.into_iter().map(|p| p.title).collect();
/// assert_eq!(titles, ["Rust"]);
/// assert_eq!(posts.count(FilterGroup::<post::Entity>::or()).await?, 0);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct FilterGroup<E: EntityTrait> {
    /// `AND` or `OR`.
    pub logic: Logic,
    /// The members, themselves predicates (groups included).
    pub filters: Vec<Box<dyn Predicate<E>>>,
    /// Whether the whole group is negated (`NOT (…)`).
    pub negated: bool,
}

impl<E: EntityTrait> FilterGroup<E> {
    /// A group of `filters` combined with `logic`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{FilterGroup, Logic, NullFilter, Predicate};
    /// let members: Vec<Box<dyn Predicate<post::Entity>>> = vec![Box::new(NullFilter::new(post::Column::Title))];
    /// let group = FilterGroup::new(Logic::Or, members);
    /// assert_eq!(group.filters.len(), 1);
    /// ```
    pub fn new(logic: Logic, filters: Vec<Box<dyn Predicate<E>>>) -> Self {
        Self {
            logic,
            filters,
            negated: false,
        }
    }

    /// An empty `AND` group; add members with [`with`](Self::with).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{FilterGroup, Logic};
    /// assert_eq!(FilterGroup::<post::Entity>::and().logic, Logic::And);
    /// ```
    pub fn and() -> Self {
        Self::new(Logic::And, Vec::new())
    }

    /// An empty `OR` group; add members with [`with`](Self::with).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{FilterGroup, Logic};
    /// assert_eq!(FilterGroup::<post::Entity>::or().logic, Logic::Or);
    /// ```
    pub fn or() -> Self {
        Self::new(Logic::Or, Vec::new())
    }

    /// Adds a member.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{FilterGroup, NullFilter};
    /// use sea_orm::ColumnTrait;
    /// let group = FilterGroup::<post::Entity>::or().with(NullFilter::new(post::Column::Title)).with(post::Column::Title.eq(""));
    /// assert_eq!(group.filters.len(), 2);
    /// ```
    pub fn with(mut self, filter: impl Predicate<E> + 'static) -> Self {
        self.filters.push(Box::new(filter));
        self
    }

    /// Negates the group: `NOT (…)`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::FilterGroup;
    /// assert!(FilterGroup::<post::Entity>::and().negate().negated);
    /// ```
    pub fn negate(mut self) -> Self {
        self.negated = !self.negated;
        self
    }
}

impl<E: EntityTrait> Predicate<E> for FilterGroup<E> {
    fn condition(&self, backend: DbBackend) -> Condition {
        let members: Vec<Condition> = self
            .filters
            .iter()
            .map(|f| f.condition(backend))
            .filter(|c| !c.is_empty())
            .collect();
        if members.is_empty() && !self.filters.is_empty() {
            // only inactive members: the group is inactive too
            return Condition::all();
        }
        let combined = if members.is_empty() {
            match self.logic {
                Logic::And => always(),
                Logic::Or => never(),
            }
        } else {
            let start = match self.logic {
                Logic::And => Condition::all(),
                Logic::Or => Condition::any(),
            };
            members
                .into_iter()
                .fold(start, |group, member| group.add(member))
        };
        if self.negated {
            // wrapped, so the NOT covers the whole group whatever its shape
            Condition::all().add(combined).not()
        } else {
            combined
        }
    }

    fn test(&self, model: &E::Model) -> crate::Result<super::Truth> {
        use super::Truth;
        // the members that are a condition at all, as `condition` keeps them
        let members: Vec<&dyn Predicate<E>> = self
            .filters
            .iter()
            .map(|f| f.as_ref())
            .filter(|f| !super::memory::is_no_condition(*f))
            .collect();
        if members.is_empty() && !self.filters.is_empty() {
            return Ok(Truth::Yes);
        }
        let mut combined = match self.logic {
            Logic::And => Truth::Yes,
            Logic::Or => Truth::No,
        };
        for member in members {
            let one = member.test(model)?;
            combined = match self.logic {
                Logic::And => combined.and(one),
                Logic::Or => combined.or(one),
            };
        }
        Ok(if self.negated {
            combined.not()
        } else {
            combined
        })
    }
}

impl<E: EntityTrait> Filter<E> for FilterGroup<E> {
    fn apply(&self, query: &mut FilterQuery<E>) {
        query.and_where(self.condition(query.backend()));
    }

    fn apply_in_memory(&self, query: &mut super::MemoryQuery<E>) -> crate::Result<()> {
        query.retain(self)
    }
}
