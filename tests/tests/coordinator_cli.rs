//! `frontline coordinator create`: the first coordinator comes from the command
//! line, with the password on standard input.

use frontline_tests::{DbKind, TestDatabase, cli, users::PASSWORD};
use std::io::Write as _;

fn create(database: &TestDatabase, password: &str) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut child = cli::command(dir.path())
        .args([
            "coordinator",
            "create",
            "--email",
            "First@Example.org",
            "--name",
            "First Coordinator",
        ])
        .env("DATABASE_URL", &database.url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    if let Some(stdin) = child.stdin.as_mut() {
        writeln!(stdin, "{password}").unwrap_or_else(|e| panic!("{e}"));
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn the_first_coordinator_is_created_from_the_command_line() {
    for kind in [DbKind::Sqlite, DbKind::Postgres] {
        let database = TestDatabase::create(kind).await;
        let weak = create(&database, "password1234");
        assert!(!weak.status.success());
        assert!(
            String::from_utf8_lossy(&weak.stderr).contains("password"),
            "{}",
            String::from_utf8_lossy(&weak.stderr)
        );

        let out = create(&database, PASSWORD);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("coordinator first@example.org created"));

        let again = create(&database, PASSWORD);
        assert!(!again.status.success(), "the email is taken");

        let app = frontline_tests::TestApp::spawn_on(database, |_| {}).await;
        let client = app.client();
        let res = client
            .call(
                "/api/login",
                &[("email", "first@example.org"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(res.status(), 200);
        let res = client.get("/coordinator").await;
        assert_eq!(res.status(), 302, "must enrol a second factor first");
    }
}
