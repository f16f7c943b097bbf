//! Generates the `i18n` module from `locales/*.json` into `OUT_DIR`; `src/lib.rs`
//! includes it.
//!
//! leptos_i18n's build-script generator rather than its `load_locales!` macro: only
//! here can `interpolate_display` be turned on, which the mail templates need to
//! interpolate values with `td_string!` outside a reactive context.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos, options::CodegenOptions};
use std::{error::Error, path::PathBuf};

/// The default locale; the others are added next to it.
const DEFAULT_LOCALE: &str = "en";
/// The locales besides the default one (each a `locales/<name>.json`).
const OTHER_LOCALES: [&str; 4] = ["fr", "es", "pt", "ar"];

/// Lints the generated code trips and the workspace denies. `allow` rather than
/// `expect`: which of them fire depends on the keys (a key named `new` trips
/// `new_ret_no_self`), and the code is not ours to change.
const GENERATED_CODE_LINTS: &str =
    "#![allow(unused_qualifications, clippy::expect_used, clippy::new_ret_no_self)]";

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    // The whole directory, so a new locale's file is picked up as well.
    println!("cargo::rerun-if-changed=locales");

    let config = Config::new(DEFAULT_LOCALE)?
        .add_locales(OTHER_LOCALES)?
        .locales_path("locales")
        .parse_options(ParseOptions::new().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.rerun_if_locales_changed();
    translations.emit_diagnostics();

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?).join("i18n");
    let options = CodegenOptions::new().top_level_attributes(Some(GENERATED_CODE_LINTS.parse()?));
    translations.generate_i18n_module_with_options(out_dir, options)?;
    Ok(())
}
