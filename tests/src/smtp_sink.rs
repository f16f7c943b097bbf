//! A real SMTP server on loopback for the mail tests: a tokio listener speaking
//! enough SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) to receive what
//! Frontline sends over TCP, keeping each message it accepted. It can be stopped
//! (connections refused) and started again on the same port, asked to refuse
//! every message with a permanent error, or to stall (accept connections and never
//! answer, as a hung server does).

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::{
    io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader},
    net::{TcpListener, TcpStream},
    task::JoinSet,
};

/// One message the sink accepted.
#[derive(Debug, Clone)]
pub struct Received {
    /// `MAIL FROM`.
    pub from: String,
    /// `RCPT TO`, each.
    pub to: Vec<String>,
    /// The message as sent (headers and body, dot-unstuffed).
    pub data: String,
}

impl Received {
    /// The first header named `name` (case-insensitive), unfolded.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or("");
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(v) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    v.push(' ');
                    v.push_str(line.trim());
                    continue;
                }
                break;
            }
            if let Some((key, rest)) = line.split_once(':')
                && key.eq_ignore_ascii_case(name)
            {
                value = Some(rest.trim().to_owned());
            }
        }
        value
    }

    /// The message's parts of content type `mime` (`text/plain`, `text/html`),
    /// decoded from quoted-printable or base64 if need be.
    #[must_use]
    pub fn parts(&self, mime: &str) -> Vec<String> {
        let mut out = Vec::new();
        for chunk in self.data.split("\r\n--") {
            let Some((head, body)) = chunk.split_once("\r\n\r\n") else {
                continue;
            };
            let lower = head.to_ascii_lowercase();
            if !lower.contains(&format!("content-type: {mime}")) {
                continue;
            }
            let body = body.split("\r\n--").next().unwrap_or(body);
            if lower.contains("content-transfer-encoding: quoted-printable") {
                out.push(decode_quoted_printable(body));
            } else if lower.contains("content-transfer-encoding: base64") {
                out.push(decode_base64(body));
            } else {
                out.push(body.to_owned());
            }
        }
        out
    }

    /// The plain-text alternative.
    ///
    /// # Panics
    /// When there is not exactly one.
    #[must_use]
    pub fn text(&self) -> String {
        let parts = self.parts("text/plain");
        assert_eq!(parts.len(), 1, "one text/plain part in:\n{}", self.data);
        parts.into_iter().next().unwrap_or_default()
    }

    /// The HTML alternative.
    ///
    /// # Panics
    /// When there is not exactly one.
    #[must_use]
    pub fn html(&self) -> String {
        let parts = self.parts("text/html");
        assert_eq!(parts.len(), 1, "one text/html part in:\n{}", self.data);
        parts.into_iter().next().unwrap_or_default()
    }

    /// The first `http(s)://…` link in the plain text starting with `prefix`.
    #[must_use]
    pub fn link(&self, prefix: &str) -> Option<String> {
        self.text()
            .split_whitespace()
            .find(|w| w.starts_with(prefix))
            .map(ToOwned::to_owned)
    }
}

fn decode_quoted_printable(body: &str) -> String {
    let mut bytes = Vec::with_capacity(body.len());
    let raw = body.replace("=\r\n", "");
    let mut it = raw.bytes().peekable();
    while let Some(b) = it.next() {
        if b == b'=' {
            let hi = it.next();
            let lo = it.next();
            if let (Some(hi), Some(lo)) = (hi, lo)
                && let Ok(v) = u8::from_str_radix(&format!("{}{}", char::from(hi), char::from(lo)), 16)
            {
                bytes.push(v);
                continue;
            }
            bytes.push(b'=');
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn decode_base64(body: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0_u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in body.bytes() {
        let Some(v) = ALPHABET.iter().position(|&a| a == c) else {
            continue;
        };
        bits = (bits << 6) | u32::try_from(v).unwrap_or(0);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push(u8::try_from((bits >> count) & 0xff).unwrap_or(0));
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Default)]
struct Shared {
    received: Vec<Received>,
    refuse: bool,
    stall: bool,
}

/// The SMTP sink.
pub struct SmtpSink {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    tasks: Option<JoinSet<()>>,
}

impl SmtpSink {
    /// Starts a sink on a free loopback port.
    ///
    /// # Panics
    /// When it cannot bind.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("smtp sink bind: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
        let mut sink = Self {
            addr,
            shared: Arc::default(),
            tasks: None,
        };
        sink.serve(listener);
        sink
    }

    /// `smtp://127.0.0.1:PORT?tls=none`, for Frontline's `smtp_url`.
    #[must_use]
    pub fn url(&self) -> String {
        format!("smtp://{}?tls=none", self.addr)
    }

    fn serve(&mut self, listener: TcpListener) {
        let shared = self.shared.clone();
        let mut tasks = JoinSet::new();
        let (conn_tx, mut conn_rx) = tokio::sync::mpsc::unbounded_channel::<TcpStream>();
        tasks.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                if conn_tx.send(stream).is_err() {
                    return;
                }
            }
        });
        tasks.spawn(async move {
            let mut sessions = JoinSet::new();
            while let Some(stream) = conn_rx.recv().await {
                sessions.spawn(session(stream, shared.clone()));
            }
        });
        self.tasks = Some(tasks);
    }

    /// Stops listening and drops every open connection: mail cannot get through.
    pub async fn stop(&mut self) {
        if let Some(mut tasks) = self.tasks.take() {
            tasks.shutdown().await;
        }
    }

    /// Starts listening again on the same port.
    ///
    /// # Panics
    /// When the port cannot be bound again.
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = TcpListener::bind(self.addr)
            .await
            .unwrap_or_else(|e| panic!("smtp sink rebind {}: {e}", self.addr));
        self.serve(listener);
    }

    /// From now on, refuse every message with `550` (a permanent error), or not.
    pub fn refuse(&self, refuse: bool) {
        self.lock().refuse = refuse;
    }

    /// From now on, accept new connections but never answer on them, or not.
    pub fn stall(&self, stall: bool) {
        self.lock().stall = stall;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every message accepted so far.
    #[must_use]
    pub fn received(&self) -> Vec<Received> {
        self.lock().received.clone()
    }

    /// Waits until at least `n` messages arrived (at most `within`); returns them all.
    ///
    /// # Panics
    /// When fewer arrived in time.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "expected {n} mails within {within:?}, got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits (at most 20 s) for a message to `to` whose subject starts with
    /// `subject`; returns it.
    ///
    /// # Panics
    /// When none arrived in time (the subjects received are shown).
    pub async fn mail_to(&self, to: &str, subject: &str) -> Received {
        for _ in 0..1000 {
            if let Some(mail) = self
                .received()
                .into_iter()
                .find(|m| m.to == [to] && m.header("Subject").is_some_and(|s| s.starts_with(subject)))
            {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let subjects: Vec<_> = self
            .received()
            .iter()
            .map(|m| (m.to.clone(), m.header("Subject")))
            .collect();
        panic!("no mail \"{subject}…\" to {to}: {subjects:?}");
    }
}

/// One SMTP conversation.
async fn session(stream: TcpStream, shared: Arc<Mutex<Shared>>) {
    let stall = shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .stall;
    if stall {
        // Hold the connection open, say nothing.
        let _keep = stream;
        std::future::pending::<()>().await;
        return;
    }
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if !reply(&mut write, "220 sink.test ESMTP ready\r\n").await {
        return;
    }
    let mut from = String::new();
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        let answer = if upper.starts_with("EHLO") {
            "250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n".to_owned()
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            "250 OK\r\n".to_owned()
        } else if upper.starts_with("RSET") {
            from.clear();
            to.clear();
            "250 OK\r\n".to_owned()
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&command["MAIL FROM:".len()..]);
            to.clear();
            "250 OK\r\n".to_owned()
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&command["RCPT TO:".len()..]));
            "250 OK\r\n".to_owned()
        } else if upper == "DATA" {
            if !reply(&mut write, "354 go ahead\r\n").await {
                return;
            }
            let mut data = String::new();
            loop {
                line.clear();
                match lines.read_line(&mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let unstuffed = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(unstuffed);
            }
            let mut shared = shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if shared.refuse {
                "550 5.7.1 refused by the test\r\n".to_owned()
            } else {
                shared.received.push(Received {
                    from: from.clone(),
                    to: std::mem::take(&mut to),
                    data,
                });
                "250 OK queued\r\n".to_owned()
            }
        } else if upper == "QUIT" {
            let _ = reply(&mut write, "221 bye\r\n").await;
            return;
        } else {
            "500 unknown command\r\n".to_owned()
        };
        if !reply(&mut write, &answer).await {
            return;
        }
    }
}

async fn reply(w: &mut tokio::net::tcp::OwnedWriteHalf, text: &str) -> bool {
    w.write_all(text.as_bytes()).await.is_ok()
}

/// `<a@b> SIZE=…` → `a@b`.
fn address(rest: &str) -> String {
    let rest = rest.trim();
    let inner = rest
        .strip_prefix('<')
        .and_then(|r| r.split_once('>'))
        .map_or(rest, |(a, _)| a);
    inner.to_owned()
}

/// Settings that send Frontline's mail to `sink`, looking for mail every 20 ms.
pub fn settings_for(sink: &SmtpSink) -> impl FnOnce(&mut server::settings::Settings) + use<> {
    let url = sink.url();
    move |s| {
        s.smtp_url = Some(url.into());
        s.mail_poll_millis = 20;
        s.mail_timeout_secs = 5;
    }
}
