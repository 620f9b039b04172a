//! Mixins: columns and behaviour a model opts into, on any base.
//!
//! * [`AuditColumns`]: `created_at`/`updated_at`, timezone-aware UTC, kept up to date on save.
//! * [`SlugKey`]: a `slug` column, `VARCHAR(100) NOT NULL`, unique as `uq_<table>_slug`.
//! * [`SoftDelete`]: a nullable `deleted_at`; repository reads skip deleted rows and
//!   `delete` only sets it (the Python library's open proposal, done).
//! * [`UniqueMixin`]: get-or-create by a natural key ([`UniqueMixin::as_unique`]), cached per
//!   [`Session`](crate::Session) and safe under concurrent transactions.
//!
//! `AuditColumns`, `SlugKey` and `SoftDelete` are options of the [`model`](crate::model) attribute, which implements the
//! traits here; the third is a trait you implement on the entity.

mod audit;
mod slug;
mod soft_delete;
mod unique;

pub use audit::AuditColumns;
pub use slug::SlugKey;
pub use soft_delete::SoftDelete;
pub use unique::{UniqueMixin, as_unique};
