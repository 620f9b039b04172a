//! The filter parameters and `OffsetPagination<S>` in a utoipa 6 OpenAPI document.
