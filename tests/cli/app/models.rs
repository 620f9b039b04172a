//! The models of the CLI tests: `v1`, then `v2` (a column, an index and a foreign key
//! more, and `post.body` nullable), and `python`, the same tables as
//! `tests/python/cli_models.py` declares with Python's Advanced Alchemy.

pub mod v1 {
    pub mod author {
        use sea_orm::entity::prelude::*;

        #[advanced_alchemy::model(BigIntAuditBase)]
        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "author")]
        pub struct Model {
            #[sea_orm(column_type = "String(StringLen::N(100))", unique)]
            pub name: String,
        }
    }

    pub mod post {
        use advanced_alchemy::types::{DateTimeUTC, JsonB};
        use sea_orm::entity::prelude::*;

        #[derive(Clone, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
        #[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "post_status")]
        pub enum Status {
            #[sea_orm(string_value = "draft")]
            Draft,
            #[sea_orm(string_value = "published")]
            Published,
        }

        #[advanced_alchemy::model(UUIDv7AuditBase)]
        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "post")]
        pub struct Model {
            #[sea_orm(column_type = "String(StringLen::N(200))")]
            pub title: String,
            pub body: String,
            pub status: Status,
            pub published_at: Option<DateTimeUTC>,
            pub payload: JsonB<serde_json::Value>,
        }
    }
}

pub mod v2 {
    pub use super::v1::author;

    pub mod post {
        pub use super::super::v1::post::Status;
        use advanced_alchemy::types::{DateTimeUTC, JsonB};
        use sea_orm::entity::prelude::*;

        #[advanced_alchemy::model(UUIDv7AuditBase)]
        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "post")]
        pub struct Model {
            #[sea_orm(column_type = "String(StringLen::N(200))", indexed)]
            pub title: String,
            pub body: Option<String>,
            pub status: Status,
            pub published_at: Option<DateTimeUTC>,
            pub payload: JsonB<serde_json::Value>,
            pub author_id: Option<i64>,
            #[sea_orm(belongs_to, from = "author_id", to = "id", on_delete = "SetNull")]
            pub author: HasOne<super::author::Entity>,
        }
    }
}

pub mod python {
    pub mod cli_tag {
        use sea_orm::entity::prelude::*;

        #[advanced_alchemy::model(BigIntAuditBase)]
        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "cli_tag")]
        pub struct Model {
            #[sea_orm(column_type = "String(StringLen::N(50))", unique, indexed)]
            pub name: String,
        }
    }

    pub mod cli_note {
        use advanced_alchemy::types::{DateTimeUTC, GUID, JsonB};
        use sea_orm::entity::prelude::*;

        #[advanced_alchemy::model(UUIDv7AuditBase)]
        #[sea_orm::model]
        #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
        #[sea_orm(table_name = "cli_note")]
        pub struct Model {
            #[sea_orm(column_type = "String(StringLen::N(100))", indexed)]
            pub title: String,
            #[sea_orm(column_type = "String(StringLen::N(100))", unique)]
            pub slug: String,
            pub happened_at: DateTimeUTC,
            pub maybe_at: Option<DateTimeUTC>,
            pub ref_id: GUID,
            pub payload: JsonB<serde_json::Value>,
            pub tag_id: Option<i64>,
            #[sea_orm(belongs_to, from = "tag_id", to = "id", on_delete = "SetNull")]
            pub tag: HasOne<super::cli_tag::Entity>,
        }
    }
}

use advanced_alchemy::registry::Registry;

/// The model set named `name` (`v1`, `v2`, `python`).
pub fn registry(name: &str) -> Registry {
    match name {
        "v2" => Registry::new()
            .register::<v2::author::Entity>()
            .register::<v2::post::Entity>(),
        "python" => Registry::new()
            .register::<python::cli_tag::Entity>()
            .register::<python::cli_note::Entity>(),
        _ => Registry::new()
            .register::<v1::author::Entity>()
            .register::<v1::post::Entity>(),
    }
}
