//! `/openapi.json`: the routes' schemas plus the list endpoint's filter parameters.

use crate::models::post;
use advanced_alchemy_axum::FilterConfig;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "blog_api",
        description = "The advanced-alchemy blog as a REST service"
    ),
    paths(
        crate::posts::list,
        crate::posts::create,
        crate::posts::get_one,
        crate::posts::patch,
        crate::posts::delete,
        crate::tags::create,
        crate::tags::by_slug
    )
)]
struct Doc;

/// The document, with `GET /posts`' filter parameters from its configuration.
pub fn document(filters: &FilterConfig<post::Entity>) -> utoipa::openapi::OpenApi {
    let mut doc = Doc::openapi();
    advanced_alchemy_axum::openapi::add_filter_parameters(
        &mut doc,
        "/posts",
        utoipa::openapi::HttpMethod::Get,
        filters,
    );
    doc
}
