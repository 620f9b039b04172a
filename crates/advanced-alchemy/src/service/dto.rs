//! The expansion helpers of the `dto` option of [`model`](crate::model): whether the
//! generated structs derive utoipa's `ToSchema` follows this crate's `openapi` feature,
//! which a proc macro cannot see, so the attribute wraps each struct in a macro of this
//! crate.

/// Brings utoipa into the entity module under the name its derive expects.
#[cfg(feature = "openapi")]
#[doc(hidden)]
#[macro_export]
macro_rules! __dto_prelude {
    () => {
        #[allow(unused_imports)]
        use $crate::__private::utoipa;
    };
}

/// Without `openapi`: nothing.
#[cfg(not(feature = "openapi"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __dto_prelude {
    () => {};
}

/// A DTO struct with `ToSchema`, named `$name` in the OpenAPI document: the second
/// form of the struct, whose fields carry `#[schema(…)]` attributes.
#[cfg(feature = "openapi")]
#[doc(hidden)]
#[macro_export]
macro_rules! __dto_item {
    ($name:ident; { $($plain:tt)* } { $($openapi:tt)* }) => {
        #[derive($crate::__private::utoipa::ToSchema)]
        #[schema(as = $name)]
        $($openapi)*
    };
}

/// Without `openapi`: the first form of the struct, without `#[schema(…)]` attributes.
#[cfg(not(feature = "openapi"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __dto_item {
    ($name:ident; { $($plain:tt)* } { $($openapi:tt)* }) => {
        $($plain)*
    };
}
