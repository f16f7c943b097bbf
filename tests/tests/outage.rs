//! SECURITY.md, Reliability: when the database goes away, every request gets a
//! quick, honest answer — 503 and "Frontline cannot reach its database right
//! now" within the pool's acquire timeout (+1 s), for pages signed in or out,
//! server functions and plain form posts alike — and the server recovers by
//! itself when the database returns, sessions intact.
//!
//! The test stops and starts a PostgreSQL cluster of its own while clients keep
//! asking, on the way down and on the way back up.

use frontline_tests::{TestApp, TestClient, TestDatabase, pg_cluster::PgCluster, world};
use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

/// The acquire timeout the server runs with here.
const ACQUIRE_SECS: u64 = 2;
const MESSAGE: &str = "cannot reach its database";

/// One kind of request a user makes.
#[derive(Clone, Copy, Debug)]
enum Ask {
    AnonymousPage,
    SignedInPage,
    ServerFunction,
    PlainFormPost,
}

async fn ask(kind: Ask, anonymous: &TestClient, member: &TestClient) -> Result<(u16, String), String> {
    let res = match kind {
        Ask::AnonymousPage => anonymous.http().get(anonymous.url("/")).send().await,
        Ask::SignedInPage => member.http().get(member.url("/needs")).send().await,
        Ask::ServerFunction => {
            member
                .http()
                .post(member.url("/api/whoami"))
                .header("accept", "application/json")
                .header("sec-fetch-site", "same-origin")
                .send()
                .await
        }
        Ask::PlainFormPost => {
            anonymous
                .http()
                .post(anonymous.url("/api/login"))
                .header("accept", "text/html")
                .header("sec-fetch-site", "same-origin")
                .header("referer", anonymous.url("/login"))
                .form(&[
                    ("email", "nobody@example.org"),
                    ("password", "not the password at all"),
                ])
                .send()
                .await
        }
    };
    match res {
        Ok(res) => {
            let status = res.status().as_u16();
            Ok((status, res.text().await.unwrap_or_default()))
        }
        Err(e) => Err(e.to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_gets_quick_honest_answers_and_the_server_recovers() {
    let cluster = PgCluster::start();
    let database = TestDatabase::postgres_on(&cluster.url()).await;
    let app = TestApp::spawn_on(database, |s| s.db_acquire_timeout_secs = ACQUIRE_SECS).await;
    let member = app.client();
    world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
    let anonymous = app.client();
    let bound = Duration::from_secs(ACQUIRE_SECS + 1);
    let kinds = [
        Ask::AnonymousPage,
        Ask::SignedInPage,
        Ask::ServerFunction,
        Ask::PlainFormPost,
    ];
    for kind in kinds {
        let (status, _) = ask(kind, &anonymous, &member).await.unwrap();
        assert!(status < 500, "{kind:?} before the outage: {status}");
    }

    // Clients keep asking through the whole outage.
    let stop = Arc::new(AtomicBool::new(false));
    let log = Arc::new(Mutex::new(Vec::<(Ask, Duration, Result<u16, String>)>::new()));
    let mut load = Vec::new();
    for (i, kind) in kinds.iter().cycle().take(8).enumerate() {
        let (kind, stop, log) = (*kind, stop.clone(), log.clone());
        let (anonymous, member) = (anonymous.clone(), member.clone());
        load.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(37 * i as u64)).await;
            while !stop.load(Ordering::SeqCst) {
                let started = Instant::now();
                let got = ask(kind, &anonymous, &member).await.map(|(s, _)| s);
                log.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((kind, started.elapsed(), got));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Down.
    tokio::task::block_in_place(|| cluster.stop());
    let down_at = Instant::now();
    tokio::time::sleep(Duration::from_secs(ACQUIRE_SECS + 2)).await;
    for kind in kinds {
        let started = Instant::now();
        let (status, body) = ask(kind, &anonymous, &member)
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        let took = started.elapsed();
        assert_eq!(status, 503, "{kind:?} during the outage: {body}");
        assert!(
            body.contains(MESSAGE) || body.contains("Unavailable"),
            "{kind:?}: unclear answer: {body}"
        );
        assert!(took <= bound, "{kind:?} took {took:?} during the outage");
    }
    println!(
        "outage: the database was down for {:?} before it came back",
        down_at.elapsed()
    );

    // Up again: the server finds it by itself, and sessions survived.
    tokio::task::block_in_place(|| cluster.resume());
    let up_at = Instant::now();
    loop {
        let (status, _) = ask(Ask::SignedInPage, &anonymous, &member).await.unwrap();
        if status == 200 {
            break;
        }
        assert!(
            up_at.elapsed() < Duration::from_secs(15),
            "no recovery: still {status}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("recovered {:?} after the database came back", up_at.elapsed());
    assert_eq!(
        member.whoami().await.as_deref(),
        Some("it@stluc.example"),
        "the session survives the outage"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::SeqCst);
    for task in load {
        task.await.unwrap();
    }

    let log = log.lock().unwrap_or_else(|e| e.into_inner());
    let longest = log.iter().map(|(_, took, _)| *took).max().unwrap_or_default();
    let mut statuses = std::collections::BTreeMap::<String, usize>::new();
    for (_, _, got) in log.iter() {
        *statuses
            .entry(
                got.as_ref()
                    .map_or_else(|e| format!("error {e}"), ToString::to_string),
            )
            .or_default() += 1;
    }
    println!(
        "{} requests during the outage run: {statuses:?}; longest answer {longest:?}",
        log.len()
    );
    let bad: Vec<_> = log
        .iter()
        .filter(|(_, took, got)| *took > bound || !matches!(got, Ok(s) if *s < 500 || *s == 503))
        .take(10)
        .collect();
    assert!(bad.is_empty(), "slow, failed or dropped answers: {bad:?}");
}

frontline_tests::db_tests! {
    /// A pool whose every connection is busy is load, not an outage: the
    /// request that waited in vain gets 503, but the breaker stays closed, so
    /// the next request is served as soon as a connection comes free instead of
    /// everyone getting 503 until a probe finds one.
    async fn a_busy_pool_is_not_an_outage(db: frontline_tests::DbKind) {
        use sea_orm::TransactionTrait as _;
        let app = TestApp::spawn_with(db, |s| {
            s.db_max_connections = 2;
            s.db_acquire_timeout_secs = 1;
        })
        .await;
        let anonymous = app.client();
        let member = app.client();
        world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
        // Every connection the pool may open, held by "other requests".
        let held = [
            app.db.begin().await.unwrap_or_else(|e| panic!("{e}")),
            app.db.begin().await.unwrap_or_else(|e| panic!("{e}")),
        ];
        let (status, body) = ask(Ask::SignedInPage, &anonymous, &member)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(status, 503, "{body}");
        assert!(
            !app.state.availability.is_down(),
            "a busy pool tripped the breaker: everyone gets 503 until a probe finds a free connection"
        );
        drop(held);
        member.get_text("/needs", 200).await;
    }

    /// No connection within the acquire timeout while the pool was not full
    /// (connections being replaced on a starved machine) is not an outage when
    /// the database answers a connection of the probe's own: the breaker stays
    /// closed and nobody else is turned away.
    async fn a_slow_acquire_with_the_database_answering_is_not_an_outage(db: frontline_tests::DbKind) {
        use sea_orm::{ConnAcquireErr, DbErr};
        let app = TestApp::spawn(db).await;
        let timeout = DbErr::ConnectionAcquire(ConnAcquireErr::Timeout);
        app.state.availability.found_unreachable(&app.state.db, &timeout);
        for _ in 0..8 {
            assert!(
                !app.state.availability.is_down(),
                "one slow acquire tripped the breaker although the database answers"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        app.client().get_text("/about", 200).await;
    }
}
