//! Replays the fuzz corpora on stable: every file under fuzz/corpus/<target>/ (a small seed set
//! plus every input that once crashed, kept as a regression) goes through the same function the
//! libFuzzer binary runs (fuzz/targets.rs), so `cargo test` catches a reintroduced crash without
//! nightly or cargo-fuzz.

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::Path;

#[test]
fn fuzz_corpora_replay_without_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut total = 0;
    for (name, run) in targets::ALL {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|f| f.ok().map(|f| f.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(!files.is_empty(), "{name}: empty corpus");
        for file in &files {
            let data = std::fs::read(file).unwrap_or_default();
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(outcome.is_ok(), "{name}: {} panics", file.display());
        }
        println!("{name}: {} inputs", files.len());
        total += files.len();
    }
    println!(
        "{total} inputs replayed over {} targets",
        targets::ALL.len()
    );
}
