//! A benchmark, not a test (ignored by the suite; `.ci/bench-pages` runs it in
//! a release build): each main page on the large demo set under `wrk -t1 -c64`,
//! each run right after the same run against a bare axum "hello" served by the
//! same axum, tokio and hyper in the same process — side by side, so machine
//! noise hits both alike. Prints requests per second, p50 and p99, and the
//! ratio to hello, as medians of the repetitions.
//!
//! Settings (environment): `BENCH_SECONDS` per run (15), `BENCH_REPEAT` (3),
//! `BENCH_VOLUNTEERS` (100000), `BENCH_NEEDS` (20000), `BENCH_ORGANISATIONS`
//! (2000), `BENCH_PAGES` (a comma-separated subset of the page names).

use entity::{
    account, engagement, need, organisation, organisation_member, vetting::VettingStatus, volunteer,
};
use frontline_tests::{DbKind, TestApp, TestClient, users::TestUser};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _};
use std::{process::Command, time::Instant};

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One `wrk` run's figures.
#[derive(Debug, Clone, Copy, Default)]
struct Run {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    failed: u64,
}

/// Milliseconds from wrk's `1.23ms` / `456.00us` / `1.02s`.
fn millis(text: &str) -> f64 {
    let (number, factor) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (text, 1.0)
    };
    number.parse::<f64>().unwrap_or(f64::NAN) * factor
}

fn wrk(url: &str, cookie: Option<&str>, seconds: usize) -> Run {
    let mut cmd = Command::new("wrk");
    cmd.args([
        "-t1",
        "-c64",
        &format!("-d{seconds}s"),
        "--latency",
        "-H",
        "Accept: text/html",
    ]);
    if let Some(cookie) = cookie {
        cmd.args(["-H", &format!("Cookie: {cookie}")]);
    }
    let out = cmd
        .arg(url)
        .output()
        .unwrap_or_else(|e| panic!("wrk did not run (install it: apt-get install wrk): {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut run = Run::default();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["Requests/sec:", n] => run.per_second = n.parse().unwrap_or(0.0),
            ["50%", t] => run.p50_ms = millis(t),
            ["99%", t] => run.p99_ms = millis(t),
            ["Non-2xx", "or", "3xx", "responses:", n] => run.failed += n.parse::<u64>().unwrap_or(0),
            ["Socket", "errors:", rest @ ..] => {
                run.failed += rest
                    .iter()
                    .filter_map(|w| w.trim_end_matches(',').parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    run
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// A bare axum server answering "hello", on the test's runtime.
async fn hello() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let router = axum::Router::new().route("/", axum::routing::get(|| async { "hello" }));
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}/")
}

/// This process's resident memory, in MB (the server runs in it).
fn resident_mb() -> f64 {
    status_mb("VmRSS:")
}

/// A memory figure of this process's `/proc/self/status`, in MB.
fn status_mb(field: &str) -> f64 {
    status_mb_of("self", field)
}

/// A memory figure (`VmRSS:`, `VmHWM:`) of `/proc/<process>/status`, in MB
/// (`process`: `self` or a pid).
fn status_mb_of(process: &str, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{process}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Loads the large demo set (`BENCH_ORGANISATIONS`, `BENCH_VOLUNTEERS`,
/// `BENCH_NEEDS`) into `app`'s database.
async fn load_large(app: &TestApp) -> server::demo::Loaded {
    let started = Instant::now();
    let loaded = server::demo::load(
        &app.db,
        server::demo::Size {
            organisations: setting("BENCH_ORGANISATIONS", 2000),
            volunteers: setting("BENCH_VOLUNTEERS", 100_000),
            needs: setting("BENCH_NEEDS", 20_000),
            seed: 1,
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e:#}"));
    println!(
        "{:?}: demo loaded in {:.1} s: {loaded:?}",
        app.database().kind,
        started.elapsed().as_secs_f64()
    );
    loaded
}

/// A member of the first approved organisation, and an open need of it.
async fn member_and_need(db: &sea_orm::DatabaseConnection) -> (i64, i64) {
    let organisation_id = organisation::Entity::find()
        .filter(organisation::Column::Status.eq(VettingStatus::Approved))
        .order_by_asc(organisation::Column::Id)
        .one(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no approved organisation"))
        .id;
    let member_id = organisation_member::Entity::find()
        .filter(organisation_member::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no member"))
        .account_id;
    let need_id = need::Entity::find()
        .filter(need::Column::Status.eq(need::Status::Open))
        .filter(need::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no open need"))
        .id;

    (member_id, need_id)
}

/// The email of account `id`.
async fn email_of(db: &sea_orm::DatabaseConnection, id: i64) -> String {
    account::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("account {id}"))
        .email
}

fn session_of(client: &TestClient) -> String {
    let value = client.session_cookie().unwrap_or_else(|| panic!("not signed in"));
    format!("{}={value}", frontline_tests::SESSION_COOKIE)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: .ci/bench-pages runs it in a release build"]
async fn pages_side_by_side_with_a_bare_hello() {
    let seconds = setting("BENCH_SECONDS", 15);
    let repeat = setting("BENCH_REPEAT", 3);
    let app = TestApp::spawn_with(DbKind::Sqlite, |s| {
        s.db_max_connections = 10;
    })
    .await;
    let loaded = load_large(&app).await;

    let email_of = async |id: i64| email_of(&app.db, id).await;
    let user = |email: String| TestUser {
        id: 0,
        email,
        password: loaded.password.clone(),
        totp_secret: None,
    };
    let volunteer_id = volunteer::Entity::find()
        .filter(volunteer::Column::Status.eq(VettingStatus::Approved))
        .order_by_asc(volunteer::Column::AccountId)
        .one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no approved volunteer"))
        .account_id;
    let (member_id, need_id) = member_and_need(&app.db).await;

    let volunteer = app.client();
    app.sign_in(&volunteer, &user(email_of(volunteer_id).await)).await;
    let member = app.client();
    app.sign_in(&member, &user(email_of(member_id).await)).await;
    let coordinator = app.client();
    let mut coordinator_user = user("coordinator@demo.frontline.example".into());
    app.sign_in(&coordinator, &coordinator_user).await;
    app.enrol_totp(&coordinator, &mut coordinator_user).await;

    println!(
        "memory: {:.0} MB resident with the demo set loaded",
        resident_mb()
    );
    // The first console after start builds the pools.
    let first = Instant::now();
    coordinator
        .get_text(&format!("/coordinator/match/{need_id}"), 200)
        .await;
    println!(
        "first console after start: {:.0} ms; memory: {:.0} MB resident with the pools built",
        first.elapsed().as_secs_f64() * 1000.0,
        resident_mb()
    );
    // A burst of 30 sign-ins at once (Argon2 takes 19 MiB each).
    let volunteer_user = user(email_of(volunteer_id).await);
    let burst: Vec<_> = (0..30)
        .map(|_| {
            let client = app.client();
            let (email, password) = (volunteer_user.email.clone(), volunteer_user.password.clone());
            tokio::spawn(async move {
                client
                    .call("/api/login", &[("email", &email), ("password", &password)])
                    .await
                    .status()
            })
        })
        .collect();
    for task in burst {
        task.await.unwrap_or_else(|e| panic!("{e}"));
    }
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    println!(
        "memory: {:.0} MB resident after a burst of 30 sign-ins",
        resident_mb()
    );

    let pages: Vec<(&str, String, Option<String>)> = vec![
        ("home", "/".into(), None),
        (
            "needs list (volunteer)",
            "/needs".into(),
            Some(session_of(&volunteer)),
        ),
        (
            "a need (member)",
            format!("/needs/{need_id}"),
            Some(session_of(&member)),
        ),
        (
            "engagements (volunteer)",
            "/engagements".into(),
            Some(session_of(&volunteer)),
        ),
        (
            "triage board",
            "/coordinator/triage".into(),
            Some(session_of(&coordinator)),
        ),
        (
            "matching console",
            format!("/coordinator/match/{need_id}"),
            Some(session_of(&coordinator)),
        ),
        (
            "insight dashboard",
            "/coordinator/insight".into(),
            Some(session_of(&coordinator)),
        ),
        ("impact (public)", "/impact".into(), None),
    ];
    let only = std::env::var("BENCH_PAGES").unwrap_or_default();
    let hello = hello().await;
    println!(
        "| page | req/s | p50 ms | p99 ms | ratio to hello | hello req/s | failed | p50 ms, one client |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (name, path, cookie) in pages {
        if !only.is_empty() && !only.split(',').any(|p| name.starts_with(p.trim())) {
            continue;
        }
        // Each page answers 200 as this role before it is measured; this first
        // request finds no cached figures (the insight dashboard's, say). It
        // waits for the last page's load to drain (its p99 is up to a few
        // hundred milliseconds of queued requests), so it is timed alone.
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let probe = app.client();
        let view = || async {
            probe
                .http()
                .get(app.url(&path))
                .header("accept", "text/html")
                .header("cookie", cookie.clone().unwrap_or_default())
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let first = Instant::now();
        let res = view().await;
        assert_eq!(
            res.status(),
            200,
            "{name} {path}: {:?}",
            res.headers().get("location")
        );
        let _ = res.bytes().await;
        let took = first.elapsed().as_secs_f64() * 1000.0;
        // What one more view of the page asks of the database.
        let (sent, written) = (server::db::statements_run(), server::db::writes_run());
        let _ = view().await.bytes().await;
        eprintln!(
            "{name}: the first request took {took:.1} ms; a view sends {} SQL statements ({} not reads)",
            server::db::statements_run() - sent,
            server::db::writes_run() - written,
        );
        let url = app.url(&path);
        let (cookie_for_single, url_for_single) = (cookie.clone(), url.clone());
        let single = tokio::task::spawn_blocking(move || {
            let mut cmd = Command::new("wrk");
            cmd.args(["-t1", "-c1", "-d3s", "--latency", "-H", "Accept: text/html"]);
            if let Some(c) = &cookie_for_single {
                cmd.args(["-H", &format!("Cookie: {c}")]);
            }
            let out = cmd
                .arg(&url_for_single)
                .output()
                .unwrap_or_else(|e| panic!("{e}"));
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .find_map(|l| l.trim().strip_prefix("50%").map(|t| millis(t.trim())))
                .unwrap_or(f64::NAN)
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let mut hellos = Vec::new();
        let mut runs = Vec::new();
        for _ in 0..repeat {
            let hello = hello.clone();
            hellos.push(
                tokio::task::spawn_blocking(move || wrk(&hello, None, seconds))
                    .await
                    .unwrap_or_else(|e| panic!("{e}")),
            );
            let (url, cookie) = (url.clone(), cookie.clone());
            runs.push(
                tokio::task::spawn_blocking(move || wrk(&url, cookie.as_deref(), seconds))
                    .await
                    .unwrap_or_else(|e| panic!("{e}")),
            );
        }
        let hello_rate = median(hellos.iter().map(|r| r.per_second).collect());
        let rate = median(runs.iter().map(|r| r.per_second).collect());
        println!(
            "| {name} | {rate:.0} | {:.1} | {:.1} | {:.4} | {hello_rate:.0} | {} | {single:.1} |",
            median(runs.iter().map(|r| r.p50_ms).collect()),
            median(runs.iter().map(|r| r.p99_ms).collect()),
            rate / hello_rate,
            runs.iter().map(|r| r.failed).sum::<u64>(),
        );
    }
    println!(
        "memory: {:.0} MB resident after the page benchmarks",
        resident_mb()
    );
    console_after_changes(&coordinator, need_id).await;
    exports_stay_flat(&coordinator).await;
}

/// The CSV exports stream: the peak resident memory while each is downloaded
/// (read chunk by chunk, never held) grows by about the same whatever the
/// row count.
async fn exports_stay_flat(coordinator: &TestClient) {
    let from = app::model::day((time::OffsetDateTime::now_utc() - time::Duration::days(730)).date());
    for what in ["organisations", "needs", "volunteers"] {
        let before = resident_mb();
        // Resets the peak (VmHWM) to the present resident size.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let started = Instant::now();
        let mut res = coordinator
            .get(&format!("/coordinator/insight/{what}.csv?from={from}"))
            .await;
        assert_eq!(res.status(), 200, "{what}");
        let (mut bytes, mut rows) = (0_usize, 0_usize);
        while let Some(chunk) = res.chunk().await.unwrap_or_else(|e| panic!("{e}")) {
            bytes += chunk.len();
            rows += chunk.iter().filter(|b| **b == b'\n').count();
        }
        println!(
            "export {what}: {} rows, {:.1} MB in {:.2} s; resident {before:.0} MB before, peak {:.0} MB while streaming",
            rows.saturating_sub(1),
            bytes as f64 / 1e6,
            started.elapsed().as_secs_f64(),
            status_mb("VmHWM:"),
        );
    }
}

/// The console right after a change (goal: it stays instant): the
/// coordinator proposes each of the need's best candidates in turn, and the
/// console page is timed after each proposal.
async fn console_after_changes(coordinator: &TestClient, need_id: i64) {
    let console = coordinator
        .call_json("/api/matching/console", &[("need", &need_id.to_string())])
        .await;
    let candidates: Vec<i64> = console["candidates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["volunteer_id"].as_i64())
        .take(20)
        .collect();
    let mut times = Vec::new();
    let mut refused = 0;
    for volunteer in candidates {
        let res = coordinator
            .call(
                "/api/engagements/propose",
                &[
                    ("need", need_id.to_string().as_str()),
                    ("volunteer", volunteer.to_string().as_str()),
                    ("reason", "benchmark"),
                ],
            )
            .await;
        if res.status().as_u16() >= 400 {
            refused += 1;
        }
        let started = Instant::now();
        coordinator
            .get_text(&format!("/coordinator/match/{need_id}"), 200)
            .await;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let p99 = times.last().copied().unwrap_or(f64::NAN);
    println!(
        "console right after a proposal: {} proposals ({refused} refused); p50 {:.1} ms, max {p99:.1} ms",
        times.len(),
        median(times.clone()),
    );
}

/// Goal 4 of the performance issue, on each database: the first console of a
/// server started on the large set (its pools load in the background at
/// start), and the console right after each kind of change that moves the
/// pools — a proposal, a volunteer's approval, a profile edit, an
/// organisation's rating at completion — five of each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: .ci/bench-pages runs it in a release build"]
async fn console_after_each_kind_of_change() {
    for db in [DbKind::Sqlite, DbKind::Postgres] {
        if db == DbKind::Postgres && std::env::var_os("TEST_POSTGRES_URL").is_none() {
            println!("PostgreSQL: not measured (TEST_POSTGRES_URL is not set)");
            continue;
        }
        console_after_changes_on(db).await;
    }
}

async fn console_after_changes_on(db: DbKind) {
    let loader = TestApp::spawn_with(db, |_| {}).await;
    let loaded = load_large(&loader).await;
    let user = |email: String| TestUser {
        id: 0,
        email,
        password: loaded.password.clone(),
        totp_secret: None,
    };
    let coordinator = loader.client();
    let mut coordinator_user = user("coordinator@demo.frontline.example".into());
    loader.sign_in(&coordinator, &coordinator_user).await;
    loader.enrol_totp(&coordinator, &mut coordinator_user).await;

    // A server started on the loaded set, as an operator starts one.
    let started = Instant::now();
    let app = TestApp::spawn_on_with_clock(loader.database().shared(), loader.clock.clone(), |s| {
        s.db_max_connections = 10;
        s.matcher_warm_up = true;
    })
    .await;
    let coordinator = app.client();
    app.sign_in(&coordinator, &coordinator_user).await;
    let signed_in = started.elapsed();
    let need_id = need::Entity::find()
        .filter(need::Column::Status.eq(need::Status::Open))
        .order_by_asc(need::Column::Id)
        .one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no open need"))
        .id;
    let console = format!("/coordinator/match/{need_id}");
    let first = Instant::now();
    coordinator.get_text(&console, 200).await;
    println!(
        "{db:?}: first console after start: {:.0} ms (asked {:.0} ms after start, once the coordinator had signed in)",
        first.elapsed().as_secs_f64() * 1000.0,
        signed_in.as_secs_f64() * 1000.0,
    );
    let timed = async || {
        let started = Instant::now();
        coordinator.get_text(&console, 200).await;
        started.elapsed().as_secs_f64() * 1000.0
    };
    let report = |kind: &str, times: Vec<f64>, refused: usize| {
        let max = times.iter().copied().fold(f64::NAN, f64::max);
        println!(
            "{db:?}: console right after {kind}: {} changes ({refused} refused); p50 {:.1} ms, max {max:.1} ms",
            times.len(),
            median(times.clone()),
        );
    };
    let refused = |res: reqwest::Response| res.status().as_u16() >= 400;

    // Proposals: the console's best candidates in turn.
    let candidates: Vec<i64> = coordinator
        .call_json("/api/matching/console", &[("need", &need_id.to_string())])
        .await["candidates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["volunteer_id"].as_i64())
        .take(10)
        .collect();
    let (mut times, mut refusals) = (Vec::new(), 0);
    for volunteer in candidates.iter().take(5) {
        let need = need_id.to_string();
        let volunteer = volunteer.to_string();
        let fields = [
            ("need", need.as_str()),
            ("volunteer", &volunteer),
            ("reason", "benchmark"),
        ];
        refusals += usize::from(refused(
            coordinator.call("/api/engagements/propose", &fields).await,
        ));
        times.push(timed().await);
    }
    report("a proposal", times, refusals);

    // Approvals of volunteers waiting for vetting.
    let pending: Vec<i64> = volunteer::Entity::find()
        .filter(volunteer::Column::Status.eq(VettingStatus::Pending))
        .order_by_asc(volunteer::Column::AccountId)
        .limit(5)
        .all(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|v| v.account_id)
        .collect();
    let (mut times, mut refusals) = (Vec::new(), 0);
    for id in pending {
        let id = id.to_string();
        let fields = [("id", id.as_str()), ("decision", "approve"), ("note", "")];
        refusals += usize::from(refused(
            coordinator.call("/api/vetting/volunteer_decide", &fields).await,
        ));
        times.push(timed().await);
    }
    report("an approval", times, refusals);

    // Profile edits by candidates the console shows (not those proposed above).
    let skill = frontline_tests::world::skill(&app, "dmarc").await;
    let (mut times, mut refusals) = (Vec::new(), 0);
    for id in candidates.iter().skip(5) {
        let volunteer = app.client();
        app.sign_in(&volunteer, &user(email_of(&app.db, *id).await)).await;
        let form = frontline_tests::world::profile_form(skill, true);
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        refusals += usize::from(refused(volunteer.call("/api/volunteer/save", &fields).await));
        times.push(timed().await);
    }
    report("a profile edit", times, refusals);

    // Ratings: organisations complete active engagements and rate the help.
    let active: Vec<(i64, i64)> = engagement::Entity::find()
        .filter(engagement::Column::Status.eq(engagement::Status::Active))
        .order_by_asc(engagement::Column::Id)
        .all(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|e| (e.id, e.need_id))
        .take(5)
        .collect();
    let (mut times, mut refusals) = (Vec::new(), 0);
    for (engagement, need) in active {
        let organisation = need::Entity::find_by_id(need)
            .one(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("need {need}"))
            .organisation_id;
        let member = organisation_member::Entity::find()
            .filter(organisation_member::Column::OrganisationId.eq(organisation))
            .one(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no member of {organisation}"))
            .account_id;
        let client = app.client();
        app.sign_in(&client, &user(email_of(&app.db, member).await)).await;
        let id = engagement.to_string();
        let fields = [("id", id.as_str()), ("rating", "5"), ("comment", "benchmark")];
        refusals += usize::from(refused(client.call("/api/engagements/complete", &fields).await));
        times.push(timed().await);
    }
    report("a rating", times, refusals);

    batch_at_full_scale(&app, &coordinator_user, db).await;
}

/// Goal 5 of the performance issue: a batch run over every open need without
/// a live engagement and every approved volunteer, from the request to a
/// preview the coordinator can view, read from the database (a server started
/// without warming its pools, so the run reads them) and again with the pools
/// in memory; then applying the second preview.
async fn batch_at_full_scale(app: &TestApp, coordinator_user: &TestUser, db: DbKind) {
    let cold = TestApp::spawn_on_with_clock(app.database().shared(), app.clock.clone(), |s| {
        s.db_max_connections = 10;
        s.matcher_warm_up = false;
    })
    .await;
    let coordinator = cold.client();
    cold.sign_in(&coordinator, coordinator_user).await;
    let batch = async |kind: &str| {
        let started = Instant::now();
        let res = coordinator.call("/api/matching/batch_start", &[]).await;
        let run = frontline_tests::world::created_id(res, "batch_start").await;
        let view = loop {
            let view = coordinator
                .call_json("/api/matching/batch", &[("id", &run.to_string())])
                .await;
            match view["status"].as_str() {
                Some("running") => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
                Some("ready") => break view,
                other => panic!("batch run {run}: {other:?}: {view}"),
            }
        };
        let summary = &view["summary"];
        println!(
            "{db:?}: batch run {kind}: {} needs x {} volunteers, {} pairs; viewable preview {:.0} ms after the request (computed in {:.0} ms)",
            summary["needs"],
            summary["volunteers"],
            view["pairs_total"],
            started.elapsed().as_secs_f64() * 1000.0,
            summary["seconds"].as_f64().unwrap_or(f64::NAN) * 1000.0,
        );
        run
    };
    batch("reading the pools from the database").await;
    let run = batch("with the pools in memory").await;
    let (started, statements) = (Instant::now(), server::db::statements_run());
    let outcome = coordinator
        .call_json("/api/matching/batch_apply", &[("id", &run.to_string())])
        .await;
    let (elapsed, statements) = (started.elapsed(), server::db::statements_run() - statements);
    let created = outcome["created"].as_u64().unwrap_or_default();
    println!(
        "{db:?}: applying the batch: {:.0} ms ({created} proposals created, {} and {} skipped as stale; {statements} statements, {:.3} per proposal)",
        elapsed.as_secs_f64() * 1000.0,
        outcome["stale_need"],
        outcome["stale_volunteer"],
        statements as f64 / created.max(1) as f64,
    );
}

/// Goal 3 of the performance issue as an operator sees it: the resident
/// memory of a `frontline serve` process (the release binary, started on the
/// large set as `.ci/start` starts it) once its pools are read in the
/// background, after a burst of 30 sign-ins, and after `BENCH_LOAD_SECONDS`
/// (300) of `wrk -c64` on the volunteers' list, a need and the engagements.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: .ci/bench-pages runs it in a release build"]
async fn memory_of_a_server_process() {
    use tokio::io::AsyncBufReadExt as _;
    // target/release/deps/suite-… → target/release/frontline
    let binary = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.join("frontline")))
        .filter(|b| b.exists())
        .unwrap_or_else(|| {
            panic!("no frontline binary beside the tests: cargo build --release -p server --bin frontline")
        });
    let loader = TestApp::spawn_with(DbKind::Sqlite, |_| {}).await;
    let loaded = load_large(&loader).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap_or_else(|e| panic!("{e}"))
        .port();
    let mail = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let mut child = tokio::process::Command::new(&binary)
        .arg("serve")
        .env("DATABASE_URL", &loader.database().url)
        .env("FRONTLINE_ADDR", format!("127.0.0.1:{port}"))
        .env("FRONTLINE_SITE_ROOT", frontline_tests::site_root())
        .env("FRONTLINE_MAIL_DIR", mail.path())
        .env("FRONTLINE_LOG_FILTER", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()));
    let pid = child.id().unwrap_or_else(|| panic!("no pid"));
    let rss = |field: &str| status_mb_of(&pid.to_string(), field);
    // Its log, line by line (both streams, drained to the end).
    let (lines, mut log) = tokio::sync::mpsc::unbounded_channel::<String>();
    for stream in [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn tokio::io::AsyncRead + Unpin + Send>),
    ]
    .into_iter()
    .flatten()
    {
        let lines = lines.clone();
        tokio::spawn(async move {
            let mut reader = tokio::io::BufReader::new(stream).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                let _ = lines.send(line);
            }
        });
    }
    let ready = tokio::time::timeout(std::time::Duration::from_secs(300), async {
        while let Some(line) = log.recv().await {
            if line.contains("matcher pools ready") {
                return line;
            }
        }
        panic!("the server stopped before its pools were ready");
    })
    .await
    .unwrap_or_else(|_| panic!("no \"matcher pools ready\" in the server's log within 5 minutes"));
    tokio::spawn(async move { while log.recv().await.is_some() {} });
    println!(
        "server process: pools ready {:.1} s after start ({}); resident {:.0} MB",
        started.elapsed().as_secs_f64(),
        ready
            .split_whitespace()
            .filter(|w| w.contains('='))
            .collect::<Vec<_>>()
            .join(" "),
        rss("VmRSS:"),
    );
    let base = format!("http://127.0.0.1:{port}");
    // 30 volunteers sign in at once, from 30 addresses (each check is one
    // Argon2 hash of 19 MiB).
    let burst: Vec<_> = (0..30_u8)
        .map(|i| {
            let client = TestClient::at(&base, Some(std::net::IpAddr::from([127, 0, 0, 10 + i])));
            let (email, password) = (
                format!("volunteer{}@demo.frontline.example", usize::from(i) + 1),
                loaded.password.clone(),
            );
            tokio::spawn(async move {
                client
                    .call("/api/login", &[("email", &email), ("password", &password)])
                    .await
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut signed_in = 0;
    for task in burst {
        signed_in += usize::from(task.await.unwrap_or_else(|e| panic!("{e}")) < 400);
    }
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    println!(
        "server process: resident {:.0} MB after a burst of 30 sign-ins ({signed_in} signed in)",
        rss("VmRSS:")
    );
    // Load on the pages a volunteer and a member see.
    let volunteer = TestClient::at(&base, None);
    let member = TestClient::at(&base, None);
    let (member_id, need_id) = member_and_need(&loader.db).await;
    for (client, email) in [
        (&volunteer, "volunteer1@demo.frontline.example".to_owned()),
        (&member, email_of(&loader.db, member_id).await),
    ] {
        let res = client
            .call("/api/login", &[("email", &email), ("password", &loaded.password)])
            .await;
        assert!(res.status().is_success(), "{email}: {}", res.status());
    }
    let load = [
        (format!("{base}/needs"), session_of(&volunteer)),
        (format!("{base}/engagements"), session_of(&volunteer)),
        (format!("{base}/needs/{need_id}"), session_of(&member)),
    ];
    let seconds = setting("BENCH_LOAD_SECONDS", 300) / load.len();
    for (url, cookie) in load {
        let run = tokio::task::spawn_blocking(move || wrk(&url, Some(&cookie), seconds.max(1)))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        println!(
            "server process: {:.0} req/s for {seconds} s ({} failed); resident {:.0} MB",
            run.per_second,
            run.failed,
            rss("VmRSS:")
        );
    }
    println!(
        "server process: resident {:.0} MB after the load, peak {:.0} MB",
        rss("VmRSS:"),
        rss("VmHWM:")
    );
}
