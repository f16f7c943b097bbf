//! `frontline demo`: deterministic, realistic demo data, on both databases.

use entity::{country, engagement, need, need_category, organisation, vetting::VettingStatus, volunteer};
use frontline_tests::{DbKind, TestApp, TestDatabase, cli};
use sea_orm::{EntityTrait as _, PaginatorTrait as _, QueryOrder as _};
use std::collections::{BTreeSet, HashMap};

fn demo(database: &TestDatabase, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = cli::command(dir.path())
        .arg("demo")
        .args(extra)
        .env("DATABASE_URL", &database.url)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn names(app: &TestApp) -> Vec<String> {
    organisation::Entity::find()
        .order_by_asc(organisation::Column::Id)
        .all(&app.db)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.name)
        .collect()
}

#[tokio::test]
async fn demo_data_is_deterministic_realistic_and_loads_on_both_databases() {
    let mut first_names = None;
    for kind in [DbKind::Sqlite, DbKind::Postgres] {
        let database = TestDatabase::create(kind).await;
        let out = demo(
            &database,
            &["--organisations", "60", "--volunteers", "400", "--needs", "200"],
        );
        assert!(
            out.contains("60 organisations") && out.contains("200 needs") && out.contains("400 volunteers"),
            "{out}"
        );
        let again = demo(&database, &["--if-empty"]);
        assert!(again.contains("already holds data"), "{again}");

        let app = TestApp::spawn_on(database, |_| {}).await;
        let names = names(&app).await;
        match &first_names {
            None => first_names = Some(names),
            Some(first) => assert_eq!(
                first, &names,
                "the same seed gives the same data on both databases"
            ),
        }
        // Many countries, every income group.
        let orgs = organisation::Entity::find()
            .all(&app.db)
            .await
            .unwrap_or_default();
        let countries: HashMap<String, String> = country::Entity::find()
            .all(&app.db)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|c| (c.iso2, c.income_group))
            .collect();
        let places: BTreeSet<&str> = orgs.iter().map(|o| o.country_iso2.as_str()).collect();
        assert!(places.len() >= 15, "{places:?}");
        let groups: BTreeSet<&str> = orgs
            .iter()
            .filter_map(|o| countries.get(&o.country_iso2).map(String::as_str))
            .collect();
        for group in ["low", "lower_middle", "upper_middle", "high"] {
            assert!(groups.contains(group), "{group} missing from {groups:?}");
        }
        // Needs in every category and urgency.
        let needs = need::Entity::find().all(&app.db).await.unwrap_or_default();
        let categories = need_category::Entity::find()
            .count(&app.db)
            .await
            .unwrap_or_default();
        let used: BTreeSet<i64> = needs.iter().map(|n| n.category_id).collect();
        assert_eq!(used.len() as u64, categories);
        let urgencies: BTreeSet<String> = needs.iter().map(|n| format!("{:?}", n.urgency)).collect();
        assert_eq!(urgencies.len(), 4, "{urgencies:?}");
        assert!(needs.iter().any(|n| n.status == need::Status::Open));
        let approved = volunteer::Entity::find()
            .all(&app.db)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|v| v.status == VettingStatus::Approved)
            .count();
        assert!(approved > 250, "{approved}");

        // Some needs are under way; held capacity matches the live engagements.
        let engagements = engagement::Entity::find().all(&app.db).await.unwrap_or_default();
        let statuses: BTreeSet<String> = engagements.iter().map(|e| format!("{:?}", e.status)).collect();
        for s in ["Proposed", "Declined", "Expired", "Active", "Completed"] {
            assert!(statuses.contains(s), "{s} missing from {statuses:?}");
        }
        let by_need: HashMap<i64, need::Status> = needs.iter().map(|n| (n.id, n.status)).collect();
        for e in &engagements {
            let n = by_need.get(&e.need_id).copied();
            let fits = match e.status {
                engagement::Status::Active => {
                    matches!(n, Some(need::Status::Matched | need::Status::InProgress))
                }
                engagement::Status::Completed => n == Some(need::Status::Resolved),
                _ => n == Some(need::Status::Open),
            };
            assert!(fits, "engagement {} is {:?} on a {n:?} need", e.id, e.status);
        }
        let mut held: HashMap<i64, (i16, i16)> = HashMap::new();
        for e in engagements.iter().filter(|e| e.holds_capacity) {
            let h = held.entry(e.volunteer_id).or_default();
            h.0 += 1;
            h.1 += e.weekly_hours;
        }
        for v in volunteer::Entity::find().all(&app.db).await.unwrap_or_default() {
            let expected = held.get(&v.account_id).copied().unwrap_or_default();
            assert_eq!(
                (v.active_engagements, v.committed_hours),
                expected,
                "volunteer {}",
                v.account_id
            );
        }

        // The demo accounts work, and new rows get fresh ids after the bulk load.
        let password = out
            .lines()
            .find_map(|l| l.strip_prefix("every demo account's password: "))
            .unwrap_or_default()
            .trim()
            .to_owned();
        let client = app.client();
        let res = client
            .call(
                "/api/login",
                &[
                    ("email", "member1.1@demo.frontline.example"),
                    ("password", &password),
                ],
            )
            .await;
        assert_eq!(res.status(), 200);
        let category = frontline_tests::world::category(&app, "backup_ransomware").await;
        let skill = frontline_tests::world::skill(&app, "restore_testing").await;
        let id = frontline_tests::world::draft_need(
            &client,
            &frontline_tests::world::need_form("New need", category, skill),
        )
        .await;
        assert_eq!(id, 201);
    }
}

/// The value of `key=` in a `bench=…` line.
fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split(' ')
        .find_map(|f| f.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
        .unwrap_or_else(|| panic!("no {key} in {line}"))
}

#[tokio::test]
async fn bench_rank_times_the_ranking_on_the_demo_set_and_refuses_an_empty_database() {
    let database = TestDatabase::create(DbKind::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let bench = |extra: &[&str]| {
        cli::command(dir.path())
            .args(["bench", "rank"])
            .args(extra)
            .env("DATABASE_URL", &database.url)
            .output()
            .unwrap()
    };
    let empty = bench(&[]);
    assert!(!empty.status.success());
    let err = String::from_utf8_lossy(&empty.stderr);
    assert!(err.contains("load the demo set first"), "{err}");

    demo(&database, &["--volunteers", "200", "--needs", "60"]);
    let out = bench(&["--needs", "7", "--repeat", "2"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with("bench=rank "))
        .unwrap_or_else(|| panic!("{stdout}"));
    let app = TestApp::spawn_on(database, |_| {}).await;
    let approved = volunteer::Entity::find()
        .all(&app.db)
        .await
        .unwrap_or_default()
        .iter()
        .filter(|v| v.status == VettingStatus::Approved)
        .count();
    assert_eq!(field(line, "volunteers"), approved.to_string(), "{line}");
    assert_eq!(field(line, "needs"), "7", "{line}");
    assert_eq!(field(line, "top"), "20", "{line}");
    let micros: Vec<f64> = ["median_us", "p99_us", "max_us"]
        .iter()
        .map(|k| {
            field(line, k)
                .parse()
                .unwrap_or_else(|e| panic!("{k}: {e} in {line}"))
        })
        .collect();
    assert!(
        micros[0] > 0.0 && micros[0] <= micros[1] && micros[1] <= micros[2],
        "{line}"
    );
    assert!(
        field(line, "mean_eligible").parse::<u64>().is_ok_and(|n| n > 0),
        "{line}"
    );
}
