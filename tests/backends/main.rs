//! Integration tests: every module runs against SQLite, PostgreSQL and MariaDB
//! (`<module>::<backend>::<test>` in the output). See `support` for the harness.

#[path = "../../examples/blog/models.rs"]
#[allow(dead_code)]
mod blog;
#[allow(dead_code)]
mod models;
mod support;

mod audit;
mod bases;
mod bulk;
mod connect_urls;
mod crosslang;
mod crosslang_pgcrypto;
mod crosslang_types;
mod errors;
mod filter_props;
mod filters;
mod memory_repo;
mod pages;
mod pgcrypto_differential;
mod relations;
mod repository;
mod schema;
mod service;
mod session;
mod stores;
mod transient;
mod types_auth;
mod types_datetime;
mod types_encrypted;
mod types_file;
mod types_guid;
mod types_json;
mod types_keyring_swap;
mod types_password;
mod types_pgcrypto;
mod types_plain;
mod types_vector;
mod unique;
mod update_models;
mod upsert;

// scaling out (issue 13): cache, retry, routing
mod cache;
mod profiles;
mod retry;
mod routing;
