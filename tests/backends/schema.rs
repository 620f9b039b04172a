//! create_all / drop_all and the names they give things.

use crate::blog::{Tag, tag};
use crate::support::{Backend, TestDb};
use advanced_alchemy::registry::{self, Registry};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

async fn create_all_and_drop_all_are_idempotent(t: TestDb) {
    // TestDb already ran create_all once
    registry::create_all(&t.db).await.expect("create_all again");
    registry::drop_all(&t.db).await.expect("drop_all");
    registry::drop_all(&t.db).await.expect("drop_all again");
    let only_tags = Registry::new().register::<tag::Entity>();
    only_tags.create_all(&t.db).await.expect("create one table");
    tag::ActiveModel {
        name: Set("Back".into()),
        slug: Set("back".into()),
        ..Default::default()
    }
    .insert(&t.db)
    .await
    .expect("insert after re-create");
    assert_eq!(Tag::find().all(&t.db).await.expect("select").len(), 1);
    registry::create_all(&t.db).await.expect("create the rest");
}

async fn registry_orders_referenced_tables_first(t: TestDb) {
    let names = registry::orm_registry().table_names();
    let at = |n: &str| names.iter().position(|x| x == n).expect(n);
    assert!(
        at("post") < at("post_tag") && at("tag") < at("post_tag"),
        "{names:?}"
    );
    // the test binary is the crate `backends`; the blog models live in `backends::blog`
    let blog = registry::orm_registry().only("backends::blog");
    assert_eq!(blog.table_names(), ["post", "tag", "post_tag"]);
    drop(t);
}

async fn names_follow_the_python_convention(t: TestDb) {
    let expected = [
        "uq_tag_slug",
        "fk_post_tag_post_id_post",
        "fk_post_tag_tag_id_tag",
    ];
    // `indexed` → ix_post_title; `unique, indexed` → the unique index ix_tag_name
    let expected_indexes = ["ix_post_title", "ix_tag_name"];
    match t.backend {
        Backend::Postgres => {
            let names = t
                .strings("SELECT conname::text FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid WHERE r.relname IN ('post', 'tag', 'post_tag')")
                .await;
            for name in expected.iter().chain(&["pk_post", "pk_tag", "pk_post_tag"]) {
                assert!(names.contains(&name.to_string()), "{name} in {names:?}");
            }
            let indexes = t
                .strings(
                    "SELECT indexname::text FROM pg_indexes WHERE tablename IN ('post', 'tag')",
                )
                .await;
            for name in expected_indexes {
                assert!(indexes.contains(&name.to_owned()), "{name} in {indexes:?}");
            }
        }
        Backend::MySql => {
            let names = t
                .strings("SELECT CONSTRAINT_NAME FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = DATABASE()")
                .await;
            for name in expected {
                assert!(names.contains(&name.to_owned()), "{name} in {names:?}");
            }
            let indexes = t
                .strings("SELECT INDEX_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('post', 'tag')")
                .await;
            for name in expected_indexes {
                assert!(indexes.contains(&name.to_owned()), "{name} in {indexes:?}");
            }
        }
        Backend::Sqlite => {
            let ddl = t
                .strings("SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ('post', 'tag', 'post_tag')")
                .await
                .join("\n");
            for name in expected.iter().chain(&["pk_post", "pk_tag", "pk_post_tag"]) {
                assert!(
                    ddl.contains(&format!("CONSTRAINT \"{name}\"")),
                    "{name} in {ddl}"
                );
            }
            let indexes = t
                .strings(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'post'",
                )
                .await;
            assert!(indexes.contains(&"ix_post_title".to_owned()), "{indexes:?}");
        }
    }
}

async fn slug_is_varchar_100_not_null(t: TestDb) {
    match t.backend {
        Backend::Sqlite => {
            let shape = t
                .strings("SELECT type || ' ' || \"notnull\" FROM pragma_table_info('tag') WHERE name = 'slug'")
                .await;
            assert_eq!(shape, ["varchar(100) 1"]);
        }
        _ => {
            let schema = if t.backend == Backend::Postgres {
                "current_schema()"
            } else {
                "DATABASE()"
            };
            let shape = t
                .strings(&format!(
                    "SELECT CONCAT(data_type, ' ', character_maximum_length, ' ', is_nullable) FROM information_schema.columns \
                     WHERE table_schema = {schema} AND table_name = 'tag' AND column_name = 'slug'"
                ))
                .await;
            let expected = if t.backend == Backend::Postgres {
                "character varying 100 NO"
            } else {
                "varchar 100 NO"
            };
            assert_eq!(shape, [expected]);
        }
    }
}

async fn enum_columns_work_everywhere(t: TestDb) {
    use crate::models::ticket::{self, Status};
    let open = ticket::ActiveModel {
        title: Set("broken".into()),
        status: Set(Status::Open),
        ..Default::default()
    }
    .insert(&t.db)
    .await
    .expect("insert");
    let mut change = sea_orm::IntoActiveModel::into_active_model(open);
    change.status = Set(Status::Closed);
    let closed = change.update(&t.db).await.expect("update");
    assert_eq!(closed.status, Status::Closed);
    if t.backend == Backend::Postgres {
        let types = t
            .strings("SELECT typname::text FROM pg_type WHERE typname = 'ticket_status'")
            .await;
        assert_eq!(types, ["ticket_status"]);
    }
    // types and tables go and come back
    registry::drop_all(&t.db).await.expect("drop_all");
    if t.backend == Backend::Postgres {
        assert_eq!(
            t.scalar("SELECT COUNT(*) FROM pg_type WHERE typname = 'ticket_status'")
                .await,
            0
        );
    }
    registry::create_all(&t.db).await.expect("create_all");
    registry::create_all(&t.db).await.expect("create_all again");
}

/// Column names of `table` in declaration order.
async fn columns(t: &TestDb, table: &str) -> Vec<String> {
    let sql = match t.backend {
        Backend::Sqlite => format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
        Backend::Postgres => format!(
            "SELECT column_name::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
        ),
        Backend::MySql => format!(
            "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}' ORDER BY ORDINAL_POSITION"
        ),
    };
    t.strings(&sql).await
}

async fn uuid_tables_carry_the_python_sentinel(t: TestDb) {
    assert_eq!(
        columns(&t, "uuid7_audit_item").await,
        ["id", "name", "sa_orm_sentinel", "created_at", "updated_at"]
    );
    assert_eq!(
        columns(&t, "nanoid_item").await,
        ["id", "name", "sa_orm_sentinel"]
    );
    assert_eq!(
        columns(&t, "bigint_audit_item").await,
        ["id", "name", "created_at", "updated_at"]
    );
    // never read or written: rows go in and come back without it
    let row = crate::models::uuid7_audit_item::ActiveModel {
        name: Set("sentinel".into()),
        ..Default::default()
    }
    .insert(&t.db)
    .await
    .expect("insert");
    assert_eq!(
        t.scalar("SELECT COUNT(*) FROM uuid7_audit_item WHERE sa_orm_sentinel IS NULL")
            .await,
        1
    );
    assert_eq!(row.name, "sentinel");
}

crate::backend_tests!(
    uuid_tables_carry_the_python_sentinel,
    enum_columns_work_everywhere,
    create_all_and_drop_all_are_idempotent,
    registry_orders_referenced_tables_first,
    names_follow_the_python_convention,
    slug_is_varchar_100_not_null,
);
