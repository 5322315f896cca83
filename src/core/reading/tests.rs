use super::*;
use serde_json::json;

fn read(s: &str) -> Option<(Value, Reading)> {
    object_in_text(s)
}

#[test]
fn json_after_a_log_prefix() {
    let (v, how) =
        read(r#"Error: 400 {"type":"error","error":{"type":"x"}} at generate (cli.js:1)"#).unwrap();
    assert_eq!(how, Reading::Embedded);
    assert_eq!(v["error"]["type"], "x");
}

#[test]
fn python_dicts() {
    let (v, how) = read("Error code: 429 - {'error': {'message': 'You can\\'t', 'param': None, 'ok': True, 'code': 'insufficient_quota'}}").unwrap();
    assert_eq!(how, Reading::Loose);
    assert_eq!(v["error"]["code"], "insufficient_quota");
    assert_eq!(v["error"]["param"], Value::Null);
    assert_eq!(v["error"]["message"], "You can't");
}

#[test]
fn node_inspect_with_unquoted_keys_and_trailing_commas() {
    let (v, _) = read("  data: {\n    error_message: 'Billing \"off\"',\n    results: [],\n    status: 'REQUEST_DENIED',\n  },\n").unwrap();
    assert_eq!(v["status"], "REQUEST_DENIED");
    assert_eq!(v["error_message"], "Billing \"off\"");
}

#[test]
fn truncated_objects_keep_their_complete_members() {
    let (v, how) =
        read("401, body: {'detail': {'status': 'quota_exceeded', 'message': 'Thanks for trying")
            .unwrap();
    assert_eq!(how, Reading::Truncated);
    assert_eq!(v["detail"]["status"], "quota_exceeded");
    assert!(read("{'detail': 'cut").is_none());
}

#[test]
fn unreadable_text_gives_nothing() {
    assert!(read("no braces here").is_none());
    assert!(read("{ this is [Function: x] prose }").is_none());
    assert!(read("}}}{{{").is_none());
    assert!(read("").is_none());
}

#[test]
fn json_inside_json_strings() {
    let outer = json!({"error": {"message": "Upstream failed: {\"error\":{\"message\":\"{\\\"code\\\":\\\"PRECONDITION_FAILED\\\"}\"}}"}});
    let docs = nested_documents(&outer);
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].location, "error.message");
    assert_eq!(docs[1].value["code"], "PRECONDITION_FAILED");
    assert_eq!(docs[1].location, "error.message > error.message");
}

#[test]
fn bounded_on_hostile_input() {
    let deep = "{".repeat(100_000);
    assert!(read(&deep).is_none());
    let many = "{x".repeat(100_000);
    assert!(read(&many).is_none());
    let quotes = "{'".repeat(50_000);
    let _ = read(&quotes);
}

#[test]
fn json_walk_is_bounded() {
    let big = serde_json::Value::Array(vec![serde_json::Value::String("x".into()); 100_000]);
    let found = json_strings(&big);
    assert!(!found.is_empty() && found.len() <= MAX_JSON_NODES);
    assert_eq!(found[0].0, "0");
}
