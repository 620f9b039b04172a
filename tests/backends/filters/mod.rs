//! The filters of `advanced_alchemy::filters` against real data on every backend.
//!
//! The models are this suite's own (`flt_` tables): items with text, nullable text,
//! numbers, a boolean and a nullable timestamp, and their children (has-many /
//! belongs-to). Many-to-many `EXISTS` uses the blog's `post`/`tag`.

mod basic;
mod groups;
mod params;
mod search;

use crate::support::TestDb;
use advanced_alchemy::filters::Filter;
use advanced_alchemy::repository::Repository;
use advanced_alchemy::types::DateTimeUTC;
use chrono::{TimeZone, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::DatabaseConnection;

pub mod flt_item {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntAuditBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "flt_item")]
    pub struct Model {
        pub name: String,
        #[sea_orm(column_type = "Text")]
        pub note: Option<String>,
        pub qty: Option<i64>,
        pub score: f64,
        pub active: bool,
        pub due_at: Option<advanced_alchemy::types::DateTimeUTC>,
        #[sea_orm(has_many)]
        pub children: HasMany<super::flt_child::Entity>,
    }
}

pub mod flt_child {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "flt_child")]
    pub struct Model {
        pub item_id: i64,
        pub label: String,
        #[sea_orm(belongs_to, from = "item_id", to = "id", on_delete = "Cascade")]
        pub item: BelongsTo<super::flt_item::Entity>,
    }
}

/// An item called `name`: no note, no quantity, score 0, inactive, not due.
pub fn item(name: &str) -> flt_item::ActiveModel {
    flt_item::ActiveModel {
        name: Set(name.to_owned()),
        note: Set(None),
        qty: Set(None),
        score: Set(0.0),
        active: Set(false),
        due_at: Set(None),
        ..Default::default()
    }
}

/// Midnight UTC on `day` January 2024.
pub fn jan(day: u32) -> DateTimeUTC {
    Utc.with_ymd_and_hms(2024, 1, day, 0, 0, 0)
        .single()
        .expect("a date")
        .into()
}

pub fn items(db: &DatabaseConnection) -> Repository<'_, flt_item::Entity> {
    Repository::new(db)
}

/// Inserts `rows` in order.
pub async fn seed(t: &TestDb, rows: Vec<flt_item::ActiveModel>) -> Vec<flt_item::Model> {
    let repo = items(&t.db);
    let mut saved = Vec::with_capacity(rows.len());
    for row in rows {
        saved.push(repo.add(row).await.expect("insert item"));
    }
    saved
}

/// The names of the items matching `filter`, sorted.
pub async fn names(t: &TestDb, filter: impl Filter<flt_item::Entity>) -> Vec<String> {
    let mut names: Vec<String> = items(&t.db)
        .get_many(filter)
        .await
        .expect("get_many")
        .into_iter()
        .map(|i| i.name)
        .collect();
    names.sort();
    names
}

/// The names of the items matching `filter`, in the order returned.
pub async fn ordered_names(t: &TestDb, filter: impl Filter<flt_item::Entity>) -> Vec<String> {
    items(&t.db)
        .get_many(filter)
        .await
        .expect("get_many")
        .into_iter()
        .map(|i| i.name)
        .collect()
}
