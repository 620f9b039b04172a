//! Pages of results: [`OffsetPagination`] (the Python library's, with a total) and
//! keyset pagination with opaque, tamper-evident cursors ([`cursor`]), which the Python
//! library does not have.
//!
//! Offset pages come from [`Repository::get_many_and_count`](crate::repository::Repository::get_many_and_count)
//! (or [`get_offset_page`](crate::repository::Repository::get_offset_page)); cursor pages
//! from [`Repository::get_cursor_page`](crate::repository::Repository::get_cursor_page).

pub mod cursor;

pub use cursor::{CursorKey, CursorPage, Keyset};

use crate::filters::LimitOffset;
use serde::{Deserialize, Serialize};

/// One page of items with the total across all pages: the Python `OffsetPagination`,
/// serialisable as `{"items": […], "limit": 20, "offset": 40, "total": 123}`.
///
/// ```
/// use advanced_alchemy::filters::LimitOffset;
/// use advanced_alchemy::pagination::OffsetPagination;
///
/// let page = OffsetPagination::new(vec!["a", "b"], 12, LimitOffset::new(2, 4));
/// assert_eq!(
///     serde_json::to_string(&page).unwrap(),
///     r#"{"items":["a","b"],"limit":2,"offset":4,"total":12}"#
/// );
/// assert!(page.has_next());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OffsetPagination<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// The page size asked for.
    pub limit: u64,
    /// How many rows come before this page.
    pub offset: u64,
    /// How many rows match, across all pages.
    pub total: u64,
}

impl<T> OffsetPagination<T> {
    /// A page from its items, the total and the page it was asked for.
    ///
    /// ```
    /// use advanced_alchemy::{filters::LimitOffset, pagination::OffsetPagination};
    /// let page = OffsetPagination::new(vec![1, 2, 3], 3, LimitOffset::new(10, 0));
    /// assert!(!page.has_next());
    /// ```
    pub fn new(items: Vec<T>, total: u64, page: LimitOffset) -> Self {
        Self {
            items,
            limit: page.limit,
            offset: page.offset,
            total,
        }
    }

    /// Whether rows follow this page.
    ///
    /// ```
    /// use advanced_alchemy::{filters::LimitOffset, pagination::OffsetPagination};
    /// assert!(OffsetPagination::new(vec![1], 2, LimitOffset::new(1, 0)).has_next());
    /// ```
    pub fn has_next(&self) -> bool {
        self.offset.saturating_add(self.items.len() as u64) < self.total
    }

    /// The same page with every item converted (model → response schema).
    ///
    /// ```
    /// use advanced_alchemy::{filters::LimitOffset, pagination::OffsetPagination};
    /// let page = OffsetPagination::new(vec![1, 2], 2, LimitOffset::new(10, 0)).map(|n| n * 10);
    /// assert_eq!(page.items, [10, 20]);
    /// ```
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> OffsetPagination<U> {
        OffsetPagination {
            items: self.items.into_iter().map(f).collect(),
            limit: self.limit,
            offset: self.offset,
            total: self.total,
        }
    }
}
