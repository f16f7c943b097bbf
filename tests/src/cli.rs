//! Running the `frontline` binary itself.

use std::{
    io::{BufRead as _, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

/// The `frontline` binary that `.ci/test` builds before the tests
/// (`TEST_FRONTLINE_BIN` overrides).
///
/// # Panics
/// When it has not been built.
#[must_use]
pub fn binary() -> PathBuf {
    let path = std::env::var_os("TEST_FRONTLINE_BIN")
        .map_or_else(|| crate::site_root().join("../debug/frontline"), PathBuf::from);
    assert!(
        path.exists(),
        "{} does not exist: build it with `cargo build -p server --bin frontline` (.ci/test does)",
        path.display()
    );
    path
}

/// A `frontline` command with none of the caller's `FRONTLINE_*` / `DATABASE_URL`
/// environment, run in a fresh directory so no `.env` or `frontline.toml` leaks in.
#[must_use]
pub fn command(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(binary());
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("FRONTLINE_") || key == "DATABASE_URL" || key == "RUST_LOG" {
            cmd.env_remove(key.as_ref());
        }
    }
    cmd.current_dir(dir).stdin(Stdio::null());
    cmd
}

/// A `frontline serve` process; killed when dropped.
pub struct ServerProcess {
    /// The child process.
    pub child: Child,
    /// Where it listens.
    pub addr: String,
    /// Lines it has written to standard output so far (collected in the background).
    pub lines: mpsc::Receiver<String>,
}

impl ServerProcess {
    /// Starts `cmd` (a `frontline serve` with `FRONTLINE_ADDR=127.0.0.1:0`) and waits
    /// for the line announcing its address.
    ///
    /// # Errors
    /// When it exits or stays silent for 60 s.
    pub fn start(mut cmd: Command) -> anyhow::Result<Self> {
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow::anyhow!("no stdout"))?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .map_err(|_| anyhow::anyhow!("frontline serve did not announce its address"))?;
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let addr = rest.split_whitespace().next().unwrap_or_default().to_owned();
                return Ok(Self {
                    child,
                    addr,
                    lines: rx,
                });
            }
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
