//! The built `why402` binary: exit codes, output shapes, escaping, colour, errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

mod support;
use support::outside_code;

const BIN: &str = env!("CARGO_BIN_EXE_why402");
const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/sample.har");

/// A fresh temporary directory for one test (removed at the end of the test).
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("why402-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, content).expect("write temp file");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    run_env(args, stdin, &[])
}

fn run_env(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run why402");
    if let Some(mut input) = child.stdin.take() {
        // The program may stop reading early; that is not this test's concern.
        let _ = input.write_all(stdin);
    }
    child.wait_with_output().expect("wait for why402")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally, not by a signal")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn har(entries: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec_pretty(&json!({"log": {"version": "1.2", "entries": entries}}))
        .expect("serialise")
}

fn entry(method: &str, url: &str, status: u16, headers: Value, body: &str) -> Value {
    json!({
        "startedDateTime": "2026-11-25T10:00:00Z",
        "request": {"method": method, "url": url, "headers": []},
        "response": {"status": status, "statusText": "", "headers": headers,
                     "content": {"mimeType": "application/json", "text": body}}
    })
}

fn openrouter_402() -> Value {
    entry(
        "POST",
        "https://openrouter.ai/api/v1/chat/completions?key=sk-or-v1-supersecretvalue1234",
        402,
        json!([{"name": "content-type", "value": "application/json"}]),
        r#"{"error":{"message":"Insufficient credits. Add more using https://openrouter.ai/settings/credits","code":402}}"#,
    )
}

fn stripe_decline() -> Value {
    entry(
        "POST",
        "https://api.stripe.com/v1/payment_intents",
        402,
        json!([{"name": "content-type", "value": "application/json"}, {"name": "request-id", "value": "req_123"}]),
        r#"{"error":{"code":"card_declined","decline_code":"generic_decline","message":"Your card was declined.","type":"card_error","doc_url":"https://stripe.com/docs/error-codes/card-declined"}}"#,
    )
}

fn plain_404() -> Value {
    entry("GET", "https://api.example.com/nope", 404, json!([]), "{}")
}

fn json_doc(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}): {}", stdout(out)))
}

/// The one-line error: `why402: …`, nothing else on stderr.
fn assert_one_line_error(out: &Output, starts: &str, contains: &str) {
    let err = stderr(out);
    assert_eq!(code(out), 2, "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with(starts), "{err}");
    assert!(err.contains(contains), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn version_and_help() {
    let out = run(&["--version"], b"");
    assert_eq!(code(&out), 0);
    assert_eq!(
        stdout(&out).trim(),
        format!("why402 {}", env!("CARGO_PKG_VERSION"))
    );
    let out = run(&["--help"], b"");
    assert_eq!(code(&out), 0);
    let help = stdout(&out);
    for want in [
        "diagnose",
        "explain",
        "Examples:",
        "curl -si",
        "Exit status",
    ] {
        assert!(help.contains(want), "{want} missing from help: {help}");
    }
    let out = run(&["diagnose", "--help"], b"");
    assert!(stdout(&out).contains("--format"));
    // A usage error is unusable input too.
    assert_eq!(code(&run(&["diagnose"], b"")), 2);
    assert_eq!(code(&run(&["diagnose", "-", "--format", "yaml"], b"")), 2);
    let out = run(&["diagnose", "-", "--now", "yesterday"], b"");
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("RFC 3339"));
}

#[test]
fn json_document_shape_is_stable() {
    let out = run(&["diagnose", SAMPLE, "--format", "json"], b"");
    let doc = json_doc(&out);
    let entries = doc["entries"].as_array().expect("entries array");
    assert_eq!(doc["summary"]["entries_read"], 10);
    let by_cause = doc["summary"]["by_cause"].as_object().expect("by_cause");
    let counted: u64 = by_cause.values().filter_map(Value::as_u64).sum();
    assert_eq!(counted as usize, entries.len());
    let mut last = None;
    for e in entries {
        let index = e["index"].as_u64().expect("index");
        assert!(index < 10);
        assert!(last.is_none_or(|l| l < index), "indices ascend");
        last = Some(index);
        for key in ["method", "url", "status", "diagnosis"] {
            assert!(e.get(key).is_some(), "{key} missing in {e}");
        }
        assert!(by_cause.contains_key(e["diagnosis"]["cause"].as_str().expect("cause")));
    }
    assert_eq!(code(&out), if entries.is_empty() { 0 } else { 1 });
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

/// Pass after merge (needs the detectors): the diagnoses themselves and their indices.
#[test]
fn json_reports_payment_entries_by_index() {
    let input = har(vec![
        plain_404(),
        openrouter_402(),
        stripe_decline(),
        plain_404(),
    ]);
    let out = run(&["diagnose", "-", "--format", "json"], &input);
    let doc = json_doc(&out);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let entries = doc["entries"].as_array().expect("entries");
    let got: Vec<(u64, &str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["index"].as_u64().unwrap_or(99),
                e["diagnosis"]["cause"].as_str().unwrap_or(""),
                e["diagnosis"]["provider"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "insufficient_balance", "openrouter"),
            (2, "payment_declined", "stripe")
        ]
    );
    assert_eq!(doc["summary"]["entries_read"], 4);
    assert_eq!(
        doc["summary"]["by_cause"],
        json!({"insufficient_balance": 1, "payment_declined": 1})
    );
    assert_eq!(entries[0]["status"], 402);
    assert_eq!(entries[0]["method"], "POST");
    let url = entries[0]["url"].as_str().expect("url");
    assert!(!url.contains("supersecretvalue"), "{url}");
    assert!(url.starts_with("https://openrouter.ai/api/v1/chat/completions?key="));
}

#[test]
fn no_payment_problem_exits_zero() {
    let input = har(vec![plain_404()]);
    let out = run(&["diagnose", "-"], &input);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Read 1 entry: no payment problem found.\n",
        "a 404 is not a payment problem"
    );
    let out = run(&["diagnose", "-", "--format", "json"], &har(vec![]));
    assert_eq!(code(&out), 0);
    assert_eq!(
        json_doc(&out),
        json!({"entries": [], "summary": {"entries_read": 0, "by_cause": {}}})
    );
}

#[test]
fn unusable_input_exits_two_with_one_line() {
    let dir = TempDir::new("unusable");
    let missing = dir.0.join("missing.har");
    let out = run(&["diagnose", missing.to_str().expect("utf-8 path")], b"");
    assert_one_line_error(&out, "why402: ", "missing.har: ");

    let out = run(&["diagnose", dir.0.to_str().expect("utf-8 path")], b"");
    assert_one_line_error(&out, "why402: ", "is a directory");

    let empty = dir.file("empty.har", b"");
    let out = run(&["diagnose", empty.to_str().expect("path")], b"");
    assert_one_line_error(&out, "why402: ", "empty.har:1:1: empty input");

    let out = run(&["diagnose", "-"], b"{\"not\": \"a har\"}");
    assert_one_line_error(&out, "why402: <stdin>:", "not a HAR file: no log.entries");

    let out = run(&["diagnose", "-"], b"\x00\x01garbage");
    assert_one_line_error(&out, "why402: <stdin>:1:1: ", "not a HAR file");

    let out = run(&["explain", "-"], b"");
    assert_one_line_error(&out, "why402: <stdin>:", "empty input");

    let out = run(&["explain", "-"], b"{\"error\": \"no headers\"}");
    assert_one_line_error(&out, "why402: <stdin>:1: ", "not an HTTP response");
}

#[test]
fn json_errors_name_file_line_and_column() {
    let dir = TempDir::new("lines");
    let bad = dir.file(
        "capture.har",
        b"{\"log\": {\"entries\": [\n  {\"a\": 1},\n  {\"b\": 2 \"c\": 3}\n]}}\n",
    );
    let path = bad.to_str().expect("path");
    let out = run(&["diagnose", path], b"");
    assert_one_line_error(
        &out,
        &format!("why402: {path}:3:11: "),
        "in entry 1: expected ',' or '}'",
    );
    // Text output does not claim a result for a file it could not read.
    assert_eq!(stdout(&out), "");
    // JSON output still closes its one document, with the error in it.
    let out = run(&["diagnose", path, "--format", "json"], b"");
    assert_eq!(code(&out), 2);
    let doc = json_doc(&out);
    assert_eq!(doc["summary"]["entries_read"], 1);
    assert!(doc["error"].as_str().expect("error").contains(":3:11:"));

    // An entry that is valid JSON but not a HAR entry: placed at the entry, naming the field.
    let bad = dir.file(
        "types.har",
        b"{\"log\": {\"entries\": [\n  {\"response\": {\"status\": \"402\"}}\n]}}",
    );
    let out = run(&["diagnose", bad.to_str().expect("path")], b"");
    assert_one_line_error(&out, "why402: ", "types.har:2:");
    assert!(
        stderr(&out).contains("entry 0: invalid type at response.status"),
        "{}",
        stderr(&out)
    );

    let cut = dir.file("cut.har", b"{\"log\": {\"entries\": [{\"a\": ");
    let out = run(&["diagnose", cut.to_str().expect("path")], b"");
    assert_one_line_error(&out, "why402: ", "unexpected end of input inside entry 0");
}

/// Entries that cannot be payment failures (200s, 304s) are validated but not parsed: a
/// payment failure after thousands of them is still found and counted in order, and a syntax
/// error inside one still gives its exact line and column.
#[test]
fn skipped_entries_are_counted_and_checked() {
    let ok = entry(
        "GET",
        "https://cdn.example.com/app.js",
        200,
        json!([]),
        "{\"status\": 402, \"text\": \"caf\u{e9} \\\" \\n\"}",
    );
    let mut entries = vec![ok.clone(); 3000];
    entries.push(openrouter_402());
    entries.push(ok);
    let out = run(&["diagnose", "-", "--format", "json"], &har(entries));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let doc = json_doc(&out);
    assert_eq!(doc["summary"]["entries_read"], 3002);
    let found: Vec<u64> = doc["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["index"].as_u64())
        .collect();
    assert_eq!(found, vec![3000]);

    let broken = b"{\"log\": {\"entries\": [\n  {\"response\": {\"status\": 200,\n    \"content\": {\"text\": \"a\\xb\"}}},\n  {\"response\": {\"status\": 402}}\n]}}";
    let out = run(&["diagnose", "-"], broken);
    assert_one_line_error(
        &out,
        "why402: <stdin>:3:28: ",
        "in entry 0: invalid escape '\\x' in a string",
    );
}

const HOSTILE_BODY: &str = r#"{"error": {"code": 402, "message": "Insufficient credits <img src=x onerror=alert(1)> [x](javascript:alert(1)) <script>alert(2)</script> | col | `tick`"}}"#;

/// Pass after merge: needs a diagnosis (any 402 gets one) to have something to render.
#[test]
fn markdown_output_is_inert() {
    let input = har(vec![entry(
        "POST",
        "https://openrouter.ai/api/v1/chat/completions",
        402,
        json!([{"name": "content-type", "value": "application/json"}]),
        HOSTILE_BODY,
    )]);
    let out = run(&["diagnose", "-", "--format", "markdown"], &input);
    let md = stdout(&out);
    assert!(md.starts_with("# Why 402 report\n"), "{md}");
    assert!(md.contains("## Entry 0: POST"), "{md}");
    // The hostile text is in the report (as inert code), so the checks below mean something.
    assert!(md.contains("onerror=alert(1)"), "{md}");
    let prose = outside_code(&md).replace("\\[", "").replace("\\]", "");
    assert!(!prose.contains('<'), "raw HTML outside code: {prose}");
    assert!(!prose.contains("](javascript"), "{prose}");
    // Table rows keep their cells.
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!((3..=4).contains(&cells), "{line}");
    }
}

/// Pass after merge: text output with colours needs a diagnosis to show.
#[test]
fn colour_follows_the_flags_and_no_color() {
    let input = har(vec![openrouter_402()]);
    let always = run(&["diagnose", "-", "--color", "always"], &input);
    assert!(stdout(&always).contains("\x1b["), "{}", stdout(&always));
    assert!(stdout(&always).contains("#0"));
    let never = run(&["diagnose", "-", "--color", "never"], &input);
    assert!(!stdout(&never).contains('\x1b'));
    let piped = run(&["diagnose", "-"], &input);
    assert!(!stdout(&piped).contains('\x1b'), "a pipe is not a terminal");
    let no_color = run_env(&["diagnose", "-"], &input, &[("NO_COLOR", "1")]);
    assert!(!stdout(&no_color).contains('\x1b'));
}

/// On a real terminal (a pseudo-terminal through `script`), colour is on unless NO_COLOR.
#[cfg(target_os = "linux")]
#[test]
fn no_color_on_a_terminal() {
    if !Path::new("/usr/bin/script").exists() {
        eprintln!("skipped: no /usr/bin/script to make a pseudo-terminal");
        return;
    }
    let dir = TempDir::new("tty");
    let file = dir.file("one.har", &har(vec![plain_404()]));
    let command = format!("{BIN} diagnose {}", file.display());
    let on_tty = |no_color: Option<&str>| {
        let mut cmd = Command::new("/usr/bin/script");
        cmd.args(["-qec", &command, "/dev/null"])
            .env_remove("NO_COLOR")
            .env("TERM", "xterm")
            .stdin(Stdio::null());
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().expect("run script");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let coloured = on_tty(None);
    assert!(coloured.contains("\x1b[1mRead 1 entry"), "{coloured:?}");
    let plain = on_tty(Some("1"));
    assert!(plain.contains("Read 1 entry"), "{plain:?}");
    assert!(!plain.contains('\x1b'), "{plain:?}");
}

const CURL_DUMP: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/2 402 \r\ndate: Wed, 25 Nov 2026 10:00:00 GMT\r\ncontent-type: application/json\r\n\r\n{\"error\":{\"message\":\"Insufficient credits. Add more using https://openrouter.ai/settings/credits\",\"code\":402}}";

#[test]
fn explain_reads_a_curl_dump_from_stdin() {
    let out = run(
        &[
            "explain",
            "-",
            "--format",
            "json",
            "--url",
            "https://openrouter.ai/api/v1/chat/completions",
            "--method",
            "POST",
        ],
        CURL_DUMP,
    );
    let doc = json_doc(&out);
    assert_eq!(doc["summary"]["entries_read"], 1);
    let entries = doc["entries"].as_array().expect("entries");
    assert!(entries.len() <= 1);
    assert_eq!(code(&out), entries.len() as i32, "{}", stderr(&out));
    for e in entries {
        assert_eq!(e["index"], 0);
        assert_eq!(e["status"], 402);
        assert_eq!(e["method"], "POST");
    }
    // A body-only paste gets a hint about curl's -i.
    let out = run(
        &["explain", "-"],
        b"{\"error\":{\"message\":\"Insufficient credits\"}}",
    );
    assert_one_line_error(&out, "why402: <stdin>:1: ", "curl with -i");
    // A 200 is no problem.
    let out = run(
        &["explain", "-"],
        b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nhello",
    );
    assert_eq!(code(&out), 0);
    assert_eq!(
        stdout(&out),
        "No payment problem found in this response (HTTP 200).\n"
    );
}

/// Pass after merge: the diagnosis of the curl dump.
#[test]
fn explain_diagnoses_the_last_response() {
    let out = run(
        &[
            "explain",
            "-",
            "--format",
            "json",
            "--url",
            "https://openrouter.ai/api/v1/chat/completions",
        ],
        CURL_DUMP,
    );
    let doc = json_doc(&out);
    assert_eq!(code(&out), 1);
    assert_eq!(
        doc["entries"][0]["diagnosis"]["cause"],
        "insufficient_balance"
    );
    assert_eq!(doc["entries"][0]["diagnosis"]["provider"], "openrouter");
    let text = run(
        &[
            "explain",
            "-",
            "--url",
            "https://openrouter.ai/api/v1/chat/completions",
        ],
        CURL_DUMP,
    );
    assert_eq!(code(&text), 1);
    assert!(
        stdout(&text).contains("insufficient_balance"),
        "{}",
        stdout(&text)
    );
}

#[test]
fn a_closed_stdout_ends_quietly() {
    // Many entries, so output continues after the reader has gone.
    let many: Vec<Value> = (0..2000)
        .map(|i| {
            if i % 2 == 0 {
                openrouter_402()
            } else {
                plain_404()
            }
        })
        .collect();
    let input = har(many);
    let mut child = Command::new(BIN)
        .args(["diagnose", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // Close our end of stdout before the program writes anything.
    drop(child.stdout.take());
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(&input);
    }
    let out = child.wait_with_output().expect("wait");
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.is_empty(), "{err}");
    assert!(matches!(out.status.code(), Some(0 | 1)), "{:?}", out.status);
}

#[test]
fn sample_har_reads_whole() {
    let out = run(&["diagnose", SAMPLE, "--format", "markdown"], b"");
    assert!(matches!(code(&out), 0 | 1), "{}", stderr(&out));
    let md = stdout(&out);
    assert!(md.starts_with("# Why 402 report\n"));
    assert!(md.contains("Read 10 entries"), "{md}");
}
