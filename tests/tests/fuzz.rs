//! Bad input, systematically: every server function the router serves and every
//! page route, each sent a few hundred generated requests — fields missing,
//! extra, duplicated and mistyped; huge numbers; values of 100 KB and 1 MB;
//! NUL, bidirectional controls and invalid UTF-8; wrong content types; GET on
//! POST routes — as an anonymous visitor and as each role, on both databases.
//! Every answer must come within the request timeout, none may be a 5xx (or a
//! 408: a request that hung), and nothing may panic in the server.
//!
//! The server functions are those registered with the router
//! (`server_fn::axum::server_fn_paths`), so a new one cannot escape; their
//! argument names are read from `app/src/api`, so the generated bodies aim at
//! the fields each one really reads.

use frontline_tests::{DbKind, TestApp, TestClient, db_tests, world};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Generated requests per server function and role.
const PER_FUNCTION: usize = 64;
/// Generated requests per page route and role.
const PER_PAGE: usize = 24;
/// Requests in flight at once.
const IN_FLIGHT: usize = 6;
/// The server's request timeout (its default); the client waits a little longer.
const SERVER_TIMEOUT_SECS: u64 = 30;

/// Panics anywhere in this test process (the server runs in it).
static PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default(info);
    }));
}

/// A small deterministic generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n as u64)).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One argument of a server function: its name and Rust type, as written.
#[derive(Debug, Clone)]
struct Arg {
    name: String,
    ty: String,
}

/// Server functions' arguments by endpoint path (`/api/…`), read from the
/// `#[server(endpoint = "…")]` functions in `app/src/api`.
fn arguments() -> HashMap<String, Vec<Arg>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/api");
    let mut found = HashMap::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (at, _) in text.match_indices("#[server(endpoint = \"") {
            let rest = &text[at + "#[server(endpoint = \"".len()..];
            let Some((endpoint, rest)) = rest.split_once('"') else {
                continue;
            };
            let Some(open) = rest.find("pub async fn ") else {
                continue;
            };
            let rest = &rest[open..];
            let Some(start) = rest.find('(') else { continue };
            // The argument list, up to its matching parenthesis.
            let mut depth = 0;
            let mut end = start;
            for (i, c) in rest[start..].char_indices() {
                match c {
                    '(' | '<' => depth += 1,
                    ')' | '>' => {
                        depth -= 1;
                        if depth == 0 {
                            end = start + i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let list = &rest[start + 1..end];
            let mut args = Vec::new();
            let mut depth = 0;
            let mut current = String::new();
            for c in list.chars() {
                match c {
                    '<' | '(' => depth += 1,
                    '>' | ')' => depth -= 1,
                    _ => {}
                }
                if c == ',' && depth == 0 {
                    args.push(std::mem::take(&mut current));
                } else {
                    current.push(c);
                }
            }
            args.push(current);
            let args = args
                .iter()
                .filter_map(|a| a.split_once(':'))
                .map(|(n, t)| Arg {
                    name: n.trim().to_owned(),
                    ty: t.trim().to_owned(),
                })
                .filter(|a| !a.name.is_empty())
                .collect();
            found.insert(format!("/api/{endpoint}"), args);
        }
    }
    found
}

/// Fields of the forms that post one struct (`input[…]`).
const INPUT_FIELDS: [&str; 30] = [
    "input[title]",
    "input[name]",
    "input[category]",
    "input[urgency]",
    "input[effort_hours]",
    "input[languages][en]",
    "input[languages][ar]",
    "input[mode]",
    "input[public_summary]",
    "input[confidential_details]",
    "input[skill_level][1]",
    "input[skill_weight][1]",
    "input[skill_level][+01]",
    "input[deadline]",
    "input[kind]",
    "input[country]",
    "input[city]",
    "input[size]",
    "input[website]",
    "input[contact_name]",
    "input[contact_email]",
    "input[contact_phone]",
    "input[hours_per_week]",
    "input[max_concurrent]",
    "input[utc_offset]",
    "input[onsite_scope]",
    "input[accept_code_of_conduct]",
    "input[authorisation_name]",
    "input[authorisation_date]",
    "input[employer]",
];

/// Awkward values of every kind.
const NASTY: [&str; 34] = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "307445734561825861",
    "99999999999999999999999999999",
    "1e309",
    "NaN",
    "-0",
    "0.001",
    "1.5",
    "abc",
    "true",
    "null",
    "[]",
    "{}",
    "\0",
    "a\0b",
    "\u{202E}evil\u{202C}",
    "zero\u{200B}width",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "javascript:alert(1)",
    "2026-02-30",
    "99999-01-01",
    "\r\nSet-Cookie: x=y",
    "أمل",
    "%FF%FE",
];

/// A plausible value for an argument of type `ty`.
fn plausible(ty: &str, rng: &mut Rng) -> String {
    let ty = ty.trim_start_matches("Option<").trim_end_matches('>');
    match ty {
        "i64" | "u64" | "i32" | "u32" | "u8" | "i16" => (1 + rng.below(4)).to_string(),
        "bool" => "true".to_owned(),
        _ => rng
            .pick(&[
                "approve",
                "open",
                "hello",
                "volunteer",
                "ada@example.org",
                "5",
                "on",
            ])
            .to_owned(),
    }
}

/// One generated request for a server function.
struct Shot {
    method: reqwest::Method,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    query: String,
}

fn urlencode(fields: &[(String, String)]) -> Vec<u8> {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish()
        .into_bytes()
}

/// The `round`-th generated request for a function taking `args`.
fn shot(args: &[Arg], round: usize, rng: &mut Rng) -> Shot {
    let struct_input = args.iter().any(|a| a.name == "input");
    let names: Vec<String> = if struct_input {
        (0..6).map(|_| rng.pick(&INPUT_FIELDS).to_owned()).collect()
    } else {
        args.iter().map(|a| a.name.clone()).collect()
    };
    let mut fields: Vec<(String, String)> = names
        .iter()
        .map(|n| {
            let ty = args
                .iter()
                .find(|a| &a.name == n)
                .map_or("String", |a| a.ty.as_str());
            (n.clone(), plausible(ty, rng))
        })
        .collect();
    let mut method = reqwest::Method::POST;
    let mut content_type = Some("application/x-www-form-urlencoded");
    let mut raw: Option<Vec<u8>> = None;
    match round % 12 {
        0 => {}
        1 => {
            // A field missing.
            if !fields.is_empty() {
                fields.remove(rng.below(fields.len()));
            }
        }
        2 => {
            // Extra fields, known to other functions or to nobody.
            fields.push((
                rng.pick(&["id", "role", "is_admin", "status", "__proto__", "x"])
                    .to_owned(),
                "1".to_owned(),
            ));
            fields.push((rng.pick(&INPUT_FIELDS).to_owned(), rng.pick(&NASTY).to_owned()));
        }
        3 => {
            // A field twice.
            if let Some(f) = fields.first().cloned() {
                fields.push((f.0, rng.pick(&NASTY).to_owned()));
            }
        }
        4 | 5 => {
            // Every value awkward.
            for f in &mut fields {
                f.1 = rng.pick(&NASTY).to_owned();
            }
        }
        6 => {
            // A value of 100 KB (within the body limit) or 1 MB (beyond it).
            let size = if rng.below(2) == 0 {
                100 * 1024
            } else {
                1024 * 1024
            };
            let big = "A".repeat(size);
            match fields.first_mut() {
                Some(f) => f.1 = big,
                None => fields.push(("x".to_owned(), big)),
            }
        }
        7 => {
            // Invalid UTF-8, percent-encoded and raw.
            let mut body = urlencode(&fields);
            body.extend_from_slice(b"&x=%FF%FE%C0%AF");
            if rng.below(2) == 0 {
                body.extend_from_slice(&[b'&', b'y', b'=', 0xFF, 0xC3, 0x28]);
            }
            raw = Some(body);
        }
        8 => {
            // A wrong content type.
            let (ct, body): (Option<&'static str>, Vec<u8>) = match rng.below(5) {
                0 => (Some("application/json"), b"{\"id\": 1, \"x\": [}".to_vec()),
                1 => (
                    Some("application/json"),
                    b"{\"id\": 99999999999999999999}".to_vec(),
                ),
                2 => (Some("text/plain"), urlencode(&fields)),
                3 => (
                    Some("multipart/form-data; boundary=zz"),
                    b"--zz\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n1\r\n--zz--".to_vec(),
                ),
                _ => (None, urlencode(&fields)),
            };
            content_type = ct;
            raw = Some(body);
        }
        9 => {
            // GET on a POST route, fields in the query.
            method = reqwest::Method::GET;
        }
        10 => {
            // Huge and negative numbers everywhere.
            for f in &mut fields {
                f.1 = rng
                    .pick(&[
                        "9223372036854775807",
                        "-9223372036854775808",
                        "307445734561825861",
                        "1e309",
                        "-1",
                    ])
                    .to_owned();
            }
        }
        _ => {
            // Brackets that try to build odd shapes.
            fields.push(("input[skill_level][]".to_owned(), "3".to_owned()));
            fields.push(("input[[".to_owned(), "1".to_owned()));
            fields.push(("input[languages][en][x]".to_owned(), "on".to_owned()));
        }
    }
    let encoded = urlencode(&fields);
    if method == reqwest::Method::GET {
        return Shot {
            method,
            content_type: None,
            body: Vec::new(),
            query: String::from_utf8(encoded).unwrap_or_default(),
        };
    }
    Shot {
        method,
        content_type,
        body: raw.unwrap_or(encoded),
        query: String::new(),
    }
}

/// What the run saw.
#[derive(Default)]
struct Tally {
    requests: usize,
    statuses: BTreeMap<u16, usize>,
    failures: Vec<String>,
}

impl Tally {
    fn record(&mut self, what: &str, outcome: Result<u16, String>) {
        self.requests += 1;
        match outcome {
            Ok(status) => {
                *self.statuses.entry(status).or_default() += 1;
                if status >= 500 || status == 408 {
                    self.failures.insert(0, format!("{what}: {status}"));
                }
            }
            Err(e) => self.failures.push(format!("{what}: no answer in time ({e})")),
        }
    }
}

async fn send(client: TestClient, path: String, shot: Shot, json: bool) -> Result<u16, String> {
    let url_path = if shot.query.is_empty() {
        path
    } else {
        format!("{path}?{}", shot.query)
    };
    let mut req = client
        .request(shot.method, &url_path)
        .timeout(Duration::from_secs(SERVER_TIMEOUT_SECS + 5))
        .header("sec-fetch-site", "same-origin")
        .header("accept", if json { "application/json" } else { "text/html" });
    if let Some(ct) = shot.content_type {
        req = req.header("content-type", ct);
    }
    if shot.body.len() > 200 * 1024 {
        // The server refuses an oversized body before reading it and closes the
        // connection: do not let the pool hand that connection to another request.
        req = req.header("connection", "close");
    }
    if !shot.body.is_empty() {
        req = req.body(shot.body);
    }
    let res = req.send().await.map_err(|e| format!("{e:?}"))?;
    let status = res.status().as_u16();
    // Read the whole answer: a body cut off mid-way is a failure too.
    res.bytes().await.map_err(|e| e.to_string())?;
    Ok(status)
}

/// Runs `jobs` a few at a time, tallying each.
async fn fire(jobs: Vec<(String, TestClient, String, Shot, bool)>, tally: &mut Tally) {
    let mut jobs = jobs.into_iter();
    loop {
        let batch: Vec<_> = jobs.by_ref().take(IN_FLIGHT).collect();
        if batch.is_empty() {
            break;
        }
        let mut tasks = Vec::new();
        for (what, client, path, shot, json) in batch {
            tasks.push((what, tokio::spawn(send(client, path, shot, json))));
        }
        for (what, task) in tasks {
            let outcome = task.await.unwrap_or_else(|e| Err(format!("client task: {e}")));
            tally.record(&what, outcome);
        }
    }
}

/// Page paths with their parameters filled by `value`.
fn page_paths(value: &str) -> Vec<String> {
    server::startup::page_paths()
        .into_iter()
        .map(|path| {
            let mut out = String::new();
            let mut rest = path.as_str();
            while let Some((before, after)) = rest.split_once('{') {
                out.push_str(before);
                rest = after.split_once('}').map_or("", |(_, r)| r);
                out.push_str(value);
            }
            out.push_str(rest);
            out
        })
        .collect()
}

db_tests! {
    async fn no_input_gets_a_5xx_a_hang_or_a_panic_anywhere(db: DbKind) {
        count_panics();
        let app = TestApp::spawn_with(db, |s| s.request_timeout_secs = SERVER_TIMEOUT_SECS).await;
        let cast = world::cast(&app).await;
        world::propose(&cast.coordinator, cast.need, "ada@volunteers.example").await;
        let roles: Vec<(&str, TestClient)> = vec![
            ("anonymous", app.client()),
            ("volunteer", cast.volunteer.clone()),
            ("member", cast.member.clone()),
            // Last: a coordinator's fuzzed decisions may suspend the others.
            ("coordinator", cast.coordinator.clone()),
        ];
        let args = arguments();
        let mut functions: Vec<(String, reqwest::Method)> = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, method)| (path.to_owned(), reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap_or(reqwest::Method::POST)))
            .collect();
        functions.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(functions.len() >= 60, "the router's server functions: {}", functions.len());
        let unknown: Vec<&String> = functions.iter().map(|f| &f.0).filter(|p| !args.contains_key(*p)).collect();
        assert!(unknown.is_empty(), "server functions whose arguments were not found in app/src/api: {unknown:?}");

        let mut tally = Tally::default();
        let mut rng = Rng(0x5EED_F00D_CAFE_BABE);
        for (role, client) in &roles {
            let mut jobs = Vec::new();
            for (path, _) in &functions {
                // Signing out would end the role's session for the rest of the run.
                if *role != "anonymous" && path.ends_with("/logout") {
                    continue;
                }
                for round in 0..PER_FUNCTION {
                    let shot = shot(&args[path], round, &mut rng);
                    let what = format!("{role} {} {path} (round {round})", shot.method);
                    jobs.push((what, client.clone(), path.clone(), shot, rng.below(4) != 0));
                }
            }
            for round in 0..PER_PAGE {
                let value = match round % 6 {
                    0 => "1".to_owned(),
                    1 => "307445734561825861".to_owned(),
                    2 => "-1".to_owned(),
                    3 => "%FF%FE".to_owned(),
                    4 => "%E2%80%AEevil".to_owned(),
                    _ => "A".repeat(4000),
                };
                let query = match round % 5 {
                    0 => String::new(),
                    1 => "page=307445734561825861&q=%00".to_owned(),
                    2 => "page=-1&status=nonsense&category=abc&urgency=%FF".to_owned(),
                    3 => format!("q={}&page=1&page=2", "x".repeat(8000)),
                    _ => "next=//evil.example&__err=AAAA&region=%E2%80%AE".to_owned(),
                };
                for path in page_paths(&value) {
                    let method = if round % 8 == 7 { reqwest::Method::POST } else { reqwest::Method::GET };
                    let shot = Shot { method, content_type: None, body: Vec::new(), query: query.clone() };
                    let what = format!("{role} page {path}?{query}");
                    jobs.push((what, client.clone(), path, shot, false));
                }
            }
            fire(jobs, &mut tally).await;
        }
        let panics = PANICS.load(Ordering::SeqCst);
        eprintln!(
            "fuzz ({db:?}): {} requests to {} server functions and {} page routes; statuses {:?}; panics {panics}",
            tally.requests,
            functions.len(),
            server::startup::page_paths().len(),
            tally.statuses
        );
        assert!(tally.failures.is_empty(), "{} of {} failed:\n{}", tally.failures.len(), tally.requests, tally.failures.iter().take(40).cloned().collect::<Vec<_>>().join("\n"));
        assert_eq!(panics, 0, "panics in the server");
    }
}
