//! Mixins: columns and behaviour a model opts into, on any base.
//!
//! * [`AuditColumns`]: `created_at`/`updated_at`, timezone-aware UTC, kept up to date on save.
//! * [`SlugKey`]: a `slug` column, `VARCHAR(100) NOT NULL`, unique as `uq_<table>_slug`.
//! * [`UniqueMixin`]: get-or-create by a natural key ([`UniqueMixin::as_unique`]), cached per
//!   [`Session`](crate::Session) and safe under concurrent transactions.
//!
//! The first two are options of the [`model`](crate::model) attribute, which implements the
//! traits here; the third is a trait you implement on the entity.

mod audit;
mod slug;
mod unique;

pub use audit::AuditColumns;
pub use slug::SlugKey;
pub use unique::{UniqueMixin, as_unique};
