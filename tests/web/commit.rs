//! The session layer's commit rules, on a small router served in-process over real
//! HTTP and real databases: what a client's status means for the data.
//!
//! A commit the database refuses after a 2xx handler: PostgreSQL and SQLite check a
//! `DEFERRABLE INITIALLY DEFERRED` foreign key at `COMMIT`. MariaDB has no deferred
//! constraints, so there the handler has the server kill its own connection
//! (`KILL <CONNECTION_ID()>`, from another pool connection) before returning 200, and
//! `COMMIT` fails on the dead connection.

use crate::support::{Backend, TestDb};
use advanced_alchemy_axum::{
    ApiError, CommitMode, DbSession, DbSessions, SessionConfig, SessionLayer,
};
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

web_tests!(
    autocommit_commits_2xx_and_rolls_back_errors,
    redirects_commit_only_with_include_redirect,
    commit_refused_after_2xx_is_a_500,
    manual_mode_and_extra_statuses,
    two_databases_by_key,
    sql_errors_show_nothing,
);

async fn setup(t: &TestDb) {
    t.db.execute_unprepared(
        "CREATE TABLE web_item (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL)",
    )
    .await
    .unwrap();
}

async fn insert(db: &DbSession, id: i64) -> Result<(), ApiError> {
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        match db.get_database_backend() {
            DbBackend::Postgres => "INSERT INTO web_item (id, name) VALUES ($1, 'x')",
            _ => "INSERT INTO web_item (id, name) VALUES (?, 'x')",
        },
        [id.into()],
    ))
    .await?;
    Ok(())
}

/// Serves `app` on a free loopback port; the task ends with the test's runtime.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

fn router() -> Router {
    Router::new()
        .route(
            "/ok/{id}",
            post(
                |db: DbSession, axum::extract::Path(id): axum::extract::Path<i64>| async move {
                    insert(&db, id).await.map(|()| StatusCode::CREATED)
                },
            ),
        )
        .route(
            "/fail/{id}",
            post(
                |db: DbSession, axum::extract::Path(id): axum::extract::Path<i64>| async move {
                    insert(&db, id).await?;
                    Err::<(), _>(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "changed my mind",
                    ))
                },
            ),
        )
        .route(
            "/status/{id}/{code}",
            post(
                |db: DbSession,
                 axum::extract::Path((id, code)): axum::extract::Path<(i64, u16)>| async move {
                    insert(&db, id).await?;
                    Ok::<_, ApiError>(StatusCode::from_u16(code).unwrap())
                },
            ),
        )
        .route(
            "/redirect/{id}",
            post(
                |db: DbSession, axum::extract::Path(id): axum::extract::Path<i64>| async move {
                    insert(&db, id).await?;
                    Ok::<_, ApiError>(Redirect::to("/elsewhere"))
                },
            ),
        )
        .route(
            "/panic/{id}",
            post(
                |db: DbSession, axum::extract::Path(id): axum::extract::Path<i64>| async move {
                    insert(&db, id).await.unwrap();
                    if id > 0 {
                        panic!("handler bug");
                    }
                    StatusCode::OK
                },
            ),
        )
        .route(
            "/manual/{id}",
            post(
                |db: DbSession, axum::extract::Path(id): axum::extract::Path<i64>| async move {
                    insert(&db, id).await?;
                    db.commit().await?;
                    insert(&db, id + 1000).await?; // after the commit: left open, rolled back
                    Ok::<_, ApiError>(StatusCode::OK)
                },
            ),
        )
}

async fn ids(t: &TestDb) -> Vec<i64> {
    t.db.query_all_raw(Statement::from_string(
        t.db_backend(),
        "SELECT id FROM web_item ORDER BY id",
    ))
    .await
    .unwrap()
    .into_iter()
    .map(|row| row.try_get_by_index::<i64>(0).unwrap())
    .collect()
}

async fn post_status(client: &reqwest::Client, url: String) -> StatusCode {
    client.post(url).send().await.unwrap().status()
}

async fn autocommit_commits_2xx_and_rolls_back_errors(t: TestDb) {
    setup(&t).await;
    let base = serve(router().layer(
        SessionLayer::new(t.db.clone(), SessionConfig::new(CommitMode::Autocommit)).unwrap(),
    ))
    .await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert_eq!(
        post_status(&client, format!("{base}/ok/1")).await,
        StatusCode::CREATED
    );
    // wrote, then failed: the row is gone
    let r = client.post(format!("{base}/fail/2")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // a 4xx/5xx returned as a plain status rolls back too
    assert_eq!(
        post_status(&client, format!("{base}/status/3/400")).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post_status(&client, format!("{base}/status/4/503")).await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    // a panic rolls back and is a 500
    let r = client.post(format!("{base}/panic/5")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!r.text().await.unwrap().contains("handler bug"));
    assert_eq!(
        post_status(&client, format!("{base}/status/6/204")).await,
        StatusCode::NO_CONTENT
    );
    // a duplicate key from the handler's `?` is a 409 and rolls back
    assert_eq!(
        post_status(&client, format!("{base}/ok/1")).await,
        StatusCode::CONFLICT
    );
    assert_eq!(ids(&t).await, [1, 6]);
}

async fn redirects_commit_only_with_include_redirect(t: TestDb) {
    setup(&t).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let plain = serve(router().layer(
        SessionLayer::new(t.db.clone(), SessionConfig::new(CommitMode::Autocommit)).unwrap(),
    ))
    .await;
    let redirects = serve(
        router().layer(
            SessionLayer::new(
                t.db.clone(),
                SessionConfig::new(CommitMode::AutocommitIncludeRedirect),
            )
            .unwrap(),
        ),
    )
    .await;
    assert_eq!(
        post_status(&client, format!("{plain}/redirect/1")).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post_status(&client, format!("{redirects}/redirect/2")).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post_status(&client, format!("{redirects}/status/3/302")).await,
        StatusCode::FOUND
    );
    assert_eq!(
        post_status(&client, format!("{redirects}/status/4/404")).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_status(&client, format!("{redirects}/ok/5")).await,
        StatusCode::CREATED
    );
    assert_eq!(ids(&t).await, [2, 3, 5]);
}

async fn commit_refused_after_2xx_is_a_500(t: TestDb) {
    let deferred = match t.backend {
        Backend::Postgres => {
            "CREATE TABLE web_child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES web_parent (id) DEFERRABLE INITIALLY DEFERRED)"
        }
        _ => {
            "CREATE TABLE web_child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES web_parent (id) DEFERRABLE INITIALLY DEFERRED)"
        }
    };
    t.db.execute_unprepared("CREATE TABLE web_parent (id INTEGER PRIMARY KEY)")
        .await
        .unwrap();
    if t.backend != Backend::MySql {
        t.db.execute_unprepared(deferred).await.unwrap();
    } else {
        t.db.execute_unprepared(
            "CREATE TABLE web_child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL)",
        )
        .await
        .unwrap();
    }
    let app = Router::new()
        .route(
            "/orphan",
            post(|db: DbSession| async move {
                db.execute_unprepared("INSERT INTO web_child (id, parent_id) VALUES (1, 42)")
                    .await?;
                if db.get_database_backend() == DbBackend::MySql {
                    let row = db
                        .query_one_raw(Statement::from_string(
                            DbBackend::MySql,
                            "SELECT CONNECTION_ID()",
                        ))
                        .await?
                        .ok_or_else(|| ApiError::internal("no connection id"))?;
                    let id: u64 = row.try_get_by_index(0).map_err(ApiError::from)?;
                    db.connection()
                        .execute_unprepared(&format!("KILL {id}"))
                        .await?;
                }
                // the handler succeeded; the database refuses at COMMIT
                Ok::<_, ApiError>((StatusCode::CREATED, "stored, says the handler"))
            }),
        )
        .layer(SessionLayer::new(t.db.clone(), SessionConfig::default()).unwrap());
    let base = serve(app).await;
    let r = reqwest::Client::new()
        .post(format!("{base}/orphan"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body = r.text().await.unwrap();
    assert!(
        !body.contains("stored") && !body.contains("web_child"),
        "{body}"
    );
    assert_eq!(t.scalar("SELECT COUNT(*) FROM web_child").await, 0);
}

async fn manual_mode_and_extra_statuses(t: TestDb) {
    setup(&t).await;
    let client = reqwest::Client::new();
    let manual =
        serve(router().layer(
            SessionLayer::new(t.db.clone(), SessionConfig::new(CommitMode::Manual)).unwrap(),
        ))
        .await;
    assert_eq!(
        post_status(&client, format!("{manual}/ok/1")).await,
        StatusCode::CREATED
    ); // never committed
    assert_eq!(
        post_status(&client, format!("{manual}/manual/2")).await,
        StatusCode::OK
    );
    let extra = serve(
        router().layer(
            SessionLayer::new(
                t.db.clone(),
                SessionConfig::new(CommitMode::Autocommit)
                    .extra_commit_statuses([StatusCode::CONFLICT])
                    .extra_rollback_statuses([StatusCode::ACCEPTED]),
            )
            .unwrap(),
        ),
    )
    .await;
    assert_eq!(
        post_status(&client, format!("{extra}/status/3/409")).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        post_status(&client, format!("{extra}/status/4/202")).await,
        StatusCode::ACCEPTED
    );
    assert_eq!(ids(&t).await, [2, 3]);
    // overlapping sets: refused when the layer is built, not on a request
    let err = SessionLayer::new(
        t.db.clone(),
        SessionConfig::default()
            .extra_commit_statuses([StatusCode::OK, StatusCode::CONFLICT])
            .extra_rollback_statuses([StatusCode::CONFLICT]),
    )
    .unwrap_err();
    assert!(err.to_string().contains("409"), "{err}");
}

async fn two_databases_by_key(t: TestDb) {
    setup(&t).await;
    let Some(other) = TestDb::on_disk(t.backend).await else {
        return;
    };
    setup(&other).await;
    let app = Router::new()
        .route("/both/{code}", post(|sessions: DbSessions, axum::extract::Path(code): axum::extract::Path<u16>| async move {
            insert(&sessions.get(advanced_alchemy_axum::DEFAULT_KEY)?, 1).await?;
            insert(&sessions.get("audit")?, 2).await?;
            Ok::<Response, ApiError>(StatusCode::from_u16(code).unwrap().into_response())
        }))
        .layer(
            SessionLayer::builder()
                .database(t.db.clone(), SessionConfig::new(CommitMode::Autocommit))
                .bind("audit", other.db.clone(), SessionConfig::new(CommitMode::Autocommit).extra_commit_statuses([StatusCode::FORBIDDEN]))
                .build()
                .unwrap(),
        );
    let base = serve(app).await;
    let client = reqwest::Client::new();
    // 403: the main database rolls back, the audit database keeps its row
    assert_eq!(
        post_status(&client, format!("{base}/both/403")).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!((ids(&t).await, ids(&other).await), (vec![], vec![2]));
}

async fn sql_errors_show_nothing(t: TestDb) {
    let app = Router::new()
        .route(
            "/broken",
            post(|db: DbSession| async move {
                db.execute_unprepared("SELEC password FROM users WHERE token = 'sk_live_123'")
                    .await?;
                Ok::<_, ApiError>(StatusCode::OK)
            }),
        )
        .layer(SessionLayer::new(t.db.clone(), SessionConfig::default()).unwrap());
    let base = serve(app).await;
    let r = reqwest::Client::new()
        .post(format!("{base}/broken"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = r.text().await.unwrap();
    assert_eq!(
        body,
        r#"{"type":"about:blank","title":"Internal Server Error","status":500}"#
    );
}
