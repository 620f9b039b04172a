//! The service layer: input from JSON, DTOs and models; partial updates that leave
//! absent columns, relationships and audit columns alone; hooks; pages; composite keys.

use crate::support::TestDb;
use advanced_alchemy::Error;
use advanced_alchemy::filters::{LimitOffset, OrderBy};
use advanced_alchemy::service::{Patch, Service, ServiceHooks};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::time::Duration;

pub mod svc_article {
    use sea_orm::entity::prelude::*;

    /// An article with every kind of column a DTO treats differently.
    #[advanced_alchemy::model(BigIntAuditBase, dto)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "svc_article")]
    pub struct Model {
        pub title: String,
        pub subtitle: Option<String>,
        #[sea_orm(default_value = 0)]
        pub views: i32,
        #[dto(rename = "body")]
        pub content: String,
        #[dto(read_only)]
        pub score: Option<i32>,
        #[dto(skip)]
        pub internal: Option<String>,
        #[sea_orm(has_many, via = "svc_article_label")]
        pub labels: HasMany<super::svc_label::Entity>,
    }
}

pub mod svc_label {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(BigIntBase)]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "svc_label")]
    pub struct Model {
        #[sea_orm(unique)]
        pub name: String,
        #[sea_orm(has_many, via = "svc_article_label")]
        pub articles: HasMany<super::svc_article::Entity>,
    }
}

pub mod svc_article_label {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "svc_article_label")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub article_id: i64,
        #[sea_orm(primary_key, auto_increment = false)]
        pub label_id: i64,
        #[sea_orm(belongs_to, from = "article_id", to = "id", on_delete = "Cascade")]
        pub article: BelongsTo<super::svc_article::Entity>,
        #[sea_orm(belongs_to, from = "label_id", to = "id", on_delete = "Cascade")]
        pub label: BelongsTo<super::svc_label::Entity>,
    }
}

/// A user whose password is hashed and whose handle is computed by hooks.
pub mod svc_member {
    use sea_orm::entity::prelude::*;

    #[advanced_alchemy::model(UUIDv7AuditBase, dto(rename_all = "camelCase", exclude(login_count)))]
    #[sea_orm::model]
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "svc_member")]
    pub struct Model {
        #[sea_orm(unique)]
        pub email: String,
        pub display_name: String,
        pub handle: Option<String>,
        #[dto(write_only)]
        pub password: String,
        #[sea_orm(default_value = 0)]
        pub login_count: i32,
    }
}

struct MemberHooks;

/// Not a real hash: the test only needs to see that the hook ran.
fn scramble(p: &str) -> String {
    format!("hashed:{}", p.chars().rev().collect::<String>())
}

impl ServiceHooks<svc_member::Entity> for MemberHooks {
    async fn to_model_on_create(
        &self,
        mut data: svc_member::ActiveModel,
    ) -> advanced_alchemy::Result<svc_member::ActiveModel> {
        if let Set(p) = &data.password {
            data.password = Set(scramble(p));
        }
        if let Set(name) = &data.display_name {
            data.handle = Set(Some(advanced_alchemy::utils::text::slugify(name)));
        }
        Ok(data)
    }

    async fn to_model_on_update(
        &self,
        mut data: svc_member::ActiveModel,
    ) -> advanced_alchemy::Result<svc_member::ActiveModel> {
        if let Set(p) = &data.password {
            data.password = Set(scramble(p));
        }
        Ok(data)
    }

    async fn to_model_on_upsert(
        &self,
        mut data: svc_member::ActiveModel,
    ) -> advanced_alchemy::Result<svc_member::ActiveModel> {
        data.handle = Set(Some("upserted".into()));
        Ok(data)
    }
}

fn articles(t: &TestDb) -> Service<svc_article::Entity> {
    Service::new(t.db.clone())
}

async fn pause() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

async fn labels_of(t: &TestDb, article: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = svc_article_label::Entity::find()
        .filter(svc_article_label::Column::ArticleId.eq(article))
        .all(&t.db)
        .await
        .expect("labels")
        .into_iter()
        .map(|l| l.label_id)
        .collect();
    ids.sort();
    ids
}

async fn partial_update_changes_only_what_was_sent(t: TestDb) {
    let svc = articles(&t);
    let article = svc
        .create(json!({"title": "Rust", "subtitle": "fast", "content": "text", "views": 3}))
        .await
        .expect("create");
    let labels = Service::<svc_label::Entity>::new(t.db.clone());
    let a = labels
        .create(svc_label::ActiveModel {
            name: Set("a".into()),
            ..Default::default()
        })
        .await
        .expect("label");
    let b = labels
        .create(svc_label::ActiveModel {
            name: Set("b".into()),
            ..Default::default()
        })
        .await
        .expect("label");
    let links = Service::<svc_article_label::Entity>::new(t.db.clone());
    links
        .create_many([a.id, b.id].map(|label_id| svc_article_label::ActiveModel {
            article_id: Set(article.id),
            label_id: Set(label_id),
        }))
        .await
        .expect("links");
    pause().await;

    // absent: unchanged; value: written
    let updated = svc
        .update(json!({"title": "Rust 2"}), article.id)
        .await
        .expect("update");
    assert_eq!(updated.title, "Rust 2");
    assert_eq!(
        updated.subtitle.as_deref(),
        Some("fast"),
        "absent field left alone"
    );
    assert_eq!((updated.views, updated.content.as_str()), (3, "text"));
    assert_eq!(
        updated.created_at, article.created_at,
        "created_at never changes"
    );
    assert!(updated.updated_at > article.updated_at, "updated_at moves");
    assert_eq!(labels_of(&t, article.id).await, {
        let mut ids = vec![a.id, b.id];
        ids.sort();
        ids
    });

    // null clears; the generated Update DTO says the same
    let body: svc_article::Update =
        serde_json::from_value(json!({"subtitle": null})).expect("patch body");
    assert_eq!(body.subtitle, Patch::Null);
    assert_eq!(body.title, Patch::Absent);
    let cleared = svc.update(body, article.id).await.expect("clear");
    assert_eq!(cleared.subtitle, None);
    assert_eq!(cleared.title, "Rust 2");
    assert_eq!(cleared.created_at, article.created_at);
    assert_eq!(labels_of(&t, article.id).await.len(), 2, "links untouched");

    // key and audit columns in the data are ignored, never written
    let again = svc
        .update(
            json!({"id": article.id + 100, "created_at": "2001-01-01T00:00:00Z", "views": 9}),
            article.id,
        )
        .await
        .expect("update ignoring managed columns");
    assert_eq!((again.id, again.views), (article.id, 9));
    assert_eq!(again.created_at, article.created_at);
    assert_eq!(svc.count(()).await.expect("count"), 1);

    // a whole Model as the data (Python's `update(instance)`): still no relationship
    // or audit column is touched
    let mut model = again.clone();
    model.title = "from a model".into();
    model.created_at = advanced_alchemy::types::DateTimeUTC::default();
    let from_model = svc
        .update(model, article.id)
        .await
        .expect("update from model");
    assert_eq!(from_model.title, "from a model");
    assert_eq!(from_model.created_at, article.created_at);
    assert_eq!(labels_of(&t, article.id).await.len(), 2, "links untouched");

    // a missing row is NotFound, not an insert
    let err = svc
        .update(json!({"title": "x"}), article.id + 1000)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
}

async fn json_input_errors_name_the_field(t: TestDb) {
    let svc = articles(&t);
    let err = svc
        .create(json!({"title": "a", "content": "b", "colour": "red"}))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidField { field, reason, .. } if field == "colour" && reason == "unknown field"),
        "{err}"
    );
    let err = svc
        .create(json!({"title": "a", "content": "b", "views": "hunter2"}))
        .await
        .unwrap_err();
    match &err {
        Error::InvalidField { field, reason, .. } => {
            assert_eq!(field, "views");
            assert!(reason.contains("expected i32"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        !err.to_string().contains("hunter2"),
        "the value is not quoted: {err}"
    );
    assert!(err.is_client_error());
    let err = svc
        .create(json!(["not", "an", "object"]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
    // NULL for a NOT NULL column in a PATCH body
    let article = svc
        .create(json!({"title": "a", "content": "b"}))
        .await
        .expect("create");
    let body: svc_article::Update =
        serde_json::from_value(json!({"title": null})).expect("patch body");
    let err = svc.update(body, article.id).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid field `title` of svc_article: must not be null"
    );
    // the DTO refuses unknown and read-only fields itself
    for body in [
        json!({"nope": 1}),
        json!({"score": 5}),
        json!({"id": 1}),
        json!({"internal": "x"}),
    ] {
        assert!(
            serde_json::from_value::<svc_article::Update>(body.clone()).is_err(),
            "{body}"
        );
    }
    assert_eq!(
        svc.count(()).await.expect("count"),
        1,
        "nothing else written"
    );
}

async fn page_past_the_end_has_the_total(t: TestDb) {
    let svc = articles(&t);
    svc.create_many((0..7).map(|i| json!({"title": format!("t{i}"), "content": "c"})))
        .await
        .expect("create_many");
    let order = OrderBy::asc(svc_article::Column::Title);
    let page = svc
        .paginate::<svc_article::Read>((order, LimitOffset::new(3, 6)))
        .await
        .expect("last page");
    assert_eq!(
        (page.items.len(), page.total, page.limit, page.offset),
        (1, 7, 3, 6)
    );
    assert_eq!(page.items[0].title, "t6");
    let past = svc
        .paginate::<svc_article::Read>((order, LimitOffset::new(3, 30)))
        .await
        .expect("past the end");
    assert_eq!((past.items.len(), past.total), (0, 7));
    let json = serde_json::to_value(&past).expect("json");
    assert_eq!(
        json,
        json!({"items": [], "limit": 3, "offset": 30, "total": 7})
    );
    let (items, total) = svc
        .get_many_and_count(LimitOffset::new(5, 100))
        .await
        .expect("get_many_and_count");
    assert_eq!((items.len(), total), (0, 7));
}

async fn hooks_run_on_every_write(t: TestDb) {
    let svc = Service::<svc_member::Entity, _>::new(t.db.clone()).with_hooks(MemberHooks);
    let body: svc_member::Create = serde_json::from_value(json!({
        "email": "ada@example.com", "displayName": "Ada Lovelace", "password": "secret"
    }))
    .expect("create body");
    let ada = svc.create(body).await.expect("create");
    assert_eq!(ada.password, scramble("secret"));
    assert_eq!(ada.handle.as_deref(), Some("ada-lovelace"));
    assert_eq!(ada.login_count, 0, "database default for an absent column");

    let body: svc_member::Update =
        serde_json::from_value(json!({"password": "new"})).expect("patch body");
    let changed = svc.update(body, ada.id).await.expect("update");
    assert_eq!(changed.password, scramble("new"));
    let body: svc_member::Update =
        serde_json::from_value(json!({"displayName": null})).expect("patch body");
    let err = svc.update(body, ada.id).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid field `displayName` of svc_member: must not be null",
        "named as the client sent it"
    );
    assert_eq!(changed.display_name, "Ada Lovelace");

    let by_email = Some(&[svc_member::Column::Email][..]);
    let upserted = svc
        .upsert(
            svc_member::ActiveModel {
                email: Set("ada@example.com".into()),
                display_name: Set("Ada".into()),
                password: Set("x".into()),
                ..Default::default()
            },
            by_email,
        )
        .await
        .expect("upsert");
    assert_eq!(
        (upserted.id, upserted.handle.as_deref()),
        (ada.id, Some("upserted"))
    );

    // the Read DTO has no password and camelCase keys
    let read: svc_member::Read = svc.to_schema(upserted);
    let json = serde_json::to_value(&read).expect("json");
    assert!(json.get("password").is_none(), "{json}");
    assert!(json.get("loginCount").is_none(), "excluded: {json}");
    assert_eq!(json["displayName"], "Ada");
    assert!(json.get("createdAt").is_some(), "{json}");
    // the Create DTO never takes the key or audit columns, nor an excluded field
    for extra in ["id", "createdAt", "loginCount"] {
        let mut body = json!({"email": "b@example.com", "displayName": "B", "password": "p"});
        body[extra] = json!(1);
        assert!(
            serde_json::from_value::<svc_member::Create>(body).is_err(),
            "{extra}"
        );
    }
}

async fn composite_key_get_and_delete(t: TestDb) {
    let articles = articles(&t);
    let article = articles
        .create(json!({"title": "a", "content": "b"}))
        .await
        .expect("article");
    let label = Service::<svc_label::Entity>::new(t.db.clone())
        .create(svc_label::ActiveModel {
            name: Set("l".into()),
            ..Default::default()
        })
        .await
        .expect("label");
    let links = Service::<svc_article_label::Entity>::new(t.db.clone());
    links
        .create(svc_article_label::ActiveModel {
            article_id: Set(article.id),
            label_id: Set(label.id),
        })
        .await
        .expect("link");
    let got = links.get((article.id, label.id)).await.expect("get");
    assert_eq!((got.article_id, got.label_id), (article.id, label.id));
    assert!(matches!(
        links.get((label.id, article.id + 50)).await,
        Err(Error::NotFound { .. })
    ));
    links.delete((article.id, label.id)).await.expect("delete");
    assert!(!links.exists(()).await.expect("exists"));
}

async fn dto_round_trip(t: TestDb) {
    let svc = articles(&t);
    let create: svc_article::Create = serde_json::from_value(json!({
        "title": "Hello", "body": "World", "subtitle": null
    }))
    .expect("create body");
    let stored = svc.create(create.clone()).await.expect("create");
    assert_eq!(
        (stored.title.as_str(), stored.content.as_str()),
        ("Hello", "World")
    );
    assert_eq!(stored.views, 0, "default_value column left to the database");
    let read: svc_article::Read = svc.to_schema(stored.clone());
    let json = serde_json::to_value(&read).expect("json");
    assert_eq!(json["body"], "World", "renamed field");
    assert!(
        json.get("internal").is_none() && json.get("labels").is_none(),
        "{json}"
    );
    assert_eq!(json["id"], stored.id);
    let back: svc_article::Read = serde_json::from_value(json).expect("read back");
    assert_eq!(back.title, "Hello");
    // the update body serialises only what it carries
    let patch = svc_article::Update {
        views: Patch::Value(5),
        subtitle: Patch::Null,
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&patch).expect("json"),
        json!({"views": 5, "subtitle": null})
    );
    let updated = svc.update(patch, stored.id).await.expect("update");
    assert_eq!((updated.views, updated.title.as_str()), (5, "Hello"));
    // the serde road to a response type
    #[derive(serde::Deserialize)]
    struct Summary {
        title: String,
        views: i32,
    }
    let summary: Summary = svc.to_schema_serde(&updated).expect("summary");
    assert_eq!((summary.title.as_str(), summary.views), ("Hello", 5));
    // an update with nothing in it changes nothing
    let same = svc
        .update(svc_article::Update::default(), stored.id)
        .await
        .expect("empty update");
    assert_eq!(same.updated_at, updated.updated_at);
}

async fn runs_in_a_session(t: TestDb) {
    let session = t.session().await;
    let svc = Service::<svc_article::Entity, _>::new(&session);
    svc.create(json!({"title": "kept?", "content": "c"}))
        .await
        .expect("create");
    assert_eq!(svc.count(()).await.expect("count"), 1);
    session.rollback().await.expect("rollback");
    assert_eq!(articles(&t).count(()).await.expect("count"), 0);
}

async fn every_python_method(t: TestDb) {
    let svc = articles(&t);
    let rows = svc
        .create_many((0..4).map(|i| json!({"title": format!("m{i}"), "content": "c"})))
        .await
        .expect("create_many");
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let updated = svc
        .update_many([
            json!({"id": ids[0], "views": 10}),
            json!({"id": ids[1], "title": "M1"}),
        ])
        .await
        .expect("update_many");
    assert_eq!((updated[0].views, updated[0].title.as_str()), (10, "m0"));
    assert_eq!((updated[1].views, updated[1].title.as_str()), (0, "M1"));
    assert_eq!(updated[0].created_at, rows[0].created_at);
    let title = svc_article::Column::Title;
    assert!(svc.exists(title.eq("M1")).await.expect("exists"));
    assert!(
        svc.get_one_or_none(title.eq("zz"))
            .await
            .expect("none")
            .is_none()
    );
    assert!(matches!(
        svc.get_one(title.is_in(["m2", "m3"])).await,
        Err(Error::MultipleResultsFound { .. })
    ));
    #[allow(deprecated)]
    let (listed, total) = svc.list_and_count(()).await.expect("list_and_count");
    assert_eq!((listed.len(), total), (4, 4));

    let by_id = Some(&[svc_article::Column::Id][..]);
    let up = svc
        .upsert_many(
            [
                json!({"id": ids[2], "title": "M2", "content": "c"}),
                json!({"title": "new", "content": "c"}),
            ],
            by_id,
        )
        .await
        .expect("upsert_many");
    assert_eq!((up[0].id, up[0].title.as_str()), (ids[2], "M2"));
    assert_eq!(up[0].created_at, rows[2].created_at);
    assert_eq!(svc.count(()).await.expect("count"), 5);

    let by_key = [svc_article::Column::Id];
    let (found, created) = svc
        .get_or_upsert(
            json!({"id": ids[3], "title": "ignored", "content": "c"}),
            &by_key,
            false,
        )
        .await
        .expect("get_or_upsert");
    assert_eq!((found.title.as_str(), created), ("m3", false));
    let err = svc
        .get_or_upsert(json!({"title": "no key", "content": "c"}), &by_key, false)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidRequest(_)),
        "the match fields must be set: {err}"
    );
    let (got, updated) = svc
        .get_and_update(
            json!({"id": ids[3], "title": "M3"}),
            &[svc_article::Column::Id],
        )
        .await
        .expect("get_and_update");
    assert_eq!((got.title.as_str(), updated), ("M3", true));

    assert_eq!(svc.delete(ids[0]).await.expect("delete").id, ids[0]);
    assert_eq!(
        svc.delete_many([ids[1], ids[2]])
            .await
            .expect("delete_many")
            .len(),
        2
    );
    assert_eq!(
        svc.delete_where(title.eq("M3"))
            .await
            .expect("delete_where")
            .len(),
        1
    );
    let left: Vec<String> = svc
        .get_many(())
        .await
        .expect("get_many")
        .into_iter()
        .map(|m| m.title)
        .collect();
    assert_eq!(left, ["new"]);
    assert!(matches!(
        svc.delete(ids[0]).await,
        Err(Error::NotFound { .. })
    ));
}

/// Service futures are `Send`, so they run in axum handlers and spawned tasks.
#[test]
fn service_futures_are_send() {
    fn send<T: Send>(_: &T) {}
    async fn on(db: sea_orm::DatabaseConnection, session: &advanced_alchemy::Session) {
        let svc = Service::<svc_article::Entity, _>::new(db);
        let fut = svc.get_many_and_count(());
        send(&fut);
        let fut = svc.update(json!({"title": "x"}), 1);
        send(&fut);
        let members = Service::<svc_member::Entity, _>::new(session).with_hooks(MemberHooks);
        let fut = members.create(json!({}));
        send(&fut);
    }
    let _ = on;
}

/// With the `openapi` feature the DTOs are utoipa schemas, named per table, with the
/// read-only columns left out of the input schemas.
#[cfg(feature = "openapi")]
#[test]
fn dto_openapi_schemas() {
    use advanced_alchemy::__private::utoipa::{PartialSchema, ToSchema};
    use advanced_alchemy::pagination::OffsetPagination;
    assert_eq!(svc_article::Create::name(), "SvcArticleCreate");
    assert_eq!(svc_article::Update::name(), "SvcArticleUpdate");
    assert_eq!(svc_article::Read::name(), "SvcArticleRead");
    let create = serde_json::to_value(svc_article::Create::schema()).expect("json");
    let props = &create["properties"];
    assert!(
        props.get("body").is_some() && props.get("title").is_some(),
        "{create}"
    );
    for hidden in ["id", "created_at", "score", "internal", "labels", "content"] {
        assert!(props.get(hidden).is_none(), "{hidden} in {create}");
    }
    let required: Vec<&str> = create["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        required.contains(&"title") && required.contains(&"body"),
        "{create}"
    );
    assert!(
        !required.contains(&"views") && !required.contains(&"subtitle"),
        "{create}"
    );
    let update = serde_json::to_value(svc_article::Update::schema()).expect("json");
    assert!(
        update.get("required").is_none(),
        "nothing is required in a PATCH: {update}"
    );
    assert!(
        update["properties"]["subtitle"]
            .to_string()
            .contains("null"),
        "{update}"
    );
    let read = serde_json::to_value(svc_article::Read::schema()).expect("json");
    assert!(read["properties"].get("id").is_some() && read["properties"].get("score").is_some());
    let page = serde_json::to_value(OffsetPagination::<svc_article::Read>::schema()).expect("json");
    for key in ["items", "limit", "offset", "total"] {
        assert!(page["properties"].get(key).is_some(), "{key} in {page}");
    }
}

crate::backend_tests!(
    partial_update_changes_only_what_was_sent,
    json_input_errors_name_the_field,
    page_past_the_end_has_the_total,
    hooks_run_on_every_write,
    composite_key_get_and_delete,
    dto_round_trip,
    runs_in_a_session,
    every_python_method,
);
