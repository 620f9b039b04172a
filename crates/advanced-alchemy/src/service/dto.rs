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

/// A DTO struct with `ToSchema`, named `$name` in the OpenAPI document.
#[cfg(feature = "openapi")]
#[doc(hidden)]
#[macro_export]
macro_rules! __dto_item {
    ($name:ident; $($item:tt)*) => {
        #[derive($crate::__private::utoipa::ToSchema)]
        #[schema(as = $name)]
        $($item)*
    };
}

/// Without `openapi`: the struct as it is.
#[cfg(not(feature = "openapi"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __dto_item {
    ($name:ident; $($item:tt)*) => {
        $($item)*
    };
}
