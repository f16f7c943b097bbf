//! A small filesystem of its own (tmpfs) that a test can fill and free, to see
//! what the server does when its disk is full.

use std::{
    io::Write as _,
    path::{Path, PathBuf},
    process::Command,
};

/// A tmpfs mounted on a temporary directory; unmounted when dropped.
pub struct SmallDisk {
    dir: tempfile::TempDir,
    filler: PathBuf,
}

impl SmallDisk {
    /// Mounts a tmpfs of `megabytes` MiB, or explains why it cannot: mounting
    /// needs root (CI runs as root). Returns `None` only outside CI, so the
    /// suite in CI never skips it.
    ///
    /// # Panics
    /// When the mount fails under CI.
    #[must_use]
    pub fn mount(megabytes: u32) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let status = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={megabytes}m,mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .status();
        match status {
            Ok(s) if s.success() => {
                let filler = dir.path().join("filler");
                Some(Self { dir, filler })
            }
            other => {
                let why = format!("cannot mount a tmpfs (needs root): {other:?}");
                assert!(std::env::var_os("CI").is_none(), "{why}");
                eprintln!("skipped: {why}");
                None
            }
        }
    }

    /// The mounted directory.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file until the filesystem has no space left; returns its size.
    ///
    /// # Panics
    /// When writing fails for another reason than a full disk.
    pub fn fill(&self) -> u64 {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.filler)
            .unwrap_or_else(|e| panic!("filler: {e}"));
        let block = vec![0xA5_u8; 64 * 1024];
        let mut written = 0_u64;
        loop {
            match file.write(&block) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
        // Whatever the last partial block left.
        let small = [0_u8; 512];
        while let Ok(n) = file.write(&small) {
            if n == 0 {
                break;
            }
            written += n as u64;
        }
        written
    }

    /// Deletes the filler file: the space is free again.
    ///
    /// # Panics
    /// When it cannot be deleted.
    pub fn free(&self) {
        std::fs::remove_file(&self.filler).unwrap_or_else(|e| panic!("freeing the disk: {e}"));
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}
