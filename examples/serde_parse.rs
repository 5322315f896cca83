//! The baseline `make bench` compares `why402 diagnose` with: the whole HAR file read and parsed
//! by serde_json into a `Value`, then the 402s counted (what `jq` is asked to do). This is the
//! cost of "just parse it" with the JSON library the crate already uses.
//!
//! usage: cargo run --release --example serde_parse -- FILE.har

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: serde_parse FILE.har");
        return ExitCode::from(2);
    };
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("serde_parse: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let har: serde_json::Value = match serde_json::from_slice(&text) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("serde_parse: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let count = har["log"]["entries"].as_array().map_or(0, |entries| {
        entries
            .iter()
            .filter(|e| e["response"]["status"] == 402)
            .count()
    });
    println!("{count}");
    ExitCode::SUCCESS
}
