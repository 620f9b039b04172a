//! The `blog_api` example as a process, over HTTP.

use crate::server::Server;
use crate::support::TestDb;
use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

web_tests!(
    list_filters_page_and_total,
    bad_parameters_are_400_naming_them,
    malformed_bodies_are_problem_json,
    conflicts_and_missing_rows,
    server_error_leaks_nothing,
    patch_absent_null_and_tags,
    openapi_lists_filter_parameters,
    crud_and_health,
);

async fn create(s: &Server, body: Value) -> Value {
    let r = s
        .client
        .post(s.url("/posts"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn get(s: &Server, path: &str, query: &[(&str, String)]) -> (StatusCode, Value, String) {
    let r = s.client.get(s.url(path)).query(query).send().await.unwrap();
    let status = r.status();
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, r.json().await.unwrap_or(Value::Null), content_type)
}

fn titles(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect()
}

async fn list_filters_page_and_total(t: TestDb) {
    let s = Server::start(&t.url);
    let mut rust_ids = Vec::new();
    for i in 0..8 {
        let post = create(
            &s,
            json!({"title": format!("rust {i:02}"), "content": "text", "published": i % 2 == 0}),
        )
        .await;
        rust_ids.push(post["id"].as_i64().unwrap());
    }
    let mut go_ids = Vec::new();
    for i in 0..4 {
        let post = create(
            &s,
            json!({"title": format!("go {i:02}"), "content": "about go"}),
        )
        .await;
        go_ids.push(post["id"].as_i64().unwrap());
    }
    // ids: seven of the rust posts and two go posts; the search keeps the rust ones
    let mut query: Vec<(&str, String)> = rust_ids[..7]
        .iter()
        .chain(&go_ids[..2])
        .map(|id| ("ids", id.to_string()))
        .collect();
    query.extend([
        ("currentPage", "2".to_owned()),
        ("pageSize", "5".to_owned()),
        ("orderBy", "title".to_owned()),
        ("sortOrder", "asc".to_owned()),
        ("searchString", "rust".to_owned()),
        ("createdBefore", "2999-01-01T00:00:00Z".to_owned()),
    ]);
    let (status, page, _) = get(&s, "/posts", &query).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(titles(&page), ["rust 05", "rust 06"]);
    assert_eq!(
        (
            page["total"].as_u64(),
            page["limit"].as_u64(),
            page["offset"].as_u64()
        ),
        (Some(7), Some(5), Some(5))
    );

    // a page past the end still has the right total
    query.retain(|(k, _)| *k != "currentPage");
    query.push(("currentPage", "9".to_owned()));
    let (status, page, _) = get(&s, "/posts", &query).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(titles(&page), Vec::<&str>::new());
    assert_eq!(page["total"].as_u64(), Some(7));

    // defaults: 20 a page, newest first
    let (_, page, _) = get(&s, "/posts", &[]).await;
    assert_eq!(
        (page["limit"].as_u64(), page["total"].as_u64()),
        (Some(20), Some(12))
    );

    // createdAfter in the future: nothing; boolean, <field>In and <field>NotIn
    let (_, page, _) = get(
        &s,
        "/posts",
        &[("createdAfter", "2999-01-01T00:00:00Z".into())],
    )
    .await;
    assert_eq!(page["total"].as_u64(), Some(0));
    let (_, page, _) = get(
        &s,
        "/posts",
        &[
            ("published", "true".into()),
            ("orderBy", "title".into()),
            ("sortOrder", "asc".into()),
        ],
    )
    .await;
    assert_eq!(titles(&page), ["rust 00", "rust 02", "rust 04", "rust 06"]);
    let (_, page, _) = get(
        &s,
        "/posts",
        &[
            ("titleIn", "go 01".into()),
            ("titleIn", "rust 03".into()),
            ("orderBy", "title".into()),
        ],
    )
    .await;
    assert_eq!(titles(&page), ["rust 03", "go 01"]);
    let (_, page, _) = get(
        &s,
        "/posts",
        &[
            ("titleNotIn", "go 00".into()),
            ("titleNotIn", "go 01".into()),
            ("searchString", "go".into()),
        ],
    )
    .await;
    assert_eq!(page["total"].as_u64(), Some(2));
    let (_, page, _) = get(&s, "/posts", &[("updatedBefore", "2000-01-01".into())]).await;
    assert_eq!(page["total"].as_u64(), Some(0));
}

async fn bad_parameters_are_400_naming_them(t: TestDb) {
    let s = Server::start(&t.url);
    for (param, value) in [
        ("orderBy", "password"),
        ("pageSize", "101"),
        ("pageSize", "0"),
        ("currentPage", "zero"),
        ("createdBefore", "not-a-date"),
        ("updatedAfter", "2024-13-45"),
        ("sortOrder", "sideways"),
        ("ids", "one"),
        ("published", "maybe"),
        ("unknownParam", "1"),
    ] {
        let (status, body, content_type) = get(&s, "/posts", &[(param, value.to_owned())]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{param}={value}: {body}");
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(body["status"], 400);
        let detail = body["detail"].as_str().unwrap();
        assert!(
            detail.contains(&format!("\"{param}\"")),
            "{param}={value}: {detail}"
        );
    }
}

async fn malformed_bodies_are_problem_json(t: TestDb) {
    let s = Server::start(&t.url);
    for (path, body, content_type, status, names) in [
        ("/posts", "{\"title\": ", "application/json", 400, "EOF"),
        (
            "/posts",
            "{\"title\": 5, \"content\": \"c\"}",
            "application/json",
            400,
            "title",
        ),
        (
            "/posts",
            "{\"titel\": \"x\", \"content\": \"c\"}",
            "application/json",
            400,
            "titel",
        ),
        (
            "/posts",
            "{\"title\": \"x\"}",
            "text/plain",
            415,
            "Content-Type",
        ),
        (
            "/tags",
            "[]",
            "application/json",
            400,
            "expected struct TagCreate",
        ),
    ] {
        let r = s
            .client
            .post(s.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{path} {body}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let problem: Value = r.json().await.unwrap();
        assert_eq!(problem["status"], status);
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(names), "{path} {body}: {detail}");
    }
    assert_eq!(t.scalar("SELECT COUNT(*) FROM post").await, 0);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM tag").await, 0);
}

async fn conflicts_and_missing_rows(t: TestDb) {
    let s = Server::start(&t.url);
    let r = s
        .client
        .post(s.url("/tags"))
        .json(&json!({"name": "Rust"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = s
        .client
        .post(s.url("/tags"))
        .json(&json!({"name": "rust"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["status"], 409, "{body}");
    assert_eq!(t.scalar("SELECT COUNT(*) FROM tag").await, 1);

    let (status, body, content_type) = get(&s, "/posts/987654", &[]).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::NOT_FOUND, "application/problem+json")
    );
    assert_eq!(body["detail"], "no post row found");
    let r = s
        .client
        .patch(s.url("/posts/987654"))
        .json(&json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = s
        .client
        .delete(s.url("/posts/987654"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (status, _, _) = get(&s, "/tags/nothing-here", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn server_error_leaks_nothing(t: TestDb) {
    let s = Server::start(&t.url);
    let post = create(&s, json!({"title": "doomed", "tags": ["x"]})).await;
    // the database now fails every tag lookup, as a broken migration would
    t.db.execute_unprepared("DROP TABLE post_tag")
        .await
        .unwrap();
    let r = s
        .client
        .get(s.url(&format!("/posts/{}", post["id"])))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body = r.text().await.unwrap();
    assert_eq!(
        body,
        r#"{"type":"about:blank","title":"Internal Server Error","status":500}"#
    );
    let secret = t.url.split('@').next().unwrap_or_default().to_owned();
    for leak in ["post_tag", "SELECT", "sqlite", &secret] {
        assert!(!body.contains(leak), "{leak} in {body}");
    }
    // the cause is in the server's log instead
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !s.log().contains("post_tag") && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(s.log().contains("request failed"), "{}", s.log());
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

async fn patch_absent_null_and_tags(t: TestDb) {
    let s = Server::start(&t.url);
    let post = create(&s, json!({"title": "P", "content": "c", "published_at": "2024-05-01T00:00:00Z", "tags": ["alpha", "Beta"]})).await;
    let id = post["id"].as_i64().unwrap();
    let path = format!("/posts/{id}");
    let patch = |body: Value| {
        let (client, url) = (s.client.clone(), s.url(&path));
        async move {
            let r = client.patch(url).json(&body).send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    // absent fields stay as stored
    let (status, body) = patch(json!({"title": "P2"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["title"].as_str(), body["content"].as_str()),
        (Some("P2"), Some("c"))
    );
    assert_eq!(
        time(&body["published_at"]),
        "2024-05-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(time(&body["created_at"]), time(&post["created_at"]));
    let tag_names = |v: &Value| -> Vec<String> {
        let mut slugs: Vec<String> = v["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["slug"].as_str().unwrap().to_owned())
            .collect();
        slugs.sort();
        slugs
    };
    assert_eq!(tag_names(&body), ["alpha", "beta"]);
    // null clears, the tags stay attached
    let (status, body) = patch(json!({"published_at": null})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["published_at"].is_null());
    assert_eq!(body["title"], "P2");
    let (_, stored, _) = get(&s, &path, &[]).await;
    assert!(stored["published_at"].is_null());
    assert_eq!(tag_names(&stored), ["alpha", "beta"]);
    assert_eq!(
        t.scalar(&format!(
            "SELECT COUNT(*) FROM post_tag WHERE post_id = {id}"
        ))
        .await,
        2
    );
    // a NOT NULL column refuses null; nothing changes
    let (status, body) = patch(json!({"title": null, "content": "changed"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["detail"].as_str().unwrap().contains("title"), "{body}");
    let (status, body) = patch(json!({"titel": "typo"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, stored, _) = get(&s, &path, &[]).await;
    assert_eq!(stored["content"], "c");
    // tags given: the set is replaced, existing tags reused
    let (_, body) = patch(json!({"tags": ["beta", "Gamma"]})).await;
    assert_eq!(tag_names(&body), ["beta", "gamma"]);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM tag").await, 3);
}

async fn openapi_lists_filter_parameters(t: TestDb) {
    let s = Server::start(&t.url);
    let (status, doc, _) = get(&s, "/openapi.json", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = doc["paths"]["/posts"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in [
        "ids",
        "createdBefore",
        "createdAfter",
        "updatedBefore",
        "updatedAfter",
        "currentPage",
        "pageSize",
        "searchString",
        "searchIgnoreCase",
        "orderBy",
        "sortOrder",
        "titleIn",
        "titleNotIn",
        "published",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let page_size = doc["paths"]["/posts"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "pageSize")
        .unwrap();
    assert_eq!(page_size["schema"]["default"], 20);
    assert_eq!(page_size["schema"]["maximum"], 100.0);
    let page = &doc["components"]["schemas"]["OffsetPagination_PostRead"];
    assert_eq!(
        page["required"],
        json!(["items", "limit", "offset", "total"]),
        "{doc}"
    );
}

async fn crud_and_health(t: TestDb) {
    let s = Server::start(&t.url);
    let (status, body, _) = get(&s, "/health", &[]).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"status": "ok"})));
    let post = create(
        &s,
        json!({"title": "Hello", "content": "World", "tags": ["Rust", "SeaORM", "rust"]}),
    )
    .await;
    assert_eq!(post["tags"].as_array().unwrap().len(), 2, "{post}");
    let other = create(&s, json!({"title": "Again", "tags": ["seaorm"]})).await;
    assert_eq!(other["tags"][0]["id"], post["tags"][1]["id"]);
    let (_, tag, _) = get(&s, "/tags/seaorm", &[]).await;
    assert_eq!(tag["name"], "SeaORM");
    let path = format!("/posts/{}", post["id"]);
    let (status, read, _) = get(&s, &path, &[]).await;
    assert_eq!((status, &read["title"]), (StatusCode::OK, &json!("Hello")));
    let r = s.client.delete(s.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (status, _, _) = get(&s, &path, &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(t.scalar("SELECT COUNT(*) FROM post_tag").await, 1);
}
