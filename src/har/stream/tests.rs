use super::*;

fn split_all(input: &[u8], chunk: usize) -> (Vec<RawEntry>, Option<HarError>) {
    let mut s = Splitter::new();
    let mut out = Vec::new();
    let mut err = None;
    for piece in input.chunks(chunk.max(1)) {
        s.push(piece);
        while let Some(r) = s.next_entry() {
            match r {
                Ok(e) => out.push(e),
                Err(e) => err = Some(e),
            }
        }
    }
    s.finish();
    while let Some(r) = s.next_entry() {
        match r {
            Ok(e) => out.push(e),
            Err(e) => err = Some(e),
        }
    }
    (out, err)
}

fn texts(entries: &[RawEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| String::from_utf8_lossy(&e.bytes).into_owned())
        .collect()
}

const SMALL: &str = r#"{"log": {"version": "1.2", "creator": {"name": "x", "entries": ["not", "these"]},
  "pages": [],
  "entries": [
    {"request": {"method": "GET", "url": "https://a.example/\"entries\"\\"}, "response": {"status": 402}},
    {"request": {"method": "POST", "url": "https://b.example/\u00e9\ud83d\ude00"}, "response": {"status": 429, "n": [1, -2.5e3, true, null]}}
  ], "comment": "entries"}}"#;

#[test]
fn every_chunk_size_gives_the_same_entries() {
    let (whole, err) = split_all(SMALL.as_bytes(), SMALL.len());
    assert_eq!(err, None);
    assert_eq!(whole.len(), 2);
    assert!(texts(&whole)[0].starts_with(r#"{"request": {"method": "GET""#));
    assert!(texts(&whole)[1].ends_with("null]}}"));
    for n in 1..=SMALL.len() {
        let (parts, err) = split_all(SMALL.as_bytes(), n);
        assert_eq!(err, None, "chunk {n}");
        assert_eq!(parts, whole, "chunk {n}");
    }
    // The entry's start position is its own line and column.
    assert_eq!(whole[0].start.line, 4);
    assert_eq!(whole[0].start.column, 5);
    assert_eq!(whole[1].index, 1);
}

#[test]
fn keys_in_any_order_and_bom() {
    let input = "\u{feff}{\"entries\": 1, \"x\": {\"log\": 2}, \"log\": {\"entries\": [{\"a\": 1}], \"version\": \"1.2\"}}";
    let (e, err) = split_all(input.as_bytes(), 3);
    assert_eq!(err, None);
    assert_eq!(texts(&e), vec![r#"{"a": 1}"#.to_string()]);
}

#[test]
fn not_har_and_garbage_are_errors_with_positions() {
    let cases: &[(&str, &str)] = &[
        ("", "empty input"),
        ("   \n ", "empty input"),
        ("hello world", "expected a JSON object"),
        ("[1, 2]", "expected a JSON object"),
        (r#"{"a": 1}"#, "no log.entries"),
        (r#"{"log": {"version": "1.2"}}"#, "no log.entries"),
        (r#"{"log": []}"#, "\"log\" is not an object"),
        (r#"{"log": {"entries": {}}}"#, "log.entries is not an array"),
        (
            r#"{"log": {"entries": [1]}}"#,
            "entry 0 is not a JSON object",
        ),
        (
            "{\"log\": {\"entries\": [{\"a\": 1}, {\"b\": ",
            "inside entry 1",
        ),
        (r#"{"log": {"entries": []}} x"#, "after the end"),
        (r#"{"log": {"entries": [] "x": 1}}"#, "expected ',' or '}'"),
        (
            "{\"log\": {\"entries\": [\"a\nb\"]}}",
            "entry 0 is not a JSON object",
        ),
        (
            "{\"log\": {\"x\": \"a\nb\"}}",
            "a line break inside a string",
        ),
        (r#"{"log": {"x": "\q"}}"#, "invalid escape"),
    ];
    for (input, want) in cases {
        let (_, err) = split_all(input.as_bytes(), 2);
        let err = err.unwrap_or_else(|| panic!("no error for {input:?}"));
        assert!(err.message.contains(want), "{input:?}: {err}");
    }
    let (_, err) = split_all(b"\xef\xbbx", 1);
    assert!(err
        .expect("bad bom")
        .message
        .contains("not valid at the start"));
    let (_, err) = split_all(b"{\n  \"log\": {\n    \"entries\": [] \"x\"", 5);
    let err = err.expect("error");
    assert_eq!((err.position.line, err.position.column), (3, 19), "{err}");
    assert_eq!(err.to_string(), "3:19: expected ',' or '}', found '\"'");
    let (_, err) = split_all(b"{\"log\": {\"entries\": [{\"a\": 1}, {\"b\" 2}]}}", 4);
    assert_eq!(
        err.expect("error").message,
        "in entry 1: expected ':', found '2'"
    );
}

#[test]
fn entries_before_an_error_are_still_given() {
    let (e, err) = split_all(br#"{"log": {"entries": [{"a": 1}, {"b": 2}] ]}"#, 100);
    assert_eq!(e.len(), 2);
    assert!(err.is_some());
}

#[test]
fn deep_nesting_is_refused() {
    let mut input = String::from(r#"{"log": {"entries": [{"a": "#);
    input.push_str(&"[".repeat(MAX_DEPTH + 10));
    let (_, err) = split_all(input.as_bytes(), 64);
    assert!(err.expect("error").message.contains("nested deeper"));
}

#[test]
fn long_strings_are_cut_to_valid_json() {
    // Multi-byte characters and escapes around the cut point.
    for filler in ["é", "\\u00e9", "\\ud83d\\ude00", "ab", "\\n"] {
        let body = filler.repeat(40);
        let input = format!(r#"{{"log": {{"entries": [{{"text": "{body}", "k": 1}}]}}}}"#);
        for chunk in [1, 7, 1000] {
            let mut s = Splitter::with_limits(1 << 20, 17);
            for piece in input.as_bytes().chunks(chunk) {
                s.push(piece);
            }
            s.finish();
            let entry = s.next_entry().expect("entry").expect("ok");
            let v: serde_json::Value = serde_json::from_slice(&entry.bytes).unwrap_or_else(|e| {
                panic!(
                    "{filler} {chunk}: {e}: {}",
                    String::from_utf8_lossy(&entry.bytes)
                )
            });
            let text = v["text"].as_str().expect("text");
            assert!(!text.is_empty() && text.len() < 40, "{filler}: {text:?}");
            assert_eq!(v["k"], 1);
        }
    }
}

#[test]
fn oversized_entry_is_an_error() {
    let many = r#""h": "aaaaaaaaaa", "#.repeat(100);
    let input = format!(r#"{{"log": {{"entries": [{{"a": 1}}, {{{many} "z": 1}}]}}}}"#);
    let mut s = Splitter::with_limits(500, 100);
    s.push(input.as_bytes());
    s.finish();
    assert!(s.next_entry().expect("first").is_ok());
    let err = s.next_entry().expect("second").expect_err("too large");
    assert!(err.message.contains("entry 1 is larger"), "{err}");
    assert!(s.next_entry().is_none());
}

/// Line and column (1-based, bytes) of the first occurrence of `needle` in `text`.
fn line_col(text: &str, needle: &str) -> (u64, u64) {
    let at = text.find(needle).expect("needle");
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let column = (at - before.rfind('\n').map_or(0, |n| n + 1)) as u64 + 1;
    (line, column)
}

/// A 200 between two payment failures, with everything that makes a skip hard: escapes,
/// `\u` pairs, UTF-8, "status" keys in the request and in bodies, nested objects.
const MIXED: &str = "{\"log\": {\"entries\": [\n  {\"request\": {\"url\": \"https://a.example/\", \"status\": 200}, \"response\": {\"status\": 402}},\n  {\"request\": {\"headers\": [{\"name\": \"status\", \"value\": \"402\"}]}, \"response\": {\"status\": 200, \"content\": {\"text\": \"{\\\"status\\\": 402, \\\"caf\u{e9}\\\": \\\"\\\\ud83d\\\\ude00\\\\n\\\"}\\u00e9\\ud83d\\ude00\\\\ \u{1F600}\", \"status\": 402}, \"n\": [1, -2.5e3, 0.5E+2, true, false, null, {}, []]}},\n  {\"response\": {\"status\": 429}, \"request\": {\"url\": \"https://c.example/\"}}\n]}}";

#[test]
fn entries_that_cannot_fail_are_read_not_given() {
    for chunk in 1..=MIXED.len() {
        let mut s = Splitter::new();
        let mut given = Vec::new();
        for piece in MIXED.as_bytes().chunks(chunk) {
            s.push(piece);
            while let Some(r) = s.next_entry() {
                given.push(r.unwrap_or_else(|e| panic!("chunk {chunk}: {e}")));
            }
        }
        s.finish();
        assert!(s.next_entry().is_none(), "chunk {chunk}");
        assert_eq!(s.entries_read(), 3, "chunk {chunk}");
        let indexes: Vec<usize> = given.iter().map(|e| e.index).collect();
        assert_eq!(indexes, vec![0, 2], "chunk {chunk}");
        // The response came before the request: the entry is still whole.
        assert!(
            texts(&given)[1].ends_with("\"https://c.example/\"}}"),
            "chunk {chunk}"
        );
        assert_eq!((given[1].start.line, given[1].start.column), (4, 3));
    }
}

#[test]
fn status_is_read_where_serde_reads_it() {
    let cases: &[(&str, bool)] = &[
        // Given: a candidate status, or one the full parse must judge.
        (r#"{"response": {"status": 402}}"#, true),
        (
            r#"{"response": {"content": {"status": 200}, "status": 503}}"#,
            true,
        ),
        (r#"{"response": {"status": "200"}}"#, true),
        (r#"{"response": {"status": 200.0}}"#, true),
        (r#"{"response": {"status": 1e2}}"#, true),
        (r#"{"response": {"status": -1}}"#, true),
        (r#"{"response": {"status": 70000}}"#, true),
        (r#"{"response": {"status": null}}"#, true),
        (r#"{"response": {"status": [200]}}"#, true),
        (r#"{"response": 200}"#, true),
        (r#"{"request": {"status": 200}}"#, true),
        (
            r#"{"response": {"status": 402}, "x": {"response": {"status": 200}}}"#,
            true,
        ),
        (r#"{"status": 200, "response": {"statusText": "OK"}}"#, true),
        // Skipped: a plain status the engine never diagnoses.
        (r#"{"response": {"status": 200}}"#, false),
        (r#"{"response": {"status": 402, "status": 200}}"#, false),
        (r#"{"response": {"status": 0}}"#, false),
        (
            r#"{"response": {"status": 399, "content": {"status": 402}}}"#,
            false,
        ),
        (
            r#"{"response": {"headers": [{"status": 402}], "status": 304}}"#,
            false,
        ),
        (
            r#"{"responses": {"status": 402}, "response": {"status": 204}}"#,
            false,
        ),
    ];
    for (entry, given) in cases {
        let input = format!(r#"{{"log": {{"entries": [{entry}]}}}}"#);
        let (e, err) = split_all(input.as_bytes(), 3);
        assert_eq!(err, None, "{entry}");
        assert_eq!(e.len(), usize::from(*given), "{entry}");
    }
    // Once an entry is skipped, a second status could change what it is: refused.
    for entry in [
        r#"{"response": {"status": 200, "status": 402}}"#,
        r#"{"response": {"status": 200}, "response": {"status": 402}}"#,
    ] {
        let input = format!(r#"{{"log": {{"entries": [{entry}]}}}}"#);
        let (_, err) = split_all(input.as_bytes(), 5);
        assert!(
            err.expect("error").message.contains("appears twice"),
            "{entry}"
        );
    }
}

#[test]
fn errors_in_skipped_entries_are_placed_exactly() {
    let good = r#"{"request": {"url": "https://x.example/"}, "response": {"status": 200, "content": {"text": "a\"b\\c\u00e9 é"}}}"#;
    let cases: &[(&str, &str, &str)] = &[
        (r#""text": "a\q""#, "q", "invalid escape"),
        (r#""text": "a\u00zz""#, "zz", "invalid \\u escape"),
        ("\"text\": \"a\tb\"", "\tb", "byte 0x09 inside a string"),
        (r#""text": "a" "b""#, "\"b", "expected ',' or '}'"),
        (r#""n": tru,"#, ",", "invalid literal"),
        (r#""n": 01"#, "1", "invalid literal"),
        (r#""n": 1.}"#, "}", "invalid literal"),
        (r#""n": -,"#, ",", "invalid literal"),
        (r#""n": nulL"#, "L", "invalid literal"),
        (r#""n": [1,]"#, "]", "expected a value"),
    ];
    for (bad, at, want) in cases {
        let entry = format!(r#"{{"response": {{"status": 200, {bad}}}}}"#);
        let input = format!("{{\"log\": {{\"entries\": [\n{good},\n{good},\n  {entry}\n]}}}}");
        let (line, column) = line_col(&input, bad);
        let offset_col = bad.find(at).expect("at in bad") as u64;
        for chunk in [1, 2, 7, 64, input.len()] {
            let (given, err) = split_all(input.as_bytes(), chunk);
            assert!(given.is_empty(), "{bad}");
            let err = err.unwrap_or_else(|| panic!("no error for {bad}"));
            assert!(err.message.contains(want), "{bad}: {err}");
            assert!(err.message.starts_with("in entry 2"), "{bad}: {err}");
            assert_eq!(
                (err.position.line, err.position.column),
                (line, column + offset_col),
                "{bad} (chunk {chunk}): {err}"
            );
        }
    }
    // Invalid UTF-8 in a skipped body, split anywhere.
    let mut input = br#"{"log": {"entries": [{"response": {"status": 200, "t": "ab"#.to_vec();
    let at = input.len() as u64 + 1;
    input.extend_from_slice(b"\xe2\x28\xa1\"}}]}}");
    for chunk in 1..=8 {
        let (_, err) = split_all(&input, chunk);
        let err = err.expect("error");
        assert!(err.message.contains("invalid UTF-8"), "{err}");
        assert_eq!(
            (err.position.line, err.position.column),
            (1, at + 1),
            "{err}"
        );
    }
}

#[test]
fn a_candidate_after_many_skipped_entries_is_given() {
    let skipped = r#"{"response": {"status": 200, "content": {"text": "{\"ok\": true}"}}}"#;
    let mut input = String::from("{\"log\": {\"entries\": [");
    for _ in 0..5000 {
        input.push_str(skipped);
        input.push_str(",\n");
    }
    input.push_str(r#"{"response": {"status": 402}}]}}"#);
    let (given, err) = split_all(input.as_bytes(), 4096);
    assert_eq!(err, None);
    assert_eq!(given.len(), 1);
    assert_eq!(given[0].index, 5000);
    assert_eq!((given[0].start.line, given[0].start.column), (5001, 1));
}

/// Every one-byte change of a small HAR: what the splitter accepts, serde_json accepts too
/// (skipped entries are validated, not trusted), and what it refuses that serde_json takes
/// is a HAR shape, not JSON syntax.
#[test]
fn syntax_is_checked_like_serde_in_skipped_entries() {
    let input = MIXED.replace("\\u00e9", "\\ud83d\\ude00");
    let shape = [
        "not a HAR file",
        "is not a JSON object",
        "appears twice",
        "no log.entries",
    ];
    for at in 0..input.len() {
        for &b in b"\"\\,:{}[]0-.eEa u\n\x01\xc3\xff" {
            let mut bytes = input.as_bytes().to_vec();
            bytes[at] = b;
            let (_, err) = split_all(&bytes, 7);
            let serde_ok = serde_json::from_slice::<serde_json::Value>(&bytes).is_ok();
            match err {
                None => assert!(serde_ok, "accepted invalid JSON ({at}, {b:#x})"),
                Some(e) if serde_ok => assert!(
                    shape.iter().any(|s| e.message.contains(s)),
                    "refused valid JSON ({at}, {b:#x}): {e}"
                ),
                Some(_) => {}
            }
        }
    }
}
