//! One small model per base, plus the seed's custom `ServerSideUUIDBase` user.

macro_rules! base_model {
    ($module:ident, $table:literal, $($options:tt)*) => {
        pub mod $module {
            use sea_orm::entity::prelude::*;

            #[advanced_alchemy::model($($options)*)]
            #[sea_orm::model]
            #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                pub name: String,
            }
        }
    };
}

base_model!(bigint_item, "bigint_item", BigIntBase);
base_model!(bigint_audit_item, "bigint_audit_item", BigIntAuditBase);
base_model!(identity_item, "identity_item", IdentityBase);
base_model!(
    identity_audit_item,
    "identity_audit_item",
    IdentityAuditBase
);
base_model!(uuid_item, "uuid_item", UUIDBase);
base_model!(uuid_audit_item, "uuid_audit_item", UUIDAuditBase);
base_model!(uuid6_item, "uuid6_item", UUIDv6Base);
base_model!(uuid6_audit_item, "uuid6_audit_item", UUIDv6AuditBase);
base_model!(uuid7_item, "uuid7_item", UUIDv7Base);
base_model!(uuid7_audit_item, "uuid7_audit_item", UUIDv7AuditBase);
base_model!(nanoid_item, "nanoid_item", NanoidBase);
base_model!(nanoid_audit_item, "nanoid_audit_item", NanoidAuditBase);
// AuditColumns on its own, on a base without them.
base_model!(
    nanoid_with_audit,
    "nanoid_with_audit",
    NanoidBase,
    AuditColumns
);

/// The seed's `ServerSideUUIDBase` user: UUID key made client-side, with
/// `gen_random_uuid()` as the server default on PostgreSQL.
pub mod user_account {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(
        key = uuid4,
        key_server_default(postgres = "gen_random_uuid()"),
        AuditColumns
    )]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "user_account")]
    pub struct Model {
        #[sea_orm(unique, indexed)]
        pub username: String,
        #[sea_orm(unique)]
        pub email: String,
        pub full_name: String,
        #[sea_orm(default_value = true)]
        pub is_active: bool,
        pub last_login: Option<advanced_alchemy::types::DateTimeUTC>,
    }
}

/// A model whose lookup key is not unique in the schema, for `MultipleResultsFound`.
pub mod label {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(UUIDv7Base)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "label")]
    pub struct Model {
        pub name: String,
        pub colour: String,
    }
}

/// A model with its own hooks chained after the generated ones.
pub mod note {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(UUIDv7AuditBase, hooks)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "note")]
    pub struct Model {
        pub body: String,
    }

    #[async_trait::async_trait]
    impl advanced_alchemy::hooks::ModelHooks for ActiveModel {
        async fn before_save<C: ConnectionTrait>(
            mut self,
            _db: &C,
            _insert: bool,
        ) -> Result<Self, DbErr> {
            if let sea_orm::ActiveValue::Set(body) = &self.body {
                if body.is_empty() {
                    return Err(DbErr::Custom("a note needs a body".into()));
                }
                self.body = sea_orm::ActiveValue::Set(body.trim().to_owned());
            }
            Ok(self)
        }
    }
}

/// A model with an enum column: a PostgreSQL enum type, ENUM(...) on MySQL, text on SQLite.
pub mod ticket {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
    #[sea_orm(rs_type = "String", db_type = "Enum", enum_name = "ticket_status")]
    pub enum Status {
        #[sea_orm(string_value = "open")]
        Open,
        #[sea_orm(string_value = "closed")]
        Closed,
    }

    #[advanced_alchemy::model(UUIDv7AuditBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "ticket")]
    pub struct Model {
        pub title: String,
        pub status: Status,
    }
}
