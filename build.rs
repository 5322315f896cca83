//! Turns the knowledge files in src/knowledge/*.json (the one place to edit them) into static
//! Rust values in OUT_DIR, which src/knowledge/*.rs `include!`. Parsing here instead of at run
//! time keeps serde's deserialisers and the JSON text out of the wasm build, and bad data fails
//! the build with the file and entry named.

use std::path::Path;

use serde::de::DeserializeOwned;

// The generator's modules live in build/: one per knowledge file, with the file's shape
// (unknown fields are errors, so a misspelt key is caught) and its rendering as struct literals
// of the module's own types (declared in src/knowledge/*.rs), so a field renamed, added or
// reordered there fails the build instead of being read in the wrong place; and the literals
// they share.
#[path = "build/chains.rs"]
mod chains;
#[path = "build/literals.rs"]
mod literals;
#[path = "build/phrases.rs"]
mod phrases;
#[path = "build/processors.rs"]
mod processors;
#[path = "build/providers.rs"]
mod providers;
#[path = "build/stripe.rs"]
mod stripe;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=build");
    let result = (|| -> Result<(), String> {
        generate("providers.json", "providers.rs", providers::render)?;
        generate("stripe_declines.json", "stripe_declines.rs", stripe::render)?;
        generate("chains.json", "chains.rs", chains::render)?;
        generate("phrases.json", "phrases.rs", phrases::render)?;
        generate("processors.json", "processors.rs", processors::render)
    })()
    .map_err(|e| format!("src/knowledge/{e}"))
    .and_then(|()| {
        let out_dir = std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?;
        fixture_list(&out_dir)
    });
    if let Err(e) = result {
        eprintln!("error in {e}");
        std::process::exit(1);
    }
}

/// Lists `tests/fixtures/*.json` for `tests/fixture_table.rs` as `include_str!`s, so a new fixture
/// file is run natively and in wasm without being registered anywhere (it cannot be skipped).
fn fixture_list(out_dir: &str) -> Result<(), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("tests/fixtures: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut code = String::from("&[\n");
    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        code += &format!(
            "({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        );
    }
    code += "]\n";
    std::fs::write(Path::new(out_dir).join("fixture_files.rs"), code)
        .map_err(|e| format!("tests/fixtures: {e}"))
}

/// Reads `src/knowledge/{file}`, renders it with `render` and writes `OUT_DIR/{out}`. Errors
/// come back prefixed with the file name.
fn generate<T: DeserializeOwned>(
    file: &str,
    out: &str,
    render: fn(T) -> Result<String, String>,
) -> Result<(), String> {
    let path = Path::new("src/knowledge").join(file);
    println!("cargo:rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{file}: {e}"))?;
    let data = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
    let code = render(data).map_err(|e| format!("{file}: {e}"))?;
    let out_dir = std::env::var("OUT_DIR").map_err(|e| format!("{file}: OUT_DIR: {e}"))?;
    std::fs::write(Path::new(&out_dir).join(out), code).map_err(|e| format!("{file}: {e}"))
}
