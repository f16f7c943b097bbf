//! SECURITY.md, Reliability: a full disk fails writes cleanly (503 and a clear
//! message), writing resumes without a restart once space returns, and a write
//! is acknowledged only after its commit: every acknowledged write is there
//! after a restart.
//!
//! SQLite on a tmpfs of its own, filled with a file and freed by deleting it.

use frontline_tests::{DbKind, TestApp, TestClient, small_disk::SmallDisk, world};
use sea_orm::{ConnectionTrait as _, EntityTrait as _};
use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// What the clients saw.
#[derive(Default)]
struct Seen {
    acknowledged: Vec<String>,
    statuses: BTreeMap<u16, usize>,
    unclear: Vec<String>,
    slowest: Duration,
}

/// Posts `count` messages from `clients` at once; a 2xx is an acknowledged write.
async fn post_burst(
    clients: &[TestClient],
    engagement: i64,
    phase: &str,
    count: usize,
    padding: usize,
    seen: &Arc<Mutex<Seen>>,
) {
    let mut tasks = Vec::new();
    for (c, client) in clients.iter().enumerate() {
        let client = client.clone();
        let seen = seen.clone();
        let phase = phase.to_owned();
        tasks.push(tokio::spawn(async move {
            for i in (c..count).step_by(16) {
                let body = if padding == 0 {
                    format!("{phase}-{i}")
                } else {
                    format!("{phase}-{i} {}", "x".repeat(padding))
                };
                let started = Instant::now();
                let res = client
                    .http()
                    .post(client.url("/api/engagements/message"))
                    .header("accept", "application/json")
                    .header("sec-fetch-site", "same-origin")
                    .form(&[("id", engagement.to_string()), ("body", body.clone())])
                    .send()
                    .await;
                let answer = match res {
                    Ok(res) => {
                        let status = res.status().as_u16();
                        Ok((status, res.text().await.unwrap_or_default()))
                    }
                    Err(e) => Err(e.to_string()),
                };
                let took = started.elapsed();
                let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                seen.slowest = seen.slowest.max(took);
                match answer {
                    Ok((status, text)) => {
                        *seen.statuses.entry(status).or_default() += 1;
                        if (200..300).contains(&status) {
                            seen.acknowledged.push(body);
                        } else if status != 503 || !text.contains("Unavailable") {
                            seen.unclear.push(format!("{status}: {text}"));
                        }
                    }
                    Err(e) => seen.unclear.push(format!("no answer: {e}")),
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap_or_else(|e| panic!("client: {e}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_fails_writes_cleanly_and_loses_no_acknowledged_write() {
    server::telemetry::init(server::settings::LogFormat::Text, "warn");
    let Some(disk) = SmallDisk::mount(24) else {
        return;
    };
    let url = format!("sqlite://{}/frontline.db?mode=rwc", disk.path().display());
    let configure = {
        let url = url.clone();
        move |s: &mut server::settings::Settings| s.database_url = url.into()
    };
    let app = TestApp::spawn_with(DbKind::Sqlite, configure.clone()).await;
    let cast = world::cast(&app).await;
    let engagement = world::propose(&cast.coordinator, cast.need, "ada@volunteers.example").await;
    // Sixteen clients, signed in as the two sides of the engagement.
    let clients: Vec<TestClient> = (0..16)
        .map(|i| {
            if i % 2 == 0 {
                cast.member.clone()
            } else {
                cast.volunteer.clone()
            }
        })
        .collect();
    let seen = Arc::new(Mutex::new(Seen::default()));

    post_burst(&clients, engagement, "before", 32, 0, &seen).await;
    assert_eq!(
        seen.lock().unwrap_or_else(|e| e.into_inner()).acknowledged.len(),
        32,
        "writes before the disk filled"
    );

    let filled = disk.fill();
    let full = Arc::new(Mutex::new(Seen::default()));
    post_burst(&clients, engagement, "full", 400, 2000, &full).await;
    {
        let full = full.lock().unwrap_or_else(|e| e.into_inner());
        println!(
            "disk full ({filled} bytes of filler): statuses {:?}, slowest {:?}",
            full.statuses, full.slowest
        );
        assert!(
            full.unclear.is_empty(),
            "unclear answers while full: {:?}",
            &full.unclear[..full.unclear.len().min(5)]
        );
        assert!(
            full.statuses.get(&503).copied().unwrap_or(0) > 0,
            "the disk never filled: {:?}",
            full.statuses
        );
    }
    let ready = app.client().get("/readyz").await;
    assert_eq!(
        ready.status().as_u16(),
        503,
        "/readyz must report a database that cannot write"
    );

    disk.free();
    let after = Arc::new(Mutex::new(Seen::default()));
    post_burst(&clients, engagement, "after", 160, 0, &after).await;
    {
        let after = after.lock().unwrap_or_else(|e| e.into_inner());
        println!(
            "space freed: statuses {:?}, slowest {:?}",
            after.statuses, after.slowest
        );
        assert_eq!(
            after.acknowledged.len(),
            160,
            "every write after freeing space succeeds: {:?}",
            after.statuses
        );
        assert!(
            after.slowest < Duration::from_secs(5),
            "writes wait {:?} after space returned",
            after.slowest
        );
    }
    app.client().get_text("/readyz", 200).await;

    // Restart on the same file: every acknowledged write is there.
    let mut acknowledged = Vec::new();
    for s in [&seen, &full, &after] {
        acknowledged.extend(s.lock().unwrap_or_else(|e| e.into_inner()).acknowledged.clone());
    }
    app.stop().await;
    let app = TestApp::spawn_with(DbKind::Sqlite, configure).await;
    let stored: std::collections::HashSet<String> = entity::message::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect();
    let lost: Vec<&String> = acknowledged.iter().filter(|b| !stored.contains(*b)).collect();
    println!(
        "{} writes acknowledged, {} lost after restart",
        acknowledged.len(),
        lost.len()
    );
    assert!(
        lost.is_empty(),
        "{} acknowledged writes lost: {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
    let check = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap()
        .and_then(|row| row.try_get_by_index::<String>(0).ok());
    assert_eq!(check.as_deref(), Some("ok"));
}
