//! The `dto` option: `Create`, `Update` and `Read` structs next to the model, as
//! Litestar's `SQLAlchemyDTO` gives Python users.

use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{
    Attribute, Field, GenericArgument, Ident, ItemStruct, LitStr, PathArguments, Token, Type,
};

/// `dto` or `dto(rename_all = "camelCase", exclude(a, b), include(c, d))`.
#[derive(Default)]
pub(crate) struct DtoOptions {
    pub(crate) rename_all: Option<LitStr>,
    pub(crate) exclude: Vec<Ident>,
    pub(crate) include: Option<Vec<Ident>>,
}

impl Parse for DtoOptions {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut options = DtoOptions::default();
        while !input.is_empty() {
            let ident: Ident = input.parse()?;
            match ident.to_string().as_str() {
                "rename_all" => {
                    input.parse::<Token![=]>()?;
                    let value: LitStr = input.parse()?;
                    const CASES: &[&str] = &[
                        "lowercase",
                        "UPPERCASE",
                        "PascalCase",
                        "camelCase",
                        "snake_case",
                        "SCREAMING_SNAKE_CASE",
                        "kebab-case",
                        "SCREAMING-KEBAB-CASE",
                    ];
                    if !CASES.contains(&value.value().as_str()) {
                        return Err(syn::Error::new(
                            value.span(),
                            format!("rename_all: expected one of {}", CASES.join(", ")),
                        ));
                    }
                    options.rename_all = Some(value);
                }
                "exclude" | "include" => {
                    let content;
                    syn::parenthesized!(content in input);
                    let names = content
                        .parse_terminated(Ident::parse, Token![,])?
                        .into_iter()
                        .collect();
                    if ident == "exclude" {
                        options.exclude = names;
                    } else {
                        options.include = Some(names);
                    }
                }
                other => {
                    return Err(syn::Error::new(
                        ident.span(),
                        format!(
                            "unknown dto option `{other}`; expected rename_all = \"…\", exclude(…) or include(…)"
                        ),
                    ));
                }
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(options)
    }
}

/// `#[dto(skip | read_only | write_only | rename = "…")]` on a field.
#[derive(Default)]
struct FieldOptions {
    skip: bool,
    read_only: bool,
    write_only: bool,
    rename: Option<LitStr>,
}

/// Removes the `#[dto(…)]` attributes from the struct's fields and returns them by
/// field name (they are no attribute any derive knows).
pub(crate) fn take_field_attrs(
    item: &mut ItemStruct,
    enabled: bool,
) -> syn::Result<Vec<(String, FieldOptionsHandle)>> {
    let mut out = Vec::new();
    for field in item.fields.iter_mut() {
        let mut options = FieldOptions::default();
        let mut found = None;
        let mut error = None;
        field.attrs.retain(|attr| {
            if !attr.path().is_ident("dto") {
                return true;
            }
            found = Some(attr.clone());
            if let Err(e) = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("skip") {
                    options.skip = true;
                } else if meta.path.is_ident("read_only") {
                    options.read_only = true;
                } else if meta.path.is_ident("write_only") {
                    options.write_only = true;
                } else if meta.path.is_ident("rename") {
                    options.rename = Some(meta.value()?.parse()?);
                } else {
                    return Err(meta.error(
                        "unknown field option; expected skip, read_only, write_only or rename = \"…\"",
                    ));
                }
                Ok(())
            }) {
                error = Some(e);
            }
            false
        });
        if let Some(e) = error {
            return Err(e);
        }
        if let Some(attr) = found {
            if !enabled {
                return Err(syn::Error::new_spanned(
                    attr,
                    "#[dto(…)] on a field needs the `dto` option of #[advanced_alchemy::model]",
                ));
            }
            if options.read_only && options.write_only {
                return Err(syn::Error::new_spanned(
                    attr,
                    "a field cannot be both read_only and write_only",
                ));
            }
        }
        if let Some(ident) = &field.ident {
            out.push((ident.to_string(), FieldOptionsHandle(options)));
        }
    }
    Ok(out)
}

/// Field options, opaque outside this module.
pub(crate) struct FieldOptionsHandle(FieldOptions);

/// What the model attribute knows about the struct, for the DTOs.
pub(crate) struct DtoInput<'a> {
    pub(crate) options: &'a DtoOptions,
    /// The struct with every column (added ones included), `#[dto]` attributes removed.
    pub(crate) item: &'a ItemStruct,
    pub(crate) field_options: &'a [(String, FieldOptionsHandle)],
    /// Columns the attribute manages: the generated key, audit columns, `deleted_at`.
    pub(crate) managed: &'a [&'a str],
}

pub(crate) fn expand(input: DtoInput<'_>) -> syn::Result<TokenStream2> {
    let aa = quote!(::advanced_alchemy);
    let serde_path = quote!(::advanced_alchemy::__private::serde);
    let serde_crate = LitStr::new("::advanced_alchemy::__private::serde", Span::call_site());
    let names: Vec<String> = input
        .item
        .fields
        .iter()
        .filter_map(|f| f.ident.as_ref().map(|i| i.to_string()))
        .collect();
    for name in input
        .options
        .exclude
        .iter()
        .chain(input.options.include.iter().flatten())
    {
        if !names.contains(&name.to_string()) {
            return Err(syn::Error::new(
                name.span(),
                format!("dto: the model has no field `{name}`"),
            ));
        }
    }

    let mut read_fields = Vec::new();
    let mut read_from = Vec::new();
    let mut create_fields = Vec::new();
    let mut create_set = Vec::new();
    let mut update_fields = Vec::new();
    let mut update_set = Vec::new();
    for field in input.item.fields.iter() {
        let Some(ident) = &field.ident else { continue };
        let name = ident.to_string();
        if is_relation(field) {
            continue;
        }
        let options = input
            .field_options
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, o)| &o.0);
        let default = FieldOptions::default();
        let options = options.unwrap_or(&default);
        let listed = |list: &[Ident]| list.iter().any(|i| i == &name);
        if options.skip
            || listed(&input.options.exclude)
            || input.options.include.as_ref().is_some_and(|l| !listed(l))
        {
            continue;
        }
        let ty = &field.ty;
        let rename = options
            .rename
            .as_ref()
            .map(|r| quote!(#[serde(rename = #r)]));
        let docs: Vec<&Attribute> = field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .collect();
        if !options.write_only {
            read_fields.push(quote! { #(#docs)* #rename pub #ident: #ty });
            read_from.push(quote! { #ident: model.#ident });
        }
        let managed = input.managed.contains(&name.as_str());
        let primary_key = sea_orm_flag(field, "primary_key");
        let read_only = options.read_only
            || managed
            || (primary_key && !sea_orm_tokens(field).contains("auto_increment = false"));
        if read_only {
            continue;
        }
        let nullable = option_inner(ty);
        // Create: required unless nullable or with a database default
        if let Some(inner) = nullable {
            create_fields.push(quote! {
                #(#docs)* #rename #[serde(default)] pub #ident: ::core::option::Option<#inner>
            });
            create_set.push(
                quote! { am.#ident = #aa::__private::sea_orm::ActiveValue::Set(self.#ident); },
            );
        } else if sea_orm_tokens(field).contains("default_value") {
            create_fields.push(quote! {
                #(#docs)* #rename #[serde(default, skip_serializing_if = "::core::option::Option::is_none")]
                pub #ident: ::core::option::Option<#ty>
            });
            create_set.push(quote! {
                if let ::core::option::Option::Some(v) = self.#ident {
                    am.#ident = #aa::__private::sea_orm::ActiveValue::Set(v);
                }
            });
        } else {
            create_fields.push(quote! { #(#docs)* #rename pub #ident: #ty });
            create_set.push(
                quote! { am.#ident = #aa::__private::sea_orm::ActiveValue::Set(self.#ident); },
            );
        }
        // Update: every field a Patch; never the key
        if primary_key {
            continue;
        }
        let json_name = match (&options.rename, &input.options.rename_all) {
            (Some(r), _) => r.value(),
            (None, Some(case)) => rename_case(&name, &case.value()),
            (None, None) => name.clone(),
        };
        match nullable {
            Some(inner) => {
                update_fields.push((
                    quote! {
                        #(#docs)* #rename
                        #[serde(default, skip_serializing_if = "::advanced_alchemy::service::Patch::is_absent")]
                        pub #ident: #aa::service::Patch<#inner>
                    },
                    quote!(#[schema(value_type = ::core::option::Option<#inner>)]),
                ));
                update_set.push(quote! { am.#ident = self.#ident.into_nullable(); });
            }
            None => {
                update_fields.push((
                    quote! {
                        #(#docs)* #rename
                        #[serde(default, skip_serializing_if = "::advanced_alchemy::service::Patch::is_absent")]
                        pub #ident: #aa::service::Patch<#ty>
                    },
                    quote!(#[schema(value_type = #ty)]),
                ));
                update_set.push(quote! {
                    am.#ident = self.#ident.into_required(
                        <Entity as #aa::__private::sea_orm::EntityName>::table_name(&Entity::default()),
                        #json_name,
                    )?;
                });
            }
        }
    }

    let rename_all = input
        .options
        .rename_all
        .as_ref()
        .map(|r| quote!(#[serde(rename_all = #r)]));
    let prefix = to_pascal(&table_name(input.item).unwrap_or_else(|| "Model".into()));
    let create_name = format_ident!("{prefix}Create");
    let update_name = format_ident!("{prefix}Update");
    let read_name = format_ident!("{prefix}Read");
    let create = quote! {
        /// What a client sends to create a row: every writable column (generated by
        /// the `dto` option of `#[advanced_alchemy::model]`).
        #[derive(::core::clone::Clone, ::core::fmt::Debug, #serde_path::Serialize, #serde_path::Deserialize)]
        #[serde(crate = #serde_crate, deny_unknown_fields)]
        #rename_all
        pub struct Create { #(#create_fields,)* }
    };
    let update = |with_schema: bool| {
        let fields = update_fields
            .iter()
            .map(|(field, schema)| match with_schema {
                true => quote!(#schema #field),
                false => quote!(#field),
            });
        quote! {
            /// A partial update (PATCH body): absent fields stay as stored, `null` clears a
            /// nullable column (generated by the `dto` option of `#[advanced_alchemy::model]`).
            #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::default::Default, #serde_path::Serialize, #serde_path::Deserialize)]
            #[serde(crate = #serde_crate, deny_unknown_fields)]
            #rename_all
            pub struct Update { #(#fields,)* }
        }
    };
    let (update_plain, update_openapi) = (update(false), update(true));
    let read = quote! {
        /// What a client reads (generated by the `dto` option of
        /// `#[advanced_alchemy::model]`).
        #[derive(::core::clone::Clone, ::core::fmt::Debug, #serde_path::Serialize, #serde_path::Deserialize)]
        #[serde(crate = #serde_crate)]
        #rename_all
        pub struct Read { #(#read_fields,)* }
    };
    Ok(quote! {
        #aa::__dto_prelude!();

        #aa::__dto_item! { #create_name; { #create } { #create } }
        #aa::__dto_item! { #update_name; { #update_plain } { #update_openapi } }
        #aa::__dto_item! { #read_name; { #read } { #read } }

        impl #aa::service::ModelInput<Entity> for Create {
            fn into_active(self) -> #aa::Result<ActiveModel> {
                let mut am = <ActiveModel as ::core::default::Default>::default();
                #(#create_set)*
                ::core::result::Result::Ok(am)
            }
        }

        impl #aa::service::ModelInput<Entity> for Update {
            fn into_active(self) -> #aa::Result<ActiveModel> {
                let mut am = <ActiveModel as ::core::default::Default>::default();
                #(#update_set)*
                ::core::result::Result::Ok(am)
            }
        }

        impl ::core::convert::From<Model> for Read {
            fn from(model: Model) -> Self {
                Read { #(#read_from,)* }
            }
        }
    })
}

/// A relation field of SeaORM's dense format (`HasMany<…>`, `HasOne<…>`, `BelongsTo<…>`)
/// or an ignored one: no column.
fn is_relation(field: &Field) -> bool {
    let tokens = sea_orm_tokens(field);
    let by_attr = ["has_many", "has_one", "belongs_to", "ignore", "self_ref"]
        .iter()
        .any(|k| {
            tokens
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|w| w == *k)
        });
    let by_type = match &field.ty {
        Type::Path(p) => p.path.segments.last().is_some_and(|s| {
            ["HasMany", "HasOne", "BelongsTo"].contains(&s.ident.to_string().as_str())
        }),
        _ => false,
    };
    by_attr || by_type
}

/// The tokens of the field's `#[sea_orm(…)]` attributes, as text.
fn sea_orm_tokens(field: &Field) -> String {
    field
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("sea_orm"))
        .map(|a| quote!(#a).to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn sea_orm_flag(field: &Field, flag: &str) -> bool {
    sea_orm_tokens(field)
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .any(|w| w == flag)
}

/// `T` of an `Option<T>` field.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

/// The `table_name` of `#[sea_orm(table_name = "…")]` on the struct.
fn table_name(item: &ItemStruct) -> Option<String> {
    let mut name = None;
    for attr in item.attrs.iter().filter(|a| a.path().is_ident("sea_orm")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("table_name") {
                name = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.input.peek(Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    name
}

fn to_pascal(snake: &str) -> String {
    snake
        .split(['_', '-', '.'])
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut chars = s.chars();
            match chars.next() {
                Some(c) => c.to_uppercase().chain(chars).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

/// A snake_case field name in serde's `rename_all` case, for error messages that name
/// the field as the client sent it.
fn rename_case(snake: &str, case: &str) -> String {
    let pascal = to_pascal(snake);
    match case {
        "lowercase" => snake.replace('_', ""),
        "UPPERCASE" => snake.replace('_', "").to_uppercase(),
        "PascalCase" => pascal,
        "camelCase" => {
            let mut chars = pascal.chars();
            match chars.next() {
                Some(c) => c.to_lowercase().chain(chars).collect(),
                None => String::new(),
            }
        }
        "SCREAMING_SNAKE_CASE" => snake.to_uppercase(),
        "kebab-case" => snake.replace('_', "-"),
        "SCREAMING-KEBAB-CASE" => snake.replace('_', "-").to_uppercase(),
        _ => snake.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::rename_case;

    #[test]
    fn rename_cases_match_serde() {
        assert_eq!(rename_case("display_name", "camelCase"), "displayName");
        assert_eq!(rename_case("display_name", "PascalCase"), "DisplayName");
        assert_eq!(rename_case("display_name", "kebab-case"), "display-name");
        assert_eq!(
            rename_case("display_name", "SCREAMING_SNAKE_CASE"),
            "DISPLAY_NAME"
        );
        assert_eq!(rename_case("display_name", "lowercase"), "displayname");
        assert_eq!(rename_case("display_name", "snake_case"), "display_name");
    }
}
