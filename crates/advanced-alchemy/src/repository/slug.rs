//! The slug repository: reads by slug and free slugs for new rows.

use super::Repository;
use crate::error::{Error, Result};
use crate::filters::IncludeDeleted;
use crate::mixins::SlugKey;
use crate::utils::text::try_slugify;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, TransactionTrait};

/// The Python `SQLAlchemyAsyncSlugRepository`: a [`Repository`] of a
/// [`SlugKey`] model, which adds [`get_by_slug`](Repository::get_by_slug) and
/// [`get_available_slug`](Repository::get_available_slug).
///
/// ```
/// # mod tag { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase, SlugKey)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "tag")]
/// #   pub struct Model { pub name: String } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::repository::SlugRepository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<tag::Entity>().create_all(&db).await?;
/// let tags: SlugRepository<tag::Entity> = SlugRepository::new(&db);
/// let slug = tags.get_available_slug("Rust & SQL").await?;
/// assert_eq!(slug, "rust-sql");
/// tags.add(tag::ActiveModel { name: Set("Rust & SQL".into()), slug: Set(slug), ..Default::default() }).await?;
///
/// let taken = tags.get_available_slug("rust sql").await?;
/// assert!(taken.starts_with("rust-sql-") && taken.len() == "rust-sql-".len() + 4, "{taken}");
/// assert_eq!(tags.get_by_slug("rust-sql").await?.unwrap().name, "Rust & SQL");
/// # Ok(()) }
/// ```
pub type SlugRepository<'c, E, C = DatabaseConnection> = Repository<'c, E, C>;

/// Characters of the random suffix of a taken slug.
const SUFFIX_ALPHABET: [char; 36] = [
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's',
    't', 'u', 'v', 'w', 'x', 'y', 'z', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
];
/// The `slug` column's length.
const SLUG_LEN: usize = 100;

impl<E, C> Repository<'_, E, C>
where
    E: SlugKey,
    C: ConnectionTrait + TransactionTrait,
{
    /// The row with this slug, or `None`.
    ///
    /// ```
    /// # mod tag { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase, SlugKey)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "tag")]
    /// #   pub struct Model { pub name: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<tag::Entity>().create_all(&db).await?;
    /// let tags = advanced_alchemy::repository::SlugRepository::<tag::Entity>::new(&db);
    /// assert!(tags.get_by_slug("nothing").await?.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn get_by_slug(&self, slug: &str) -> Result<Option<E::Model>> {
        self.get_one_or_none(E::slug_column().eq(slug)).await
    }

    /// A slug for `value` that no row uses yet: `slugify(value)`, or, when that is
    /// taken (by any row, soft-deleted ones included, since the unique constraint
    /// covers them), the same with `-` and 4 random lowercase letters or digits. The
    /// result fits the 100-character column. Text with nothing to slugify is
    /// [`Error::InvalidRequest`].
    ///
    /// As in the Python library, the slug is free when checked; a concurrent insert of
    /// the same slug still fails on the unique constraint as
    /// [`Error::DuplicateKey`], which a caller may retry.
    ///
    /// ```
    /// # mod tag { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase, SlugKey)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "tag")]
    /// #   pub struct Model { pub name: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<tag::Entity>().create_all(&db).await?;
    /// let tags = advanced_alchemy::repository::SlugRepository::<tag::Entity>::new(&db);
    /// assert_eq!(tags.get_available_slug("Crème Brûlée").await?, "creme-brulee");
    /// assert!(tags.get_available_slug("   ").await.is_err());
    /// # Ok(()) }
    /// ```
    pub async fn get_available_slug(&self, value: &str) -> Result<String> {
        let base = try_slugify(value)
            .ok()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "`{}` has no letters or digits to make a slug of",
                    value.chars().take(40).collect::<String>()
                ))
            })?;
        let mut slug: String = base.chars().take(SLUG_LEN).collect();
        loop {
            if !self
                .exists((E::slug_column().eq(slug.as_str()), IncludeDeleted))
                .await?
            {
                return Ok(slug);
            }
            let stem: String = base.chars().take(SLUG_LEN - 5).collect();
            slug = format!(
                "{}-{}",
                stem.trim_end_matches('-'),
                nanoid::nanoid!(4, &SUFFIX_ALPHABET)
            );
        }
    }
}
