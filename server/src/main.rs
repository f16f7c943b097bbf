//! The `frontline` binary.

use std::process::ExitCode;

fn main() -> ExitCode {
    match server::cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "frontline stopped with an error");
            eprintln!("frontline: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
