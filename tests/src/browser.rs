//! Headless Chromium, driven through chromedriver's WebDriver protocol.
//!
//! chromedriver (and the Chromium it starts) run in their own process group, which
//! is killed when the [`Browser`] is dropped, so a failing test leaves nothing
//! behind.

use serde_json::{Value, json};
use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// The key under which WebDriver returns element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How a browser is started.
#[derive(Debug, Clone, Copy)]
pub struct BrowserOptions {
    /// Whether JavaScript runs.
    pub javascript: bool,
    /// Window width in CSS pixels.
    pub width: u32,
    /// Window height in CSS pixels.
    pub height: u32,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        Self {
            javascript: true,
            width: 1280,
            height: 900,
        }
    }
}

/// A headless Chromium session.
pub struct Browser {
    http: reqwest::Client,
    session: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// An element on the page.
#[derive(Debug, Clone)]
pub struct Element(String);

/// One line of the browser's console.
#[derive(Debug, Clone)]
pub struct ConsoleEntry {
    /// `SEVERE`, `WARNING`, `INFO`…
    pub level: String,
    /// The message.
    pub message: String,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session.
    ///
    /// # Errors
    /// When chromedriver or Chromium cannot start.
    pub async fn start(options: BrowserOptions) -> anyhow::Result<Self> {
        let port = free_port()?;
        let profile = tempfile::tempdir()?;
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let chromium_bin = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let log = std::fs::File::create(profile.path().join("chromedriver.log"))?;
        let driver = {
            use std::os::unix::process::CommandExt as _;
            Command::new(&driver_bin)
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .process_group(0)
                .spawn()
                .map_err(|e| anyhow::anyhow!("cannot start {driver_bin}: {e}"))?
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()?;
        let mut browser = Self {
            http,
            session: String::new(),
            driver,
            _profile: profile,
        };
        let base = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = browser
                .http
                .get(format!("{base}/status"))
                .send()
                .await
                .ok()
                .filter(|r| r.status().is_success());
            if ready.is_some() {
                break;
            }
            anyhow::ensure!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--no-default-browser-check".to_owned(),
            format!(
                "--user-data-dir={}",
                browser._profile.path().join("profile").display()
            ),
            format!("--window-size={},{}", options.width, options.height),
        ];
        if !options.javascript {
            args.push("--blink-settings=scriptEnabled=false".to_owned());
        }
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "goog:chromeOptions": { "binary": chromium_bin, "args": args },
                    "goog:loggingPrefs": { "browser": "ALL" }
                }
            }
        });
        let res: Value = browser
            .http
            .post(format!("{base}/session"))
            .json(&caps)
            .send()
            .await?
            .json()
            .await?;
        let session = res["value"]["sessionId"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("no WebDriver session: {res}"))?;
        browser.session = format!("{base}/session/{session}");
        Ok(browser)
    }

    async fn command(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let url = format!("{}{}", self.session, path);
        let mut req = self.http.request(method.clone(), &url);
        if let Some(body) = body {
            req = req.json(&body);
        } else if method == reqwest::Method::POST {
            req = req.json(&json!({}));
        }
        let res = req.send().await?;
        let status = res.status();
        let value: Value = res.json().await?;
        anyhow::ensure!(
            status.is_success(),
            "WebDriver {method} {path}: {status} {}",
            value["value"]
        );
        Ok(value["value"].clone())
    }

    /// Navigates to `url` and waits for the load event.
    ///
    /// # Errors
    /// On WebDriver errors.
    pub async fn goto(&self, url: &str) -> anyhow::Result<()> {
        self.command(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await?;
        Ok(())
    }

    /// The current URL.
    ///
    /// # Errors
    /// On WebDriver errors.
    pub async fn current_url(&self) -> anyhow::Result<String> {
        let v = self.command(reqwest::Method::GET, "/url", None).await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Saves a PNG of the window to `path` (directories made as needed), for
    /// people to look at: test artefacts, not assertions.
    ///
    /// # Errors
    /// On WebDriver errors, or when the file cannot be written.
    pub async fn screenshot(&self, path: &std::path::Path) -> anyhow::Result<()> {
        use base64::Engine as _;
        let v = self.command(reqwest::Method::GET, "/screenshot", None).await?;
        let png = base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap_or_default())?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, png)?;
        Ok(())
    }

    /// The page's current HTML.
    ///
    /// # Errors
    /// On WebDriver errors.
    pub async fn source(&self) -> anyhow::Result<String> {
        let v = self.command(reqwest::Method::GET, "/source", None).await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// The first element matching a CSS selector, if any.
    ///
    /// # Errors
    /// On WebDriver errors other than "no such element".
    pub async fn find(&self, css: &str) -> anyhow::Result<Option<Element>> {
        let v = self
            .command(
                reqwest::Method::POST,
                "/elements",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await?;
        Ok(v.as_array()
            .and_then(|a| a.first())
            .and_then(|e| e[ELEMENT_KEY].as_str())
            .map(|id| Element(id.to_owned())))
    }

    /// The first element matching `css`, failing if there is none.
    ///
    /// # Errors
    /// When nothing matches.
    pub async fn get(&self, css: &str) -> anyhow::Result<Element> {
        self.find(css)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no element matches {css}"))
    }

    /// Waits up to `timeout` for `condition` to hold, polling.
    ///
    /// # Errors
    /// When it never holds; `what` names the condition in the message.
    pub async fn wait_until<F, Fut>(
        &self,
        what: &str,
        timeout: Duration,
        mut condition: F,
    ) -> anyhow::Result<()>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = anyhow::Result<bool>>,
    {
        let deadline = Instant::now() + timeout;
        loop {
            if condition().await? {
                return Ok(());
            }
            anyhow::ensure!(Instant::now() < deadline, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks an element.
    ///
    /// # Errors
    /// On WebDriver errors (e.g. the element is hidden).
    pub async fn click(&self, el: &Element) -> anyhow::Result<()> {
        self.command(reqwest::Method::POST, &format!("/element/{}/click", el.0), None)
            .await?;
        Ok(())
    }

    /// Types text into an element.
    ///
    /// # Errors
    /// On WebDriver errors.
    pub async fn type_text(&self, el: &Element, text: &str) -> anyhow::Result<()> {
        self.command(
            reqwest::Method::POST,
            &format!("/element/{}/value", el.0),
            Some(json!({ "text": text })),
        )
        .await?;
        Ok(())
    }

    /// The rendered text of an element.
    ///
    /// # Errors
    /// On WebDriver errors.
    pub async fn text(&self, el: &Element) -> anyhow::Result<String> {
        let v = self
            .command(reqwest::Method::GET, &format!("/element/{}/text", el.0), None)
            .await?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Whether an element is displayed.
    ///
    /// # Errors
    /// On WebDriver errors.
    pub async fn displayed(&self, el: &Element) -> anyhow::Result<bool> {
        let v = self
            .command(
                reqwest::Method::GET,
                &format!("/element/{}/displayed", el.0),
                None,
            )
            .await?;
        Ok(v.as_bool().unwrap_or(false))
    }

    /// An attribute of an element.
    ///
    /// # Errors
    /// On WebDriver errors.
    pub async fn attribute(&self, el: &Element, name: &str) -> anyhow::Result<Option<String>> {
        let v = self
            .command(
                reqwest::Method::GET,
                &format!("/element/{}/attribute/{name}", el.0),
                None,
            )
            .await?;
        Ok(v.as_str().map(ToOwned::to_owned))
    }

    /// Runs a script in the page and returns its result.
    ///
    /// # Errors
    /// On WebDriver or script errors.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> anyhow::Result<Value> {
        self.command(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
        .await
    }

    /// Runs an asynchronous script: its last argument is the callback that
    /// returns a value.
    ///
    /// # Errors
    /// On WebDriver or script errors.
    pub async fn execute_async(&self, script: &str, args: Vec<Value>) -> anyhow::Result<Value> {
        self.command(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
        .await
    }

    /// Resizes the window to `width` × `height` CSS pixels.
    ///
    /// # Errors
    /// On WebDriver errors.
    pub async fn resize(&self, width: u32, height: u32) -> anyhow::Result<()> {
        self.command(
            reqwest::Method::POST,
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        )
        .await?;
        Ok(())
    }

    /// Sets a cookie for the current page's site (path `/`).
    ///
    /// # Errors
    /// On WebDriver errors.
    pub async fn set_cookie(&self, name: &str, value: &str) -> anyhow::Result<()> {
        self.command(
            reqwest::Method::POST,
            "/cookie",
            Some(json!({ "cookie": { "name": name, "value": value, "path": "/" } })),
        )
        .await?;
        Ok(())
    }

    /// Presses keys on the keyboard, one after the other, wherever the focus
    /// is (WebDriver's actions: no element is clicked or focused for it). Use
    /// [`keys`] for Tab, Enter and the like.
    ///
    /// # Errors
    /// On WebDriver errors.
    pub async fn press(&self, text: &str) -> anyhow::Result<()> {
        let actions: Vec<Value> = text
            .chars()
            .flat_map(|c| {
                let c = c.to_string();
                [
                    json!({ "type": "keyDown", "value": c }),
                    json!({ "type": "keyUp", "value": c }),
                ]
            })
            .collect();
        self.command(
            reqwest::Method::POST,
            "/actions",
            Some(json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] })),
        )
        .await?;
        Ok(())
    }

    /// Sends a Chrome DevTools Protocol command    /// Sends a Chrome DevTools Protocol command (through chromedriver) to the
    /// page, such as `Network.emulateNetworkConditions`.
    ///
    /// # Errors
    /// On WebDriver or protocol errors.
    pub async fn cdp(&self, cmd: &str, params: Value) -> anyhow::Result<Value> {
        self.command(
            reqwest::Method::POST,
            "/goog/cdp/execute",
            Some(json!({ "cmd": cmd, "params": params })),
        )
        .await
    }

    /// Runs axe-core (the npm package; its `axe.min.js` is named by
    /// `AXE_CORE_JS`, which `.ci/setup --test` installs) on the page as it is
    /// now, with every rule axe runs by default (WCAG 2.x A and AA and the best
    /// practices), and returns what it found broken.
    ///
    /// # Errors
    /// When axe-core is not installed, or on WebDriver or script errors.
    pub async fn axe(&self) -> anyhow::Result<Vec<AxeViolation>> {
        let source = axe_source()?;
        self.execute(
            &format!("if (!window.axe) {{ {source}\n }} return typeof window.axe;"),
            vec![],
        )
        .await?;
        let found = self
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, { resultTypes: ['violations'] })\
                   .then(r => done(r.violations.map(v => ({\
                     id: v.id, impact: v.impact || '', help: v.help,\
                     nodes: v.nodes.map(n => n.target.join(' ') + ' ' + n.html.slice(0, 160)) }))))\
                   .catch(e => done({ error: String(e) }));",
                vec![],
            )
            .await?;
        if let Some(error) = found.get("error") {
            anyhow::bail!("axe-core failed: {error}");
        }
        Ok(serde_json::from_value(found)?)
    }

    /// The browser console's entries since the last call.
    ///
    /// # Errors
    /// On WebDriver errors.
    pub async fn console(&self) -> anyhow::Result<Vec<ConsoleEntry>> {
        let v = self
            .command(
                reqwest::Method::POST,
                "/se/log",
                Some(json!({ "type": "browser" })),
            )
            .await?;
        Ok(v.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| ConsoleEntry {
                        level: e["level"].as_str().unwrap_or_default().to_owned(),
                        message: e["message"].as_str().unwrap_or_default().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Console entries at level `SEVERE` (errors, failed loads, CSP violations).
    ///
    /// # Errors
    /// On WebDriver errors.
    pub async fn console_errors(&self) -> anyhow::Result<Vec<String>> {
        Ok(self
            .console()
            .await?
            .into_iter()
            .filter(|e| e.level == "SEVERE")
            .map(|e| e.message)
            .collect())
    }
}

/// How long the journey helpers wait for a page to change.
pub const WAIT: Duration = Duration::from_secs(20);

impl Browser {
    /// Types `text` into the element matching `css`.
    ///
    /// # Panics
    /// When there is no such element or it cannot take input.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.get(css).await.unwrap_or_else(|e| panic!("{e:#}"));
        self.type_text(&el, text)
            .await
            .unwrap_or_else(|e| panic!("{css}: {e:#}"));
    }

    /// Empties the field matching `css`.
    ///
    /// # Panics
    /// When there is no such element or it cannot be cleared.
    pub async fn clear(&self, css: &str) {
        let el = self.get(css).await.unwrap_or_else(|e| panic!("{e:#}"));
        self.command(
            reqwest::Method::POST,
            &format!("/element/{}/clear", el.0),
            Some(json!({})),
        )
        .await
        .unwrap_or_else(|e| panic!("{css}: {e:#}"));
    }

    /// Clicks the element matching `css`.
    ///
    /// # Panics
    /// When there is no such element or it cannot be clicked.
    pub async fn click_on(&self, css: &str) {
        let el = self.get(css).await.unwrap_or_else(|e| panic!("{e:#}"));
        self.click(&el).await.unwrap_or_else(|e| panic!("{css}: {e:#}"));
    }

    /// Waits until the URL's path is `path`.
    ///
    /// # Panics
    /// On timeout, showing the page.
    pub async fn wait_for_path(&self, path: &str) {
        let reached = self
            .wait_until(&format!("the page {path}"), WAIT, || async {
                let url = self.current_url().await?;
                let without_query = url.split('?').next().unwrap_or_default().to_owned();
                Ok(without_query.ends_with(path))
            })
            .await;
        if let Err(e) = reached {
            self.fail(&e).await;
        }
    }

    /// Waits until the page's HTML contains `text`.
    ///
    /// # Panics
    /// On timeout, showing the page.
    pub async fn wait_for_text(&self, text: &str) {
        let found = self
            .wait_until(&format!("\"{text}\""), WAIT, || async {
                Ok(self.source().await?.contains(text))
            })
            .await;
        if let Err(e) = found {
            self.fail(&e).await;
        }
    }

    /// With JavaScript, waits until the page's islands have hydrated (the
    /// document gets `data-hydrated`), so forms are enhanced before the test
    /// uses them; a page without an island loads no script to wait for.
    ///
    /// # Panics
    /// On timeout.
    pub async fn settle(&self, javascript: bool) {
        if !javascript {
            return;
        }
        let hydrated = self
            .wait_until("hydration", WAIT, || async {
                let state = self
                    .execute(
                        "return [document.querySelector('leptos-island') !== null, \
                         document.documentElement.hasAttribute('data-hydrated')];",
                        vec![],
                    )
                    .await?;
                Ok(state[0] == false || state[1] == true)
            })
            .await;
        if let Err(e) = hydrated {
            self.fail(&e).await;
        }
    }

    /// Panics with the error, the page's main content and the console.
    async fn fail(&self, error: &anyhow::Error) {
        let page = self.source().await.unwrap_or_default();
        let main: String = page
            .split("<main")
            .nth(1)
            .unwrap_or(&page)
            .chars()
            .take(4000)
            .collect();
        let url = self.current_url().await.unwrap_or_default();
        let console = self.console().await.unwrap_or_default();
        panic!("{error:#}\nat {url}\npage: <main{main}\nconsole: {console:#?}");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // chromedriver leads its own process group, Chromium included.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.wait();
    }
}

/// Keys for [`Browser::press`] (WebDriver's code points).
pub mod keys {
    /// Tab.
    pub const TAB: &str = "\u{E004}";
    /// Enter.
    pub const ENTER: &str = "\u{E007}";
    /// The space bar.
    pub const SPACE: &str = "\u{E00D}";
}

/// A rule axe-core found broken, with the elements that break it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct AxeViolation {
    /// The rule, such as `color-contrast`.
    pub id: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// What the rule asks for.
    pub help: String,
    /// Each offending element: its selector and the start of its HTML.
    pub nodes: Vec<String>,
}

/// axe-core's script, read once.
fn axe_source() -> anyhow::Result<&'static str> {
    static SOURCE: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let path = std::env::var("AXE_CORE_JS").map_err(|_| {
                "AXE_CORE_JS is not set: run .ci/setup --test, then export \
                 AXE_CORE_JS=<tools>/axe-core-<version>/node_modules/axe-core/axe.min.js \
                 (.ci/test does both)"
                    .to_owned()
            })?;
            std::fs::read_to_string(&path).map_err(|e| format!("cannot read axe-core at {path}: {e}"))
        })
        .as_deref()
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// A port that was free a moment ago (for chromedriver, which binds it itself).
fn free_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}
