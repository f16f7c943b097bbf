//! SECURITY.md, Reliability: `frontline backup` takes a consistent copy while
//! the server serves and writes; `frontline restore` puts it back, and no
//! session live at backup time comes back with it.

use frontline_tests::{DbKind, TestApp, TestClient, cli, world};
use sea_orm::EntityTrait as _;
use std::{
    collections::HashSet,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

/// Runs `frontline ARGS` on the database at `url`; returns (success, stdout + stderr).
fn frontline(dir: &std::path::Path, url: &str, args: &[&str]) -> (bool, String) {
    let out = cli::command(dir)
        .env("DATABASE_URL", url)
        .env("FRONTLINE_ADDR", "127.0.0.1:9")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("frontline {args:?}: {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

async fn messages(app: &TestApp) -> HashSet<String> {
    entity::message::Entity::find()
        .all(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|m| m.body)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_write_load_restores_and_ends_every_session() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/frontline.db?mode=rwc", dir.path().display());
    let configure = {
        let url = url.clone();
        move |s: &mut server::settings::Settings| s.database_url = url.into()
    };
    let app = TestApp::spawn_with(DbKind::Sqlite, configure.clone()).await;
    let cast = world::cast(&app).await;
    let engagement = world::propose(&cast.coordinator, cast.need, "ada@volunteers.example").await;

    // Writers post messages all along; each knows what was acknowledged.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for (w, client) in [
        cast.member.clone(),
        cast.volunteer.clone(),
        cast.member.clone(),
        cast.volunteer.clone(),
    ]
    .into_iter()
    .enumerate()
    {
        let (stop, acknowledged) = (stop.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                let body = format!("w{w}-{n}");
                n += 1;
                let res = client
                    .call(
                        "/api/engagements/message",
                        &[("id", &engagement.to_string()), ("body", &body)],
                    )
                    .await;
                if res.status().is_success() {
                    acknowledged.lock().unwrap_or_else(|e| e.into_inner()).push(body);
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Everything acknowledged before the backup starts must be in it.
    let before_backup: Vec<String> = acknowledged.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(!before_backup.is_empty(), "the writers wrote nothing");
    let file = dir.path().join("backup.sqlite");
    let (ok, output) = tokio::task::spawn_blocking({
        let (dir, url, file) = (dir.path().to_owned(), url.clone(), file.clone());
        move || frontline(&dir, &url, &["backup", &file.to_string_lossy()])
    })
    .await
    .unwrap();
    assert!(ok, "backup failed: {output}");
    assert!(output.contains("backup written"), "{output}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }
    let all_acknowledged = acknowledged.lock().unwrap_or_else(|e| e.into_inner()).len();

    // A second backup to the same file is refused, not overwritten.
    let (ok, output) = frontline(dir.path(), &url, &["backup", &file.to_string_lossy()]);
    assert!(!ok && output.contains("exists already"), "{output}");
    // Restoring while the server runs is refused.
    let (ok, output) = {
        let out = cli::command(dir.path())
            .env("DATABASE_URL", &url)
            .env("FRONTLINE_ADDR", app.addr.to_string())
            .args(["restore", &file.to_string_lossy()])
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert!(!ok && output.contains("stop Frontline"), "{output}");

    let member_cookie = cast
        .member
        .session_cookie()
        .unwrap_or_else(|| panic!("member has no session"));
    app.stop().await;

    // Not a backup: refused, the database untouched.
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, b"not a database").unwrap();
    let (ok, output) = frontline(dir.path(), &url, &["restore", &junk.to_string_lossy()]);
    assert!(!ok, "a junk file was restored: {output}");

    let (ok, output) = frontline(dir.path(), &url, &["restore", &file.to_string_lossy()]);
    assert!(ok, "restore failed: {output}");
    println!("{output}");

    let app = TestApp::spawn_with(DbKind::Sqlite, configure).await;
    let restored = messages(&app).await;
    let missing: Vec<&String> = before_backup.iter().filter(|b| !restored.contains(*b)).collect();
    println!(
        "backup under load: {} messages acknowledged before the backup, {} in all; {} restored, {} missing",
        before_backup.len(),
        all_acknowledged,
        restored.len(),
        missing.len()
    );
    assert!(
        missing.is_empty(),
        "acknowledged before the backup, missing after restore: {missing:?}"
    );
    assert!(
        restored.len() <= all_acknowledged,
        "the restore holds writes nobody made"
    );
    // The session the member had when the backup was taken is gone.
    let replay: TestClient = app.client().with_session_cookie(&member_cookie);
    assert_eq!(replay.whoami().await, None, "a session from the backup came back");
    app.client().get_text("/readyz", 200).await;
}

#[tokio::test]
async fn on_postgresql_the_commands_say_how_to_use_pg_dump() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["backup", "restore"] {
        let (ok, output) = frontline(
            dir.path(),
            "postgres://nobody@127.0.0.1:1/none",
            &[command, "x.dump"],
        );
        assert!(!ok, "{command} on PostgreSQL must not pretend: {output}");
        assert!(
            output.contains("pg_dump") && output.contains("pg_restore"),
            "{output}"
        );
    }
}
