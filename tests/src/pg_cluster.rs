//! A PostgreSQL cluster of a test's own, which the test may stop and start
//! again (the shared cluster of `.ci/test` serves every other test at once).

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

/// A throwaway cluster on a private Unix socket; removed when dropped.
pub struct PgCluster {
    dir: tempfile::TempDir,
    bindir: PathBuf,
    as_postgres: bool,
}

/// The newest installed PostgreSQL server binaries.
fn bindir() -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .unwrap_or_else(|e| panic!("no PostgreSQL server binaries under /usr/lib/postgresql: {e}"))
        .filter_map(Result::ok)
        .map(|d| d.path().join("bin"))
        .filter(|d| d.join("initdb").exists())
        .collect();
    dirs.sort_by_key(|d| {
        d.parent()
            .and_then(Path::file_name)
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop()
        .unwrap_or_else(|| panic!("no initdb under /usr/lib/postgresql/*/bin"))
}

impl PgCluster {
    /// Creates and starts a cluster.
    ///
    /// # Panics
    /// When it cannot be created or started.
    #[must_use]
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let as_postgres = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        if as_postgres {
            let ok = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(dir.path())
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "cannot give the cluster directory to postgres");
        }
        let cluster = Self {
            dir,
            bindir: bindir(),
            as_postgres,
        };
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.data().to_string_lossy(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        cluster.resume();
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bindir.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let out = cmd
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{tool}: {e}"));
        assert!(
            out.status.success(),
            "{tool} {args:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts the (stopped) cluster and waits until it accepts connections.
    ///
    /// # Panics
    /// When it does not start.
    pub fn resume(&self) {
        let socket_dir = self.dir.path().to_string_lossy().into_owned();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-l",
                &self.dir.path().join("server.log").to_string_lossy(),
                "-w",
                "-s",
                "-o",
                &format!("-k {socket_dir} -c listen_addresses='' -c fsync=off -c max_connections=100"),
                "start",
            ],
        );
    }

    /// Stops the cluster (fast shutdown: sessions are cut, as in an outage).
    ///
    /// # Panics
    /// When it does not stop.
    pub fn stop(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data().to_string_lossy(),
                "-m",
                "fast",
                "-w",
                "-s",
                "stop",
            ],
        );
    }

    /// The administrative URL (database `postgres`).
    #[must_use]
    pub fn url(&self) -> String {
        format!(
            "postgres://postgres@localhost/postgres?host={}",
            self.dir.path().display()
        )
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let program = self.bindir.join("pg_ctl");
        let data = self.data();
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let _ = cmd
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-s", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}
