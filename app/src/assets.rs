//! The site's static files as pages link to them: each URL carries a version
//! taken from the file's content (`/pkg/frontline.css?v=3f2a…`), so a browser
//! may keep it for a year and a new build is fetched at once; and the script
//! that loads the wasm bundle only on pages that have an island.

use std::{collections::HashMap, path::Path};

/// The site's files, by the path they are served at, with their versions.
#[derive(Clone, Debug, Default)]
pub struct Assets {
    versions: HashMap<String, String>,
}

/// Hex digits of a content hash kept in a version: 64 bits tell builds apart.
const VERSION_LEN: usize = 16;

impl Assets {
    /// Reads the files under `site_root` (its top level and `pkg/`), hashing
    /// each. A site that is not built gives URLs without versions.
    #[must_use]
    pub fn load(site_root: &Path) -> Self {
        use sha2::Digest as _;
        let mut versions = HashMap::new();
        for dir in ["", "pkg"] {
            let Ok(entries) = std::fs::read_dir(site_root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if !path.is_file() || name.ends_with(".gz") || name.ends_with(".br") {
                    continue;
                }
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                let digest = sha2::Sha256::digest(&bytes);
                let mut hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                hex.truncate(VERSION_LEN);
                let served = if dir.is_empty() {
                    format!("/{name}")
                } else {
                    format!("/{dir}/{name}")
                };
                versions.insert(served, hex);
            }
        }
        Self { versions }
    }

    /// The URL a page links to for the file served at `path`.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        match self.versions.get(path) {
            Some(version) => format!("{path}?v={version}"),
            None => path.to_owned(),
        }
    }

    /// True when `version` is the current version of the file at `path`: the
    /// response may then be cached for good.
    #[must_use]
    pub fn is_current(&self, path: &str, version: &str) -> bool {
        self.versions.get(path).is_some_and(|v| v == version)
    }

    /// The module script that hydrates the page's islands: it fetches the
    /// bundle (JavaScript glue and wasm) only when the page has an island, so
    /// pages without one load no wasm at all. Module scripts run once the
    /// document is parsed, so every island is in it by then.
    #[must_use]
    pub fn island_script(&self, pkg: &str, name: &str) -> String {
        let js = self.url(&format!("/{pkg}/{name}.js"));
        let wasm = self.url(&format!("/{pkg}/{name}.wasm"));
        format!("if (document.querySelector(\"leptos-island\")) {{ ({ISLANDS})({js:?}, {wasm:?}); }}")
    }
}

/// Leptos's island hydration script (leptos 0.8, `hydration/island_script.js`),
/// taking the two URLs whole so that they can carry versions, and marking the
/// document `data-hydrated` once every island is (tests wait for it).
const ISLANDS: &str = include_str!("assets/islands.js");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_content_and_skip_compressed_copies() {
        let dir = std::env::temp_dir().join(format!("frontline-assets-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("pkg/frontline.css"), "a{}").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("pkg/frontline.css.gz"), "zz").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join("favicon.svg"), "<svg/>").unwrap_or_else(|e| panic!("{e}"));
        let first = Assets::load(&dir);
        let url = first.url("/pkg/frontline.css");
        let version = url
            .strip_prefix("/pkg/frontline.css?v=")
            .unwrap_or_else(|| panic!("{url}"));
        assert_eq!(version.len(), VERSION_LEN);
        assert!(first.is_current("/pkg/frontline.css", version));
        assert!(!first.is_current("/pkg/frontline.css", "0000000000000000"));
        assert!(first.url("/favicon.svg").starts_with("/favicon.svg?v="));
        assert_eq!(first.url("/pkg/frontline.css.gz"), "/pkg/frontline.css.gz");
        assert_eq!(first.url("/pkg/missing.js"), "/pkg/missing.js");

        std::fs::write(dir.join("pkg/frontline.css"), "b{}").unwrap_or_else(|e| panic!("{e}"));
        let second = Assets::load(&dir);
        assert_ne!(
            second.url("/pkg/frontline.css"),
            url,
            "a new build gets a new URL"
        );
        assert!(!second.is_current("/pkg/frontline.css", version));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn the_island_script_loads_the_bundle_only_where_there_is_an_island() {
        let script = Assets::default().island_script("pkg", "frontline");
        assert!(
            script.starts_with("if (document.querySelector(\"leptos-island\"))"),
            "{script}"
        );
        assert!(
            script.contains("(\"/pkg/frontline.js\", \"/pkg/frontline.wasm\")"),
            "{script}"
        );
    }
}
