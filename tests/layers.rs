//! The crate's layers, read from the source: every `crate::…` / `super::…` path in
//! `src/**/*.rs` may only point down (or within its own layer), and sibling modules never import
//! each other in a cycle. The binary (`src/cli`) sits on top and is not scanned.
//!
//! Layers, bottom first: wire formats know nothing else; the model reads wire formats;
//! knowledge (data such as the chain registry) reads the model; protocols read knowledge (x402
//! names networks from the chain registry); the engine ties the detectors together; above it
//! the HAR reader, the report, the extension's capture records and the wasm front end.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const LAYERS: [&str; 9] = [
    "decode",
    "core",
    "knowledge",
    "protocols",
    "engine",
    "har",
    "report",
    "capture",
    "web",
];

/// A source file: its module path (`["protocols", "x402", "lint"]`) and its text.
struct Source {
    module: Vec<String>,
    text: String,
}

fn collect(dir: &Path, out: &mut Vec<Source>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let rel = path.strip_prefix("src").expect("under src");
        if rel.starts_with("cli") {
            continue;
        }
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            let mut module: Vec<String> = rel
                .with_extension("")
                .iter()
                .map(|s| s.to_string_lossy().into_owned())
                .collect();
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).expect("readable source");
            out.push(Source { module, text });
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The module-ish paths a line of code names: `crate::a::b`, `super::x`, and each item of a
/// `crate::{a, b::c}` group, as absolute segment lists. `in_tests`: inside an inline test
/// module, where `super` is the file's own module.
fn paths_in(line: &str, module: &[String], in_tests: bool) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (root_word, base) in [
        ("crate::", Vec::new()),
        ("super::", {
            let mut m = module.to_vec();
            if !in_tests {
                m.pop();
            }
            m
        }),
    ] {
        let mut rest = line;
        while let Some(at) = rest.find(root_word) {
            let preceded = rest[..at].chars().next_back().is_some_and(is_ident);
            rest = &rest[at + root_word.len()..];
            if preceded {
                continue;
            }
            let mut prefix = base.clone();
            let mut tail = rest;
            // `super::super::x`
            while let Some(t) = tail.strip_prefix("super::") {
                prefix.pop();
                tail = t;
            }
            let segs = |s: &str| -> Vec<String> {
                s.split("::")
                    .map(|p| p.chars().take_while(|&c| is_ident(c)).collect::<String>())
                    .take_while(|p| !p.is_empty())
                    .collect()
            };
            let head: String = tail
                .chars()
                .take_while(|&c| is_ident(c) || c == ':')
                .collect();
            let mut path = prefix.clone();
            path.extend(segs(&head));
            let after = &tail[head.len()..];
            if head.is_empty() || head.ends_with("::") {
                if let Some(group) = after.strip_prefix('{') {
                    let group = group.split('}').next().unwrap_or("");
                    for item in group.split(',') {
                        let mut p = path.clone();
                        p.extend(segs(item.trim()));
                        if p.len() > path.len() && p.last().is_some_and(|s| s != "self") {
                            out.push(p);
                        } else {
                            out.push(path.clone());
                        }
                    }
                    continue;
                }
            }
            if !path.is_empty() {
                out.push(path);
            }
        }
    }
    out
}

/// Every (from module, to path) reference in the sources.
fn references(sources: &[Source]) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    for s in sources {
        let mut in_tests = false;
        for line in s.text.lines() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            if line.starts_with("mod tests {") {
                in_tests = true;
            }
            for p in paths_in(line, &s.module, in_tests) {
                out.push((s.module.clone(), p));
            }
        }
    }
    out
}

fn rank(module: &[String]) -> Option<usize> {
    let top = module.first()?;
    LAYERS.iter().position(|l| l == top)
}

/// Imports that run up a layer or sideways into another layer of the same rank.
fn upward(refs: &[(Vec<String>, Vec<String>)]) -> Vec<String> {
    let mut bad = BTreeSet::new();
    for (from, to) in refs {
        let (Some(a), Some(b)) = (rank(from), rank(to)) else {
            continue;
        };
        if b > a {
            bad.insert(format!(
                "{} uses {} (layer {} above {})",
                from.join("::"),
                to.join("::"),
                LAYERS[b],
                LAYERS[a]
            ));
        }
    }
    bad.into_iter().collect()
}

/// Cycles among sibling modules: for each parent, the graph of its children where a child (or
/// anything inside it) names another child.
fn sibling_cycles(refs: &[(Vec<String>, Vec<String>)]) -> Vec<String> {
    let mut graphs: BTreeMap<Vec<String>, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (from, to) in refs {
        let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
        if common < from.len() && common < to.len() {
            graphs
                .entry(from[..common].to_vec())
                .or_default()
                .entry(from[common].clone())
                .or_default()
                .insert(to[common].clone());
        }
    }
    let mut cycles = Vec::new();
    for (parent, graph) in &graphs {
        for start in graph.keys() {
            // Depth-first from `start`, bounded by the number of siblings.
            let mut stack = vec![(start.clone(), vec![start.clone()])];
            let mut seen = BTreeSet::new();
            while let Some((node, path)) = stack.pop() {
                for next in graph.get(&node).into_iter().flatten() {
                    if next == start {
                        let mut names = path.clone();
                        names.push(start.clone());
                        cycles.push(format!("in {}: {}", parent.join("::"), names.join(" -> ")));
                    } else if seen.insert(next.clone()) {
                        let mut p = path.clone();
                        p.push(next.clone());
                        stack.push((next.clone(), p));
                    }
                }
            }
        }
    }
    cycles.sort();
    cycles.dedup();
    cycles
}

fn sources() -> Vec<Source> {
    let mut out = Vec::new();
    collect(Path::new("src"), &mut out);
    out
}

#[test]
fn every_top_level_module_has_a_layer() {
    let sources = sources();
    let tops: BTreeSet<&str> = sources
        .iter()
        .filter_map(|s| s.module.first().map(String::as_str))
        .collect();
    let unplaced: Vec<_> = tops.iter().filter(|t| !LAYERS.contains(t)).collect();
    assert!(unplaced.is_empty(), "modules with no layer: {unplaced:?}");
    assert_eq!(tops.len(), LAYERS.len(), "a layer names no module");
}

#[test]
fn imports_only_point_down() {
    let refs = references(&sources());
    // The scan must see the crate's imports, or the checks below prove nothing.
    assert!(refs.len() > 300, "only {} references found", refs.len());
    let bad = upward(&refs);
    assert!(
        bad.is_empty(),
        "imports running up a layer:\n{}",
        bad.join("\n")
    );
}

#[test]
fn sibling_modules_form_no_cycle() {
    let cycles = sibling_cycles(&references(&sources()));
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

/// The checks themselves catch what they are for.
#[test]
fn the_checks_catch_a_bad_import() {
    let src = |module: &str, text: &str| Source {
        module: module.split("::").map(String::from).collect(),
        text: text.to_string(),
    };
    let up = [src(
        "decode::retry",
        "use crate::engine::{diagnose, Context};",
    )];
    let bad = upward(&references(&up));
    assert_eq!(
        bad,
        [
            "decode::retry uses engine::Context (layer engine above decode)",
            "decode::retry uses engine::diagnose (layer engine above decode)"
        ]
    );

    let cycle = [
        src("protocols::x402::lint", "use super::wire::options;"),
        src("protocols::x402::wire", "let x = super::lint::check(v);"),
        src(
            "protocols::x402::terms",
            "use crate::protocols::x402::{wire, lint};",
        ),
    ];
    let cycles = sibling_cycles(&references(&cycle));
    assert_eq!(
        cycles,
        [
            "in protocols::x402: lint -> wire -> lint",
            "in protocols::x402: wire -> lint -> wire"
        ]
    );
    // A test module's `super` is its own file: not a sibling.
    let tests = [src(
        "decode::retry",
        "fn f() {}\nmod tests {\n    use super::*;\n    use super::first;\n}",
    )];
    assert!(sibling_cycles(&references(&tests)).is_empty());
    assert!(upward(&references(&tests)).is_empty());
}
