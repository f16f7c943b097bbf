//! The `frontline` binary: refusing to start on bad input, serving, stopping on SIGTERM.

use frontline_tests::{DbKind, TestDatabase, cli};
use std::{process::Output, time::Duration};

fn run(cmd: &mut std::process::Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run frontline: {e}"))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_unreachable_database_stops_the_server_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(cli::command(dir.path())
        .arg("serve")
        .env(
            "DATABASE_URL",
            "postgres://frontline:secret-password@127.0.0.1:1/frontline",
        )
        .env("FRONTLINE_DB_ACQUIRE_TIMEOUT_SECS", "2"));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("cannot connect to the PostgreSQL database"), "{err}");
    assert!(
        !err.contains("secret-password"),
        "the password never reaches the output: {err}"
    );
}

#[test]
fn a_malformed_setting_stops_the_server_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(cli::command(dir.path())
        .arg("serve")
        .env("FRONTLINE_ADDR", "not-an-address"));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("invalid settings") && err.contains("addr"), "{err}");
}

#[test]
fn an_unknown_setting_is_an_error_not_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(cli::command(dir.path())
        .arg("serve")
        .env("FRONTLINE_ADRR", "127.0.0.1:1"));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("unknown field") && err.contains("adrr"), "{err}");
}

#[test]
fn a_nonsensical_setting_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(cli::command(dir.path())
        .arg("serve")
        .env("FRONTLINE_REQUEST_TIMEOUT_SECS", "0"));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("request_timeout_secs") && err.contains("greater than zero"),
        "{err}"
    );
}

#[test]
fn a_config_file_is_read_and_the_environment_wins_over_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("frontline.toml"), "addr = \"bad file value\"\n").unwrap();
    let from_file = run(cli::command(dir.path()).args(["migrate", "status"]));
    assert!(!from_file.status.success(), "the file's bad addr is read");
    assert!(stderr(&from_file).contains("addr"), "{}", stderr(&from_file));

    let overridden = run(cli::command(dir.path())
        .args(["migrate", "status"])
        .env("FRONTLINE_ADDR", "127.0.0.1:0"));
    assert!(overridden.status.success(), "{}", stderr(&overridden));
}

#[test]
fn a_failing_migration_stops_the_server() {
    let dir = tempfile::tempdir().unwrap();
    // A database that already has an `organisation` table the migrations did not make.
    let db = dir.path().join("broken.db");
    let status = std::process::Command::new("python3")
        .args([
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table organisation(x)'); c.commit()",
        ])
        .arg(&db)
        .status()
        .unwrap();
    assert!(status.success());
    let out = run(cli::command(dir.path())
        .arg("serve")
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("FRONTLINE_ADDR", "127.0.0.1:0"));
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("database migration failed"),
        "{}",
        stderr(&out)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("listening on"));
}

#[tokio::test]
async fn serve_answers_then_stops_cleanly_on_sigterm() {
    for kind in [DbKind::Sqlite, DbKind::Postgres] {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDatabase::create(kind).await;
        let mut cmd = cli::command(dir.path());
        cmd.arg("serve")
            .env("DATABASE_URL", &database.url)
            .env("FRONTLINE_ADDR", "127.0.0.1:0")
            .env("FRONTLINE_SITE_ROOT", frontline_tests::site_root());
        let mut server = cli::ServerProcess::start(cmd).unwrap();

        let body = reqwest::get(format!("http://{}/", server.addr))
            .await
            .unwrap()
            .text()
            .await
            .unwrap_or_default();
        assert!(body.contains("data-figure=\"organisations\""), "{body}");

        let pid = server.child.id().to_string();
        let killed = std::process::Command::new("kill").args(["-TERM", &pid]).status();
        assert!(killed.is_ok_and(|s| s.success()));
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(status) = server.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "frontline did not stop on SIGTERM"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(status.success(), "{kind:?}: exit status {status}");
        let lines: Vec<String> = server.lines.try_iter().collect();
        assert!(lines.iter().any(|l| l.contains("SIGTERM received")), "{lines:?}");
    }
}

#[tokio::test]
async fn migrate_reports_status_and_goes_down_and_up() {
    let dir = tempfile::tempdir().unwrap();
    let database = TestDatabase::create(DbKind::Sqlite).await;
    let frontline = |args: &[&str]| {
        let out = run(cli::command(dir.path())
            .args(args)
            .env("DATABASE_URL", &database.url));
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(frontline(&["migrate", "status"]).contains("pending  m20261128_000001_reference"));
    frontline(&["migrate", "up"]);
    assert!(frontline(&["migrate", "status"]).contains("applied  m20261128_000001_reference"));
    frontline(&["migrate", "down", "--steps", "1"]);
    frontline(&["migrate"]);
    assert!(!frontline(&["migrate", "status"]).contains("pending"));
}

/// Four needs (nodes 1–4), volunteers A (node 5, capacity 1) and B (node 6, capacity 2),
/// the sink (node 7). Utilities: need 1 → A 10, → B 8; need 2 → A 9, → B 1; need 3 → B 6;
/// need 4 has no candidate. Taking need 1's best pair first (1→A, then 2→B, 3→B) is worth
/// 17; the optimum gives A to need 2 instead: 2→A 9 + 1→B 8 + 3→B 6 = 23, three assigned.
const TINY_INSTANCE: &str = "\
c a hand-checked b-matching
p min 7 11
n 1 1
n 2 1
n 3 1
n 4 1
n 7 -4
a 1 5 0 1 -10
a 1 6 0 1 -8
a 2 5 0 1 -9
a 2 6 0 1 -1
a 3 6 0 1 -6
a 5 7 0 1 0
a 6 7 0 2 0
a 1 7 0 1 0
a 2 7 0 1 0
a 3 7 0 1 0
a 4 7 0 1 0
";

#[test]
fn bench_solve_prints_the_optimal_cost_without_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tiny.min");
    std::fs::write(&file, TINY_INSTANCE).unwrap();
    // A database that cannot be reached: the command must not try.
    let out = run(cli::command(dir.path())
        .args(["bench", "solve"])
        .arg(&file)
        .env("DATABASE_URL", "postgres://frontline@127.0.0.1:1/frontline"));
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let fields: Vec<&str> = lines[0].split(' ').collect();
    assert_eq!(
        fields[..3],
        ["solver=frontline", "cost=-23", "assigned=3"],
        "{stdout}"
    );
    let seconds = fields[3].strip_prefix("seconds=").unwrap_or_default();
    assert!(
        seconds.parse::<f64>().is_ok() && seconds.split('.').nth(1).map(str::len) == Some(4),
        "{stdout}"
    );
    assert!(!dir.path().join("data").exists(), "no database file is created");
}

#[test]
fn bench_solve_rejects_a_malformed_instance_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.min");
    // Line 9 lacks the arc's cost.
    let broken = TINY_INSTANCE.replace("a 1 6 0 1 -8", "a 1 6 0 1");
    std::fs::write(&file, broken).unwrap();
    let out = run(cli::command(dir.path()).args(["bench", "solve"]).arg(&file));
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("broken.min") && err.contains("line 9") && err.contains("wrong number of fields"),
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("solver="));

    let missing = run(cli::command(dir.path())
        .args(["bench", "solve"])
        .arg(dir.path().join("absent.min")));
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("cannot read"), "{}", stderr(&missing));
}

#[test]
fn matcher_settings_come_from_the_file_and_the_environment_and_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("frontline.toml"),
        "[matcher]\nemerging_bonus = 0.9\n",
    )
    .unwrap();
    let from_file = run(cli::command(dir.path()).args(["migrate", "status"]));
    assert!(!from_file.status.success(), "the bonus is bounded by 0.5");
    let err = stderr(&from_file);
    assert!(err.contains("matcher") && err.contains("emerging bonus"), "{err}");

    let overridden = run(cli::command(dir.path())
        .args(["migrate", "status"])
        .env("FRONTLINE_MATCHER__EMERGING_BONUS", "0.3"));
    assert!(overridden.status.success(), "{}", stderr(&overridden));

    let negative = run(cli::command(dir.path())
        .args(["migrate", "status"])
        .env("FRONTLINE_MATCHER__EMERGING_BONUS", "0.3")
        .env("FRONTLINE_MATCHER__WEIGHTS__SKILL", "-1"));
    assert!(!negative.status.success());
    assert!(
        stderr(&negative).contains("fit weight skill"),
        "{}",
        stderr(&negative)
    );

    std::fs::write(
        dir.path().join("frontline.toml"),
        "[matcher.weights]\nskil = 0.5\n",
    )
    .unwrap();
    let misspelt = run(cli::command(dir.path()).args(["migrate", "status"]));
    assert!(!misspelt.status.success());
    let err = stderr(&misspelt);
    assert!(err.contains("unknown field") && err.contains("skil"), "{err}");
}
