//! SECURITY.md, Reliability: under concurrency nothing is dropped. Every page
//! route, signed out and signed in as each role, is hit by 16 clients at once:
//! every request gets an answer, none a 5xx, and nothing panics in the server.
//!
//! Sequential tests never saw it: at 4–8 concurrent clients, rendering a page
//! title read a reactive value outside its request's arena, the handler
//! panicked and the connection closed with no answer.

use frontline_tests::{
    DbKind, TestApp, TestClient, db_tests,
    world::{self, Ids, concrete_paths},
};
use std::{
    collections::BTreeMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
};

/// Concurrent clients.
const CLIENTS: usize = 16;
/// Requests in all, spread over every (role, page) pair.
const REQUESTS: usize = 2_400;

/// Panics anywhere in this test process (the server runs in it).
static PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default(info);
    }));
}

db_tests! {
    async fn every_page_answers_sixteen_concurrent_clients_without_a_drop(db: DbKind) {
        count_panics();
        server::telemetry::init(server::settings::LogFormat::Text, "warn");
        let app = TestApp::spawn(db).await;
        let cast = world::cast(&app).await;
        let engagement = world::propose(&cast.coordinator, cast.need, "ada@volunteers.example").await;
        let ids = Ids {
            need: cast.need,
            engagement,
            organisation: cast.organisation,
            volunteer: app.account_id("ada@volunteers.example").await,
            advisory: None,
        };
        let paths = concrete_paths(&ids);
        assert!(paths.len() >= 30, "only {} page routes: {paths:?}", paths.len());
        let roles: Vec<(&str, TestClient)> = vec![
            ("anonymous", app.client()),
            ("member", cast.member.clone()),
            ("volunteer", cast.volunteer.clone()),
            ("coordinator", cast.coordinator.clone()),
        ];
        let work: Arc<Vec<(usize, String)>> = Arc::new(
            (0..roles.len())
                .flat_map(|r| paths.iter().map(move |p| (r, p.clone())))
                .collect(),
        );
        let roles = Arc::new(roles);
        let next = Arc::new(AtomicUsize::new(0));
        let dropped = Arc::new(Mutex::new(Vec::<String>::new()));
        let statuses = Arc::new(Mutex::new(BTreeMap::<u16, usize>::new()));
        let failures = Arc::new(Mutex::new(Vec::<String>::new()));

        let mut tasks = Vec::new();
        for _ in 0..CLIENTS {
            let (work, roles, next, dropped, statuses, failures) = (
                work.clone(),
                roles.clone(),
                next.clone(),
                dropped.clone(),
                statuses.clone(),
                failures.clone(),
            );
            tasks.push(tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= REQUESTS {
                        break;
                    }
                    let (role, path) = &work[n % work.len()];
                    let (name, client) = &roles[*role];
                    match client
                        .http()
                        .get(client.url(path))
                        .header("accept", "text/html")
                        .header("sec-fetch-site", "same-origin")
                        .send()
                        .await
                    {
                        Ok(res) => {
                            let status = res.status().as_u16();
                            let body = res.bytes().await;
                            *statuses.lock().unwrap_or_else(|e| e.into_inner()).entry(status).or_default() += 1;
                            if body.is_err() {
                                dropped.lock().unwrap_or_else(|e| e.into_inner()).push(format!("{name} {path}: body cut"));
                            } else if status >= 500 {
                                failures.lock().unwrap_or_else(|e| e.into_inner()).push(format!("{name} {path}: {status}"));
                            }
                        }
                        Err(e) => dropped
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(format!("{name} {path}: {e:?}")),
                    }
                }
            }));
        }
        for task in tasks {
            task.await.unwrap_or_else(|e| panic!("client task: {e}"));
        }

        let dropped = dropped.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let failures = failures.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let statuses = statuses.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let panics = PANICS.load(Ordering::SeqCst);
        println!(
            "{db:?}: {REQUESTS} requests over {} (role, page) pairs from {CLIENTS} clients: \
             {} dropped, {} 5xx, {panics} panics; statuses {statuses:?}",
            work.len(),
            dropped.len(),
            failures.len(),
        );
        assert!(dropped.is_empty(), "{} requests got no answer: {:?}", dropped.len(), &dropped[..dropped.len().min(20)]);
        assert!(failures.is_empty(), "{} requests got a 5xx: {:?}", failures.len(), &failures[..failures.len().min(20)]);
        assert_eq!(panics, 0, "the server panicked {panics} times");
    }
}

db_tests! {
    async fn clients_that_give_up_mid_render_leave_no_panic_behind(db: DbKind) {
        count_panics();
        server::telemetry::init(server::settings::LogFormat::Text, "warn");
        let app = TestApp::spawn(db).await;
        let cast = world::cast(&app).await;
        let engagement = world::propose(&cast.coordinator, cast.need, "ada@volunteers.example").await;
        let pages = [
            ("member", "/needs".to_owned()),
            ("member", format!("/needs/{}", cast.need)),
            ("member", "/organisation".to_owned()),
            ("volunteer", format!("/engagements/{engagement}")),
            ("volunteer", "/volunteer/matches".to_owned()),
            ("coordinator", format!("/coordinator/match/{}", cast.need)),
            ("coordinator", "/coordinator/triage".to_owned()),
            ("anonymous", "/login?next=/needs".to_owned()),
            ("anonymous", "/".to_owned()),
        ];
        let clients: Vec<(&str, TestClient)> = vec![
            ("anonymous", app.client()),
            ("member", cast.member.clone()),
            ("volunteer", cast.volunteer.clone()),
            ("coordinator", cast.coordinator.clone()),
        ];
        let mut tasks = Vec::new();
        for worker in 0..CLIENTS {
            let pages = pages.clone();
            let clients = clients.clone();
            tasks.push(tokio::spawn(async move {
                let mut gave_up = 0;
                for n in 0..90 {
                    let (role, path) = &pages[(worker + n) % pages.len()];
                    let client = &clients.iter().find(|(r, _)| r == role).unwrap_or_else(|| panic!("{role}")).1;
                    // Give up after 1 to 150 ms: mid-render, much of the time.
                    let patience = std::time::Duration::from_millis(1 + ((worker * 7 + n * 13) % 150) as u64);
                    let res = client
                        .http()
                        .get(client.url(path))
                        .header("accept", "text/html")
                        .timeout(patience)
                        .send()
                        .await;
                    if res.is_err() {
                        gave_up += 1;
                    }
                }
                gave_up
            }));
        }
        let mut gave_up = 0;
        for task in tasks {
            gave_up += task.await.unwrap_or_else(|e| panic!("{e}"));
        }
        // Whatever the abandoned renders left running has time to finish.
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        app.client().get_text("/about", 200).await;
        let panics = PANICS.load(Ordering::SeqCst);
        println!("{db:?}: {} requests, {gave_up} abandoned mid-way by their clients: {panics} panics", CLIENTS * 90);
        assert!(gave_up > 100, "too few requests were abandoned to test anything: {gave_up}");
        assert_eq!(panics, 0, "abandoned renders panicked {panics} times");
    }
}
