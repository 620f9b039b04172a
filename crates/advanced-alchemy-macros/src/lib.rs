//! Procedural macros for [advanced-alchemy](https://docs.rs/advanced-alchemy).
//!
//! Use them through the main crate (`advanced_alchemy::model`); this crate has no other
//! public items. The expansion is described on the attribute itself.

mod dto;
mod expand;
mod options;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;
use syn::{ItemStruct, parse_macro_input};

/// Turns a SeaORM `#[sea_orm::model]` entity into an advanced-alchemy model. Documented
/// (with examples) as `advanced_alchemy::model`.
#[proc_macro_attribute]
pub fn model(args: TokenStream, input: TokenStream) -> TokenStream {
    let options = parse_macro_input!(args as options::Options);
    let item = parse_macro_input!(input as ItemStruct);
    match expand::expand(options, item) {
        Ok(tokens) => tokens.into(),
        Err(err) => err.to_compile_error().into(),
    }
}
