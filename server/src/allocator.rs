//! How `frontline serve` configures its allocator.
//!
//! mimalloc gives the pages a program frees back to the system only once they
//! have stayed free for its purge delay (a second by default), and only when
//! the thread that freed them calls into it again. Reading the matcher's pools
//! at start and each burst of sign-ins (19 MiB per Argon2 check) free tens of
//! megabytes on threads that may then sit idle: on the large demo set the
//! server stayed 30 MB above what it used. With a purge delay of 0, freed
//! pages go back at once, at no throughput cost we could measure.
//!
//! mimalloc reads its options from the environment once, as the process
//! starts, before `main`; safe Rust cannot set them afterwards. So `serve`
//! starts itself again in the same process (`exec`: same process id,
//! arguments, standard streams and environment) with the options the
//! environment does not set yet. An operator's own `MIMALLOC_*` settings win.

use std::{ffi::OsString, os::unix::process::CommandExt as _, process::Command};

/// mimalloc's options `serve` runs with, unless the environment sets them.
pub const OPTIONS: [(&str, &str); 1] = [("MIMALLOC_PURGE_DELAY", "0")];

/// Those of [`OPTIONS`] that `set` (whether the environment sets a variable)
/// says are not set.
pub fn missing(set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    OPTIONS.into_iter().filter(|(name, _)| !set(name)).collect()
}

/// Starts this program again with the allocator options the environment
/// lacks; returns only when none is missing, or (with the reason, for the log)
/// when the program cannot be started again, and then it runs on with
/// mimalloc's defaults.
#[must_use]
pub fn configure() -> Option<String> {
    let missing = missing(|name| std::env::var_os(name).is_some());
    if missing.is_empty() {
        return None;
    }
    let program = match std::env::current_exe() {
        Ok(program) => program,
        Err(e) => return Some(format!("cannot find this program to apply {missing:?}: {e}")),
    };
    let mut args = std::env::args_os();
    let name = args.next().unwrap_or_else(|| OsString::from("frontline"));
    let error = Command::new(&program)
        .arg0(name)
        .args(args)
        .envs(missing.iter().copied())
        .exec();
    Some(format!(
        "cannot start {} again to apply {missing:?}: {error}",
        program.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_options_the_environment_lacks_are_added() {
        assert_eq!(missing(|_| false), vec![("MIMALLOC_PURGE_DELAY", "0")]);
        assert!(missing(|name| name == "MIMALLOC_PURGE_DELAY").is_empty());
        // Once added, they are set: the program started again does not start
        // itself once more.
        let added = missing(|_| false);
        assert!(missing(|name| added.iter().any(|(n, _)| *n == name)).is_empty());
    }
}
