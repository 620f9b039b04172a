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
mod crosslang;
mod crosslang_pgcrypto;
mod errors;
mod filter_props;
mod filters;
mod pages;
mod relations;
mod repository;
mod schema;
mod service;
mod session;
mod types_datetime;
mod types_encrypted;
mod types_file;
mod types_guid;
mod types_json;
mod types_keyring_swap;
mod types_password;
mod types_pgcrypto;
mod unique;
mod upsert;
