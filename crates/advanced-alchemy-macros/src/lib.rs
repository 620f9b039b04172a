//! Procedural macros for [advanced-alchemy](https://docs.rs/advanced-alchemy).
//!
//! Use them through the main crate (`advanced_alchemy::model`); this crate has no other
//! public items. The expansion is described on the attribute itself.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Fields, Ident, ItemStruct, LitStr, Token, parse_macro_input, parse_quote};

/// Turns a SeaORM `#[sea_orm::model]` entity into an advanced-alchemy model. Documented
/// (with examples) as `advanced_alchemy::model`.
#[proc_macro_attribute]
pub fn model(args: TokenStream, input: TokenStream) -> TokenStream {
    let options = parse_macro_input!(args as Options);
    let item = parse_macro_input!(input as ItemStruct);
    match expand(options, item) {
        Ok(tokens) => tokens.into(),
        Err(err) => err.to_compile_error().into(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Key {
    BigInt,
    Identity,
    Uuid4,
    Uuid6,
    Uuid7,
    Nanoid,
    Manual,
}

impl Key {
    fn variant(self) -> Ident {
        let name = match self {
            Key::BigInt => "BigInt",
            Key::Identity => "Identity",
            Key::Uuid4 => "Uuid4",
            Key::Uuid6 => "Uuid6",
            Key::Uuid7 => "Uuid7",
            Key::Nanoid => "Nanoid",
            Key::Manual => "Manual",
        };
        Ident::new(name, Span::call_site())
    }
}

#[derive(Default)]
struct Options {
    key: Option<Key>,
    base: Option<Ident>,
    audit: bool,
    slug: bool,
    hooks: bool,
    /// (backend or None for all, expression)
    key_server_default: Vec<(Option<Ident>, LitStr)>,
}

/// The named bases: (name, key strategy, audit columns).
const BASES: &[(&str, Key, bool)] = &[
    ("BigIntBase", Key::BigInt, false),
    ("BigIntAuditBase", Key::BigInt, true),
    ("IdentityBase", Key::Identity, false),
    ("IdentityAuditBase", Key::Identity, true),
    ("UUIDBase", Key::Uuid4, false),
    ("UUIDAuditBase", Key::Uuid4, true),
    ("UUIDv6Base", Key::Uuid6, false),
    ("UUIDv6AuditBase", Key::Uuid6, true),
    ("UUIDv7Base", Key::Uuid7, false),
    ("UUIDv7AuditBase", Key::Uuid7, true),
    ("NanoidBase", Key::Nanoid, false),
    ("NanoidAuditBase", Key::Nanoid, true),
];

const KEYS: &[(&str, Key)] = &[
    ("bigint", Key::BigInt),
    ("identity", Key::Identity),
    ("uuid", Key::Uuid4),
    ("uuid4", Key::Uuid4),
    ("uuid6", Key::Uuid6),
    ("uuid7", Key::Uuid7),
    ("nanoid", Key::Nanoid),
    ("none", Key::Manual),
];

impl Parse for Options {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut options = Options::default();
        let items = Punctuated::<OptionItem, Token![,]>::parse_terminated(input)?;
        for item in items {
            match item {
                OptionItem::Flag(ident) => options.flag(ident)?,
                OptionItem::Key(ident) => {
                    let name = ident.to_string();
                    let Some((_, key)) = KEYS.iter().find(|(n, _)| *n == name) else {
                        return Err(syn::Error::new(
                            ident.span(),
                            "unknown key strategy; expected one of bigint, identity, uuid4, uuid6, uuid7, nanoid, none",
                        ));
                    };
                    options.set_key(*key, &ident)?;
                }
                OptionItem::ServerDefault(list) => options.key_server_default.extend(list),
            }
        }
        Ok(options)
    }
}

impl Options {
    fn flag(&mut self, ident: Ident) -> syn::Result<()> {
        let name = ident.to_string();
        match name.as_str() {
            "AuditColumns" => self.audit = true,
            "SlugKey" => self.slug = true,
            "hooks" => self.hooks = true,
            "UniqueMixin" => {
                return Err(syn::Error::new(
                    ident.span(),
                    "UniqueMixin is a trait: implement `advanced_alchemy::mixins::UniqueMixin<Args>` for the entity instead",
                ));
            }
            _ => {
                let Some((_, key, audit)) = BASES.iter().find(|(n, _, _)| *n == name) else {
                    return Err(syn::Error::new(
                        ident.span(),
                        format!(
                            "unknown option `{name}`; expected a base ({}), AuditColumns, SlugKey, hooks, key = …, or key_server_default = …",
                            BASES.iter().map(|b| b.0).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                };
                self.set_key(*key, &ident)?;
                self.audit |= *audit;
                self.base = Some(ident);
            }
        }
        Ok(())
    }

    fn set_key(&mut self, key: Key, at: &Ident) -> syn::Result<()> {
        if self.key.is_some() {
            return Err(syn::Error::new(
                at.span(),
                "a model has one key strategy: give one base or one `key = …`",
            ));
        }
        self.key = Some(key);
        Ok(())
    }
}

enum OptionItem {
    Flag(Ident),
    Key(Ident),
    ServerDefault(Vec<(Option<Ident>, LitStr)>),
}

impl Parse for OptionItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let ident: Ident = input.parse()?;
        if ident == "key" {
            input.parse::<Token![=]>()?;
            return Ok(OptionItem::Key(input.parse()?));
        }
        if ident == "key_server_default" {
            if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                return Ok(OptionItem::ServerDefault(vec![(None, input.parse()?)]));
            }
            let content;
            syn::parenthesized!(content in input);
            let mut list = Vec::new();
            while !content.is_empty() {
                let backend: Ident = content.parse()?;
                if !["postgres", "mysql", "sqlite"].contains(&backend.to_string().as_str()) {
                    return Err(syn::Error::new(
                        backend.span(),
                        "expected postgres, mysql or sqlite",
                    ));
                }
                content.parse::<Token![=]>()?;
                list.push((Some(backend), content.parse()?));
                if !content.is_empty() {
                    content.parse::<Token![,]>()?;
                }
            }
            return Ok(OptionItem::ServerDefault(list));
        }
        Ok(OptionItem::Flag(ident))
    }
}

fn expand(options: Options, mut item: ItemStruct) -> syn::Result<TokenStream2> {
    let key = options.key.unwrap_or(Key::Manual);
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
            pub created_at: #p::chrono::DateTime<#p::chrono::Utc>
        });
        fields.named.push(parse_quote! {
            #[sea_orm(column_type = "TimestampWithTimeZone")]
            pub updated_at: #p::chrono::DateTime<#p::chrono::Utc>
        });
    }

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
        #hooks_impl

        #[#p::async_trait]
        impl #p::sea_orm::ActiveModelBehavior for ActiveModel {
            async fn before_save<C>(self, db: &C, insert: bool) -> ::core::result::Result<Self, #p::sea_orm::DbErr>
            where
                C: #p::sea_orm::ConnectionTrait,
            {
                let am = #aa::base::prepare_save(self, insert);
                <Self as #aa::hooks::ModelHooks>::before_save(am, db, insert).await
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

        #p::inventory::submit! {
            #aa::registry::ModelEntry::new::<Entity>(::core::module_path!())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(src: &str) -> syn::Result<Options> {
        syn::parse_str(src)
    }

    fn error(options_src: &str, item_src: &str) -> String {
        let item: ItemStruct = syn::parse_str(item_src).expect("struct");
        match options(options_src).and_then(|o| expand(o, item)) {
            Ok(_) => panic!("`{options_src}` should be refused"),
            Err(err) => err.to_string(),
        }
    }

    const ITEM: &str = "pub struct Model { pub name: String }";

    #[test]
    fn bases_and_mixins() {
        let o = options("BigIntAuditBase, SlugKey").expect("parse");
        assert!(o.key == Some(Key::BigInt) && o.audit && o.slug && !o.hooks);
        let o = options("key = uuid7, AuditColumns, hooks").expect("parse");
        assert!(o.key == Some(Key::Uuid7) && o.audit && o.hooks);
        let o = options("key = uuid4, key_server_default(postgres = \"gen_random_uuid()\")")
            .expect("parse");
        assert_eq!(o.key_server_default.len(), 1);
        assert!(options("").expect("parse").key.is_none());
    }

    #[test]
    fn mistakes_are_explained() {
        assert!(error("BigIntBase, UUIDBase", ITEM).contains("one key strategy"));
        assert!(error("BigIntBasse", ITEM).contains("expected a base"));
        assert!(error("UniqueMixin", ITEM).contains("implement"));
        assert!(error("key = serial", ITEM).contains("unknown key strategy"));
        assert!(error("key_server_default = \"now()\"", ITEM).contains("needs a key strategy"));
        assert!(
            error("UUIDBase", "pub struct Model { pub id: i32 }").contains("adds the `id` field")
        );
        assert!(error("AuditColumns", "pub struct Model(i32);").contains("named fields"));
        assert!(
            error("key_server_default(oracle = \"x\")", ITEM).contains("postgres, mysql or sqlite")
        );
    }

    #[test]
    fn expansion_adds_the_columns() {
        let item: ItemStruct = syn::parse_str(ITEM).expect("struct");
        let out = expand(options("UUIDv7AuditBase, SlugKey").expect("parse"), item)
            .expect("expand")
            .to_string();
        for needle in [
            "pub id",
            "pub slug",
            "pub created_at",
            "pub updated_at",
            "Uuid7",
            "inventory",
        ] {
            assert!(out.contains(needle), "{needle} missing from {out}");
        }
    }
}
