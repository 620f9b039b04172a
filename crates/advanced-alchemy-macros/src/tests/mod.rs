//! Option parsing and expansion, without a compiler in the loop.

use crate::expand::expand;
use crate::options::{Key, Options};
use syn::ItemStruct;

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
    assert!(error("UUIDBase", "pub struct Model { pub id: i32 }").contains("adds the `id` field"));
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

const DTO_ITEM: &str = "#[sea_orm(table_name = \"post\")] pub struct Model { pub title: String, #[dto(skip)] pub cache: Option<String> }";

#[test]
fn dto_mistakes_are_explained() {
    assert!(
        error("BigIntBase", DTO_ITEM).contains("needs the `dto` option"),
        "a #[dto] field without the option"
    );
    assert!(error("BigIntBase, dto(exclude(nope))", DTO_ITEM).contains("no field `nope`"));
    assert!(error("BigIntBase, dto(rename_all = \"Camel\")", DTO_ITEM).contains("rename_all"));
    assert!(error("BigIntBase, dto(flatten)", DTO_ITEM).contains("unknown dto option"));
    let both = "pub struct Model { #[dto(read_only, write_only)] pub a: i32 }";
    assert!(error("BigIntBase, dto", both).contains("both read_only and write_only"));
    let unknown = "pub struct Model { #[dto(hidden)] pub a: i32 }";
    assert!(error("BigIntBase, dto", unknown).contains("unknown field option"));
}

#[test]
fn dto_expands_three_structs() {
    let item: ItemStruct = syn::parse_str(DTO_ITEM).expect("struct");
    let tokens = expand(options("BigIntAuditBase, dto").expect("parse"), item)
        .expect("expand")
        .to_string();
    for name in [
        "PostCreate",
        "PostUpdate",
        "PostRead",
        "struct Create",
        "struct Update",
        "struct Read",
    ] {
        assert!(tokens.contains(name), "{name}");
    }
    assert!(!tokens.contains("# [dto"), "field attributes are removed");
}
