//! Frontline's end-to-end and service tests, one test binary.
//!
//! Each file beside this one is a module. One binary links the whole server once
//! instead of once per file: 34 binaries took about 19 GB of disk and most of the
//! suite's build time (the linker ran out of disk on CI).

mod access_matrix;
mod advisories;
mod architecture;
mod audit;
mod authentication;
mod backup;
mod bench_pages;
mod browser;
mod browser_accessibility;
mod browser_accounts;
mod browser_advisories;
mod browser_engagements;
mod browser_guidance;
mod browser_insight;
mod browser_mail;
mod browser_matching;
mod browser_organisations;
mod browser_slow_links;
mod cli;
mod concurrency;
mod coordinator_cli;
mod demo;
mod engagements;
mod fast_path;
mod full_disk;
mod fuzz;
mod guidance;
mod insight;
mod languages;
mod locales;
mod mail;
mod matching;
mod migrations;
mod notices;
mod organisations_needs;
mod outage;
mod protections;
mod robustness;
mod sessions;
mod skeleton;
mod suspension;
mod trust;
