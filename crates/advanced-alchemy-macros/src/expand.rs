//! The expansion: added fields, `Base` and mixin impls, `ActiveModelBehavior`, registry entry.

use crate::options::{Key, Options};
use proc_macro2::TokenStream as TokenStream2;
use quote::{format_ident, quote};
use syn::{Fields, ItemStruct, parse_quote};

pub(crate) fn expand(options: Options, mut item: ItemStruct) -> syn::Result<TokenStream2> {
    let key = options.key.unwrap_or(Key::Manual);
    let dto_fields = crate::dto::take_field_attrs(&mut item, options.dto.is_some())?;
    let Fields::Named(fields) = &mut item.fields else {
        return Err(syn::Error::new_spanned(
            &item.ident,
            "#[advanced_alchemy::model] goes on a struct with named fields",
        ));
    };
    let taken = |name: &str| {
        fields
            .named
            .iter()
            .any(|f| f.ident.as_ref().is_some_and(|i| i == name))
    };
    let mut added = Vec::new();
    if key != Key::Manual {
        added.push("id");
    }
    if options.slug {
        added.push("slug");
    }
    if options.audit {
        added.extend(["created_at", "updated_at"]);
    }
    if options.soft_delete {
        added.push("deleted_at");
    }
    for name in &added {
        if taken(name) {
            return Err(syn::Error::new_spanned(
                &item.ident,
                format!(
                    "the model attribute adds the `{name}` field itself; remove it from the struct"
                ),
            ));
        }
    }
    if key == Key::Manual && !options.key_server_default.is_empty() {
        return Err(syn::Error::new_spanned(
            &item.ident,
            "key_server_default needs a key strategy (a base or `key = …`)",
        ));
    }

    let p = quote!(::advanced_alchemy::__private);
    let id_field: Option<syn::Field> = match key {
        Key::BigInt | Key::Identity => Some(parse_quote! {
            #[sea_orm(primary_key)]
            pub id: i64
        }),
        Key::Uuid4 | Key::Uuid6 | Key::Uuid7 => Some(parse_quote! {
            #[sea_orm(primary_key, auto_increment = false, column_type = "Uuid")]
            pub id: #p::uuid::Uuid
        }),
        Key::Nanoid => Some(parse_quote! {
            #[sea_orm(primary_key, auto_increment = false)]
            pub id: String
        }),
        Key::Manual => None,
    };
    if let Some(field) = id_field {
        fields.named.insert(0, field);
    }
    if options.slug {
        fields.named.push(parse_quote! {
            #[sea_orm(unique, column_type = "String(sea_orm::sea_query::StringLen::N(100))")]
            pub slug: String
        });
    }
    if options.audit {
        fields.named.push(parse_quote! {
            #[sea_orm(column_type = "TimestampWithTimeZone")]
            pub created_at: ::advanced_alchemy::types::DateTimeUTC
        });
        fields.named.push(parse_quote! {
            #[sea_orm(column_type = "TimestampWithTimeZone")]
            pub updated_at: ::advanced_alchemy::types::DateTimeUTC
        });
    }

    if options.soft_delete {
        fields.named.push(parse_quote! {
            #[sea_orm(column_type = "TimestampWithTimeZone", nullable)]
            pub deleted_at: ::core::option::Option<::advanced_alchemy::types::DateTimeUTC>
        });
    }

    let dto = match &options.dto {
        Some(dto_options) => {
            let mut managed = Vec::new();
            if key != Key::Manual {
                managed.push("id");
            }
            if options.audit {
                managed.extend(["created_at", "updated_at"]);
            }
            if options.soft_delete {
                managed.push("deleted_at");
            }
            Some(crate::dto::expand(crate::dto::DtoInput {
                options: dto_options,
                item: &item,
                field_options: &dto_fields,
                managed: &managed,
            })?)
        }
        None => None,
    };

    let aa = quote!(::advanced_alchemy);
    let key_variant = key.variant();
    let key_column = if key == Key::Manual {
        quote!(::core::option::Option::None)
    } else {
        quote!(::core::option::Option::Some(Column::Id))
    };
    let audit_columns = if options.audit {
        quote!(::core::option::Option::Some((
            Column::CreatedAt,
            Column::UpdatedAt
        )))
    } else {
        quote!(::core::option::Option::None)
    };
    let slug_key = if options.slug {
        quote!(::core::option::Option::Some(Column::Slug))
    } else {
        quote!(::core::option::Option::None)
    };
    let soft_delete = if options.soft_delete {
        quote!(::core::option::Option::Some(Column::DeletedAt))
    } else {
        quote!(::core::option::Option::None)
    };
    let server_default_arms =
        options
            .key_server_default
            .iter()
            .map(|(backend, expr)| match backend {
                Some(b) => {
                    let variant = format_ident!(
                        "{}",
                        match b.to_string().as_str() {
                            "postgres" => "Postgres",
                            "mysql" => "MySql",
                            _ => "Sqlite",
                        }
                    );
                    quote!(#p::sea_orm::DbBackend::#variant => ::core::option::Option::Some(#expr),)
                }
                None => quote!(_ => ::core::option::Option::Some(#expr),),
            });
    let audit_impl = options.audit.then(|| {
        quote! {
            impl #aa::mixins::AuditColumns for Entity {
                fn created_at_column() -> Column { Column::CreatedAt }
                fn updated_at_column() -> Column { Column::UpdatedAt }
            }
        }
    });
    let slug_impl = options.slug.then(|| {
        quote! {
            impl #aa::mixins::SlugKey for Entity {
                fn slug_column() -> Column { Column::Slug }
            }
        }
    });
    let soft_delete_impl = options.soft_delete.then(|| {
        quote! {
            impl #aa::mixins::SoftDelete for Entity {
                fn deleted_at_column() -> Column { Column::DeletedAt }
            }
        }
    });
    let hooks_impl = (!options.hooks).then(|| {
        quote! { impl #aa::hooks::ModelHooks for ActiveModel {} }
    });
    let base_check = options.base.as_ref().map(|base| {
        quote! {
            const _: #aa::base::KeyStrategy = <#aa::base::#base as #aa::base::BaseSpec>::KEY;
        }
    });

    Ok(quote! {
        #item

        #base_check

        impl #aa::base::Base for Entity {
            const KEY: #aa::base::KeyStrategy = #aa::base::KeyStrategy::#key_variant;
            fn key_column() -> ::core::option::Option<Column> { #key_column }
            fn audit_columns() -> ::core::option::Option<(Column, Column)> { #audit_columns }
            fn slug_key() -> ::core::option::Option<Column> { #slug_key }
            fn soft_delete_column() -> ::core::option::Option<Column> { #soft_delete }
            #[allow(unreachable_patterns)]
            fn key_server_default(backend: #p::sea_orm::DbBackend) -> ::core::option::Option<&'static str> {
                match backend {
                    #(#server_default_arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }

        #audit_impl
        #slug_impl
        #soft_delete_impl
        #hooks_impl

        #[#p::async_trait]
        impl #p::sea_orm::ActiveModelBehavior for ActiveModel {
            async fn before_save<C>(self, db: &C, insert: bool) -> ::core::result::Result<Self, #p::sea_orm::DbErr>
            where
                C: #p::sea_orm::ConnectionTrait,
            {
                let backend = db.get_database_backend();
                let am = #aa::base::prepare_save(self, insert, backend);
                let am = <Self as #aa::hooks::ModelHooks>::before_save(am, db, insert).await?;
                ::core::result::Result::Ok(#aa::base::bind_datetimes(am, backend))
            }

            async fn after_save<C>(
                model: Model,
                db: &C,
                insert: bool,
            ) -> ::core::result::Result<Model, #p::sea_orm::DbErr>
            where
                C: #p::sea_orm::ConnectionTrait,
            {
                <Self as #aa::hooks::ModelHooks>::after_save(model, db, insert).await
            }

            async fn before_delete<C>(self, db: &C) -> ::core::result::Result<Self, #p::sea_orm::DbErr>
            where
                C: #p::sea_orm::ConnectionTrait,
            {
                <Self as #aa::hooks::ModelHooks>::before_delete(self, db).await
            }

            async fn after_delete<C>(self, db: &C) -> ::core::result::Result<Self, #p::sea_orm::DbErr>
            where
                C: #p::sea_orm::ConnectionTrait,
            {
                <Self as #aa::hooks::ModelHooks>::after_delete(self, db).await
            }
        }

        impl #aa::service::ModelInput<Entity> for ActiveModel {
            fn into_active(self) -> #aa::Result<ActiveModel> {
                ::core::result::Result::Ok(self)
            }
        }

        impl #aa::service::ModelInput<Entity> for Model {
            fn into_active(self) -> #aa::Result<ActiveModel> {
                ::core::result::Result::Ok(#aa::service::model_to_active::<Entity>(self))
            }
        }

        #dto

        #p::inventory::submit! {
            #aa::registry::ModelEntry::new::<Entity>(::core::module_path!())
        }
    })
}
