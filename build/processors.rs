//! processors.json: the payment processors' error vocabularies, rendered as the `Processor`
//! literals of src/knowledge/processors.rs.

use std::collections::BTreeSet;

use serde::Deserialize;

use super::literals::{nonempty, opt, opt_cause, phrases_lit, strs, variant, Entries};
use super::providers::ProvidersFile;

/// `processors::Actor`: who must act on a processor's code.
const ACTORS: [&str; 2] = ["customer", "merchant"];

#[derive(Deserialize)]
pub(crate) struct ProcessorsFile {
    suspended_phrases: Vec<String>,
    processors: Vec<ProcessorDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProcessorDef {
    provider: String,
    docs: String,
    shapes: Vec<Vec<String>>,
    codes_at: Vec<String>,
    #[serde(default)]
    messages_at: Vec<String>,
    /// Plain customer-side declines: no meaning of their own (the processor's message says it).
    #[serde(default)]
    declines: Vec<String>,
    codes: Entries<ProcessorCodeDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProcessorCodeDef {
    cause: Option<String>,
    meaning: String,
    acts: String,
    step: Option<String>,
    #[serde(default)]
    also: Vec<String>,
}

/// Processors as `Processor` values; each code (and each of its other spellings) becomes one
/// `Code`. The provider id must exist in providers.json, which stays the one place for a
/// provider's name, hosts and links.
pub(crate) fn render(file: ProcessorsFile) -> Result<String, String> {
    let providers = std::fs::read_to_string("src/knowledge/providers.json")
        .map_err(|e| format!("providers.json: {e}"))?;
    let providers: ProvidersFile =
        serde_json::from_str(&providers).map_err(|e| format!("providers.json: {e}"))?;
    let mut out = format!(
        "static SUSPENDED: &[&str] = {};\nstatic PROCESSORS: &[Processor] = &[\n",
        phrases_lit(&file.suspended_phrases, "suspended_phrases")?
    );
    let mut seen = BTreeSet::new();
    for p in &file.processors {
        let at = format!("processor `{}`", p.provider);
        if !providers.providers.iter().any(|d| d.id == p.provider) {
            return Err(format!("{at}: no provider with this id in providers.json"));
        }
        if !seen.insert(&p.provider) {
            return Err(format!("{at}: duplicate"));
        }
        if p.shapes.iter().any(Vec::is_empty) || p.codes_at.is_empty() {
            return Err(format!("{at}: empty shape or no codes_at"));
        }
        let mut shapes = Vec::new();
        for s in &p.shapes {
            shapes.push(strs(nonempty(s, &at)?));
        }
        let mut codes = Vec::new();
        let mut keys = BTreeSet::new();
        for (code, c) in &p.codes.0 {
            let at = format!("{at}, codes.{code}");
            if c.meaning.is_empty() || c.step.as_deref() == Some("") {
                return Err(format!("{at}: empty meaning or step"));
            }
            let actor = variant("Actor", &ACTORS, &c.acts, &at)?;
            for key in std::iter::once(code).chain(&c.also) {
                // Codes are matched case-insensitively: stored lowercased, once.
                let key = key.to_ascii_lowercase();
                if key.is_empty() || !keys.insert(key.clone()) {
                    return Err(format!("{at}: empty or duplicate code `{key}`"));
                }
                codes.push(format!(
                    "Code {{ code: {key:?}, cause: {}, meaning: {:?}, actor: {actor}, step: {} }}",
                    opt_cause(&c.cause, &at)?,
                    c.meaning,
                    opt(&c.step),
                ));
            }
        }
        for code in &p.declines {
            let key = code.to_ascii_lowercase();
            if key.is_empty() || !keys.insert(key.clone()) {
                return Err(format!("{at}, declines: empty or duplicate code `{key}`"));
            }
            codes.push(format!(
                "Code {{ code: {key:?}, cause: None, meaning: \"\", actor: Actor::Customer, step: None }}"
            ));
        }
        out += &format!(
            "Processor {{ provider: {:?}, docs: {:?}, shapes: &[{}], codes_at: {}, messages_at: {}, codes: &[\n{}] }},\n",
            p.provider,
            p.docs,
            shapes.join(", "),
            strs(nonempty(&p.codes_at, &at)?),
            strs(nonempty(&p.messages_at, &at)?),
            codes.join(",\n"),
        );
    }
    Ok(out + "];\n")
}
