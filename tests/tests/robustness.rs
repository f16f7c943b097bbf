//! SECURITY.md, Reliability and Input: what clients do wrong gets a clear 4xx —
//! chunked bodies over the limit, bodies that are not UTF-8 — slow clients cannot
//! hold connections, a shutdown lets requests in flight finish and only then
//! closes the pool, and the audit log records changes, not repeats.

use frontline_tests::{DbKind, TestApp, world};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Posts a chunked body (no `Content-Length`) over a raw connection: `chunks`
/// chunks of `size` bytes, one every `pause`; returns the answer's status, or
/// `None` when the connection closed without one.
async fn chunked_post(
    addr: std::net::SocketAddr,
    path: &str,
    chunks: usize,
    size: usize,
    pause: Duration,
) -> Option<u16> {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Accept: application/json\r\nSec-Fetch-Site: same-origin\r\nTransfer-Encoding: chunked\r\n\
         Connection: close\r\n\r\n"
    );
    let mut sent = stream.write_all(head.as_bytes()).await.is_ok();
    for i in 0..chunks {
        if !sent {
            break;
        }
        if i > 0 {
            tokio::time::sleep(pause).await;
        }
        let mut piece = if i == 0 {
            b"email=a%40example.org&password=".to_vec()
        } else {
            Vec::new()
        };
        piece.resize(size, b'a');
        let mut frame = format!("{size:x}\r\n").into_bytes();
        frame.extend_from_slice(&piece);
        frame.extend_from_slice(b"\r\n");
        sent = stream.write_all(&frame).await.is_ok();
    }
    if sent {
        let _ = stream.write_all(b"0\r\n\r\n").await;
    }
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer);
    text.strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
}

/// A form post of `body` to the sign-in, as a script sends it.
fn login_post(app: &TestApp, body: Vec<u8>) -> reqwest::RequestBuilder {
    app.client()
        .http()
        .post(app.url("/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .header("sec-fetch-site", "same-origin")
        .body(body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_body_over_the_limit_is_a_413_like_a_declared_one() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let chunks = app.settings.body_limit_bytes / (16 * 1024) + 4;
    let status = chunked_post(app.addr, "/api/login", chunks, 16 * 1024, Duration::ZERO).await;
    assert_eq!(status, Some(413));
    // Under the limit, the same chunked post is read and answered.
    let status = chunked_post(app.addr, "/api/login", 2, 100, Duration::ZERO).await;
    assert_eq!(status, Some(401));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_gets_its_413_while_the_client_is_still_sending() {
    // The server refuses as soon as it sees the length, while the client is
    // still writing: each client must read the 413, not a reset connection.
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let body = vec![b'a'; 6 * 1024 * 1024];
    for _ in 0..4 {
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let post = login_post(&app, body.clone());
            tasks.push(tokio::spawn(async move {
                let res = post.send().await.map_err(|e| format!("{e:?}"))?;
                let status = res.status().as_u16();
                res.bytes().await.map_err(|e| format!("{e:?}"))?;
                Ok::<u16, String>(status)
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap_or_else(|e| panic!("{e}")), Ok(413));
        }
    }
    // A client that waits for "100 Continue" is answered without sending.
    let mut stream = tokio::net::TcpStream::connect(app.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Sec-Fetch-Site: same-origin\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\n\r\n",
        app.addr
    );
    stream
        .write_all(head.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 413"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_is_not_utf8_is_a_400() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    for body in [
        vec![0xff_u8, 0xfe, b'=', 0x80],
        b"email=\xc3\x28&password=x".to_vec(),
    ] {
        let res = login_post(&app, body).send().await.unwrap();
        assert_eq!(res.status(), 400, "{}", res.text().await.unwrap_or_default());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_sends_its_headers_too_slowly_is_disconnected() {
    let app = TestApp::spawn_with(DbKind::Sqlite, |s| s.header_read_timeout_secs = 1).await;
    let mut clients = Vec::new();
    for _ in 0..50 {
        let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        clients.push(stream);
    }
    let started = Instant::now();
    // Keep sending a byte now and then, never finishing the headers.
    let mut closed = 0;
    for mut stream in clients {
        let mut buf = [0_u8; 1024];
        let outcome = tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                if stream.write_all(b"X").await.is_err() {
                    return;
                }
                match tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf)).await {
                    Ok(Ok(0) | Err(_)) => return,
                    Ok(Ok(_)) => {} // a 408 answer, then the close
                    Err(_) => {}
                }
            }
        })
        .await;
        if outcome.is_ok() {
            closed += 1;
        }
    }
    assert_eq!(
        closed,
        50,
        "slow clients still connected after {:?}",
        started.elapsed()
    );
    // Everyone else is served all along.
    app.client().get_text("/about", 200).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_requests_in_flight_finish_then_closes_the_pool() {
    let app = TestApp::spawn_with(DbKind::Sqlite, |s| s.shutdown_deadline_secs = 5).await;
    // A request whose body takes a second to arrive is in flight at shutdown.
    let slow = tokio::spawn(chunked_post(
        app.addr,
        "/api/login",
        4,
        100,
        Duration::from_millis(300),
    ));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let db = app.db.clone();
    let started = Instant::now();
    app.stop().await;
    let answered = slow.await.unwrap();
    // Wrong password for an unknown account: 401 — and not a 500 from a closed pool.
    assert_eq!(answered, Some(401), "the request in flight got {answered:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "drained in {:?}",
        started.elapsed()
    );
    assert!(
        db.ping().await.is_err(),
        "the pool is closed once the server stopped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_shutdown_deadline_open_connections_are_closed_and_the_server_stops() {
    let app = TestApp::spawn_with(DbKind::Sqlite, |s| s.shutdown_deadline_secs = 1).await;
    let endless = tokio::spawn(chunked_post(
        app.addr,
        "/api/login",
        100,
        100,
        Duration::from_millis(200),
    ));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    app.stop().await;
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(3),
        "stopping took {took:?} with a 1 s deadline"
    );
    let answered = endless.await.unwrap();
    assert!(
        !matches!(answered, Some(status) if status >= 500),
        "a request cut at the deadline must not see a 500: {answered:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_very_long_unknown_path_is_a_404() {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let path = format!("/{}", "a".repeat(60_000));
    let res = app.client().get(&path).await;
    assert_eq!(res.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_records_changes_not_repeats() {
    use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let cast = world::cast(&app).await;
    let volunteer = app.account_id("ada@volunteers.example").await;
    let count = |action: &'static str| {
        let db = app.db.clone();
        async move {
            entity::audit_log::Entity::find()
                .filter(entity::audit_log::Column::Action.eq(action))
                .count(&db)
                .await
                .unwrap()
        }
    };
    for _ in 0..3 {
        let res = cast
            .coordinator
            .call(
                "/api/admin/set_status",
                &[("account", &volunteer.to_string()), ("disabled", "true")],
            )
            .await;
        assert!(res.status().is_success(), "{}", res.status());
    }
    assert_eq!(
        count("account.status_changed").await,
        1,
        "disabling three times is one change"
    );
    let before = count("vetting.decided").await;
    for _ in 0..3 {
        world::vet_organisation(&cast.coordinator, cast.organisation, "approve").await;
    }
    assert_eq!(
        count("vetting.decided").await,
        before,
        "approving an approved organisation again, same note, changes nothing"
    );
}

/// A server function call: who, where, with what.
type Call<'a> = (&'a frontline_tests::TestClient, &'a str, Vec<(&'a str, &'a str)>);

frontline_tests::db_tests! {
    async fn huge_page_numbers_get_the_last_page_at_once(db: DbKind) {
        const HUGE: &str = "307445734561825861";
        let app = TestApp::spawn(db).await;
        let cast = world::cast(&app).await;
        let org = cast.organisation.to_string();
        let calls: Vec<Call<'_>> = vec![
            (&cast.member, "/api/needs/mine", vec![("page", HUGE)]),
            (&cast.member, "/api/notifications/list", vec![("page", HUGE)]),
            (&cast.volunteer, "/api/needs/open", vec![("page", HUGE)]),
            (&cast.coordinator, "/api/admin/accounts", vec![("page", HUGE)]),
            (&cast.coordinator, "/api/admin/audit", vec![("page", HUGE)]),
            (&cast.coordinator, "/api/vetting/organisations", vec![("page", HUGE)]),
            (&cast.coordinator, "/api/vetting/volunteers", vec![("page", HUGE)]),
            (&cast.coordinator, "/api/vetting/needs", vec![("page", HUGE)]),
            (&cast.coordinator, "/api/vetting/organisation", vec![("id", org.as_str()), ("page", HUGE)]),
            (&cast.coordinator, "/api/matching/triage", vec![("page", HUGE)]),
        ];
        for (client, path, fields) in calls {
            let started = Instant::now();
            let res = client.call(path, &fields).await;
            let status = res.status().as_u16();
            let body: serde_json::Value = res.json().await.unwrap_or(serde_json::Value::Null);
            assert!(status < 500, "{path}: {status}");
            assert!(started.elapsed() < Duration::from_secs(5), "{path} took {:?}", started.elapsed());
            let page = body.get("page").or_else(|| body.get("needs").and_then(|n| n.get("page")));
            if let Some(page) = page.and_then(serde_json::Value::as_u64) {
                assert!(page < 1_000, "{path}: page {page} is past the last one");
            }
        }
        // Lists that hold something answer the last page, not an empty one.
        let notices = cast.member.call_json("/api/notifications/list", &[("page", HUGE)]).await;
        assert!(
            notices.as_array().is_some_and(|n| !n.is_empty()),
            "a page past the end of the notifications is the last page: {notices}"
        );
        let run = world::created_id(cast.coordinator.call("/api/matching/batch_start", &[]).await, "start batch").await;
        let mut batch = serde_json::Value::Null;
        for _ in 0..200 {
            batch = cast.coordinator.call_json("/api/matching/batch", &[("id", &run.to_string()), ("page", HUGE)]).await;
            if batch["status"] != "running" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(batch["page"], 0, "a batch preview's page past the end is its last page: {batch}");
        assert!(batch["pairs"].as_array().is_some_and(|p| !p.is_empty()), "{batch}");
        let pages: [(&frontline_tests::TestClient, &str); 8] = [
            (&cast.member, "/needs"),
            (&cast.volunteer, "/needs"),
            (&cast.member, "/notifications"),
            (&cast.coordinator, "/coordinator/accounts"),
            (&cast.coordinator, "/coordinator/audit"),
            (&cast.coordinator, "/coordinator/organisations"),
            (&cast.coordinator, "/coordinator/volunteers"),
            (&cast.coordinator, "/coordinator/needs"),
        ];
        for (client, path) in pages {
            let started = Instant::now();
            let status = client.get(&format!("{path}?page={HUGE}")).await.status().as_u16();
            assert!(status < 500, "{path}?page=…: {status}");
            assert!(started.elapsed() < Duration::from_secs(5), "{path} took {:?}", started.elapsed());
        }
    }
}
