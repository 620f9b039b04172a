//! The attribute's arguments: a base, mixins, `key = …`, `key_server_default …`, `hooks`.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, LitStr, Token};

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Key {
    BigInt,
    Identity,
    Uuid4,
    Uuid6,
    Uuid7,
    Nanoid,
    Manual,
}

impl Key {
    pub(crate) fn variant(self) -> Ident {
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
pub(crate) struct Options {
    pub(crate) key: Option<Key>,
    pub(crate) base: Option<Ident>,
    pub(crate) audit: bool,
    pub(crate) slug: bool,
    pub(crate) soft_delete: bool,
    pub(crate) hooks: bool,
    /// (backend or None for all, expression)
    pub(crate) key_server_default: Vec<(Option<Ident>, LitStr)>,
    /// `dto` / `dto(…)`: generate `Create`, `Update`, `Read`.
    pub(crate) dto: Option<crate::dto::DtoOptions>,
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
                OptionItem::Dto(dto) => options.dto = Some(dto),
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
            "SoftDelete" => self.soft_delete = true,
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
                            "unknown option `{name}`; expected a base ({}), AuditColumns, SlugKey, SoftDelete, hooks, dto, key = …, or key_server_default = …",
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
    Dto(crate::dto::DtoOptions),
}

impl Parse for OptionItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let ident: Ident = input.parse()?;
        if ident == "key" {
            input.parse::<Token![=]>()?;
            return Ok(OptionItem::Key(input.parse()?));
        }
        if ident == "dto" {
            if input.peek(syn::token::Paren) {
                let content;
                syn::parenthesized!(content in input);
                return Ok(OptionItem::Dto(content.parse()?));
            }
            return Ok(OptionItem::Dto(Default::default()));
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
