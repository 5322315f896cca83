//! Turns the knowledge files in src/knowledge/*.json (the one place to edit them) into static
//! Rust values in OUT_DIR, which src/knowledge/*.rs `include!`. Parsing here instead of at run
//! time keeps serde's deserialisers and the JSON text out of the wasm build, and bad data fails
//! the build with the file and entry named.

use std::collections::BTreeSet;
use std::path::Path;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// The cause ids of `core::diagnosis::Cause`. A new cause goes in both places; the generated
/// code names the enum variants, so a mismatch does not compile.
const CAUSES: [&str; 10] = [
    "payment_method_missing",
    "insufficient_balance",
    "plan_limit_reached",
    "payment_declined",
    "payment_processing_error",
    "rate_limited",
    "account_suspended",
    "payment_challenge",
    "payment_rejected",
    "unknown",
];
const CONFIDENCES: [&str; 3] = ["low", "medium", "high"];
/// `processors::Actor`: who must act on a processor's code.
const ACTORS: [&str; 2] = ["customer", "merchant"];
/// `stripe::RetryAdvice`.
const RETRY: [&str; 4] = ["never", "after_fix", "later", "now"];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let result = (|| -> Result<(), String> {
        generate("providers.json", "providers.rs", providers)?;
        generate("stripe_declines.json", "stripe_declines.rs", stripe)?;
        generate("chains.json", "chains.rs", chains)?;
        generate("phrases.json", "phrases.rs", phrases)?;
        generate("processors.json", "processors.rs", processors)
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

// ---- The files' shapes. Unknown fields are errors, so a misspelt key is caught. ----

#[derive(Deserialize)]
struct ProvidersFile {
    providers: Vec<ProviderDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderDef {
    id: String,
    name: String,
    kind: String,
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default)]
    app_hosts: Vec<String>,
    #[serde(default)]
    signatures: SignaturesDef,
    billing_url: Option<String>,
    docs_url: Option<String>,
    #[serde(default)]
    rules: Vec<RuleDef>,
    /// Cause id (or `default`) to steps.
    #[serde(default)]
    steps: Entries<Vec<StepDef>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SignaturesDef {
    #[serde(default)]
    body_any: Vec<String>,
    #[serde(default)]
    headers: Vec<HeaderDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    when: ConditionDef,
    then: OutcomeDef,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConditionDef {
    #[serde(default)]
    status: Vec<u16>,
    #[serde(default)]
    json: Vec<JsonCondDef>,
    #[serde(default)]
    body_any: Vec<String>,
    #[serde(default)]
    headers: Vec<HeaderDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonCondDef {
    path: String,
    equals: Option<String>,
    #[serde(default)]
    one_of: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderDef {
    name: String,
    equals: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeDef {
    cause: String,
    confidence: String,
    summary: Option<String>,
    explanation: Option<String>,
    steps: Option<Vec<StepDef>>,
    #[serde(default)]
    hide_provider: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepDef {
    text: String,
    link: Option<String>,
    snippet: Option<String>,
}

#[derive(Deserialize)]
struct StripeFile {
    declines: Entries<CodeDef>,
    codes: Entries<CodeDef>,
    advice: Entries<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeDef {
    cause: Option<String>,
    meaning: String,
    retry: String,
    merchant: String,
    customer: Option<String>,
    #[serde(default)]
    hide: bool,
    #[serde(default)]
    local_payment_method: bool,
}

#[derive(Deserialize)]
struct ProcessorsFile {
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

#[derive(Deserialize)]
struct ChainsFile {
    networks: Vec<NetworkDef>,
    assets: Vec<AssetDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NetworkDef {
    id: String,
    v1: Option<String>,
    name: String,
    testnet: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssetDef {
    network: String,
    address: String,
    symbol: String,
    decimals: u32,
    eip712_name: Option<String>,
    eip712_version: Option<String>,
}

#[derive(Deserialize)]
struct PhrasesFile {
    auth: Vec<String>,
    causes: Vec<CausePhrasesDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CausePhrasesDef {
    cause: String,
    #[serde(default)]
    strong: Vec<String>,
    #[serde(default)]
    weak: Vec<String>,
}

/// A JSON object as its entries in file order, refusing a key seen twice (a map would keep
/// only the last one, silently).
struct Entries<T>(Vec<(String, T)>);

impl<T> Default for Entries<T> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Entries<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Entries<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<T>, A::Error> {
                let mut entries: Vec<(String, T)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, T>()? {
                    if entries.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
                    }
                    entries.push((key, value));
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

// ---- Rendering: each file becomes struct literals of the module's own types (declared in
// src/knowledge/*.rs), so a field renamed, added or reordered there fails the build instead of
// being read in the wrong place. Causes and other enums are written as their variants.

fn providers(file: ProvidersFile) -> Result<String, String> {
    let mut ids = BTreeSet::new();
    let mut out = String::from("[\n");
    for (n, p) in file.providers.iter().enumerate() {
        let at = format!("provider `{}`", p.id);
        if p.id.is_empty() || p.name.is_empty() || p.kind.is_empty() {
            return Err(format!("providers[{n}]: empty id, name or kind"));
        }
        if !ids.insert(&p.id) {
            return Err(format!("{at}: duplicate id"));
        }
        let mut rules = Vec::new();
        for (r, rule) in p.rules.iter().enumerate() {
            let at = format!("{at}, rules[{r}]");
            let w = &rule.when;
            if w.status.is_empty()
                && w.json.is_empty()
                && w.body_any.is_empty()
                && w.headers.is_empty()
            {
                return Err(format!("{at}: no condition"));
            }
            let t = &rule.then;
            let steps = match &t.steps {
                Some(s) => format!("Some({})", steps(s, &at)?),
                None => "None".into(),
            };
            let mut json = Vec::new();
            for j in &w.json {
                // `equals` is a one-value `one_of`.
                let mut one_of: Vec<String> = j.equals.iter().cloned().collect();
                one_of.extend(j.one_of.iter().cloned());
                json.push(format!(
                    "JsonCondition {{ path: {:?}, one_of: {} }}",
                    j.path,
                    strs(nonempty(&one_of, &at)?)
                ));
            }
            rules.push(format!(
                "Rule {{ when: Condition {{ status: &{:?}, json: &[{}], body_any: {}, headers: {} }}, then: Outcome {{ cause: {}, confidence: {}, summary: {}, explanation: {}, steps: {steps}, hide_provider: {} }} }}",
                w.status,
                json.join(", "),
                phrases_lit(&w.body_any, &at)?,
                headers(&w.headers, &at)?,
                cause(&t.cause, &at)?,
                variant("Confidence", &CONFIDENCES, &t.confidence, &at)?,
                opt(&t.summary),
                opt(&t.explanation),
                t.hide_provider,
            ));
        }
        let mut by_cause = Vec::new();
        for (key, s) in &p.steps.0 {
            let at = format!("{at}, steps.{key}");
            let key = match key.as_str() {
                "default" => "None".to_string(),
                id => format!("Some({})", cause(id, &at)?),
            };
            if s.is_empty() {
                return Err(format!("{at}: no steps"));
            }
            by_cause.push(format!(
                "CauseSteps {{ cause: {key}, steps: {} }}",
                steps(s, &at)?
            ));
        }
        out += &format!(
            "Provider {{ id: {:?}, name: {:?}, kind: {:?}, hosts: {}, app_hosts: {}, signatures: Signatures {{ body_any: {}, headers: {} }}, billing_url: {}, docs_url: {}, rules: &[\n{}], steps: &[{}] }},\n",
            p.id,
            p.name,
            p.kind,
            strs(nonempty(&p.hosts, &at)?),
            strs(nonempty(&p.app_hosts, &at)?),
            phrases_lit(&p.signatures.body_any, &at)?,
            headers(&p.signatures.headers, &at)?,
            opt(&p.billing_url),
            opt(&p.docs_url),
            rules.join(",\n"),
            by_cause.join(", "),
        );
    }
    Ok(out + "]\n")
}

fn stripe(file: StripeFile) -> Result<String, String> {
    let codes = |name: &str, entries: &Entries<CodeDef>| -> Result<String, String> {
        let mut out = Vec::new();
        for (code, c) in &entries.0 {
            let at = format!("{name}.{code}");
            if c.customer.as_deref() == Some("") {
                return Err(format!("{at}: empty customer"));
            }
            out.push(format!(
                "({code:?}, CodeInfo {{ cause: {}, meaning: {:?}, retry: {}, merchant: {:?}, customer: {}, hide: {}, local_payment_method: {} }})",
                opt_cause(&c.cause, &at)?,
                c.meaning,
                variant("RetryAdvice", &RETRY, &c.retry, &at)?,
                c.merchant,
                opt(&c.customer),
                c.hide,
                c.local_payment_method,
            ));
        }
        Ok(format!("&[\n{}]", out.join(",\n")))
    };
    let advice = list(&file.advice.0, |(code, text)| {
        format!("({code:?}, {text:?})")
    });
    Ok(format!(
        "static TABLE: Table = Table {{ declines: {}, codes: {}, advice: {advice} }};\n",
        codes("declines", &file.declines)?,
        codes("codes", &file.codes)?,
    ))
}

/// Processors as `Processor` values; each code (and each of its other spellings) becomes one
/// `Code`. The provider id must exist in providers.json, which stays the one place for a
/// provider's name, hosts and links.
fn processors(file: ProcessorsFile) -> Result<String, String> {
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

fn chains(file: ChainsFile) -> Result<String, String> {
    let mut names = BTreeSet::new();
    for n in &file.networks {
        for name in std::iter::once(&n.id).chain(&n.v1) {
            if !names.insert(name.to_ascii_lowercase()) {
                return Err(format!("network `{}`: `{name}` is already used", n.id));
            }
        }
    }
    for a in &file.assets {
        if !file.networks.iter().any(|n| n.id == a.network) {
            return Err(format!(
                "asset {}: unknown network `{}`",
                a.address, a.network
            ));
        }
    }
    let networks = list(&file.networks, |n| {
        format!(
            "Network {{ id: {:?}, v1: {}, name: {:?}, testnet: {} }}",
            n.id,
            opt(&n.v1),
            n.name,
            n.testnet
        )
    });
    let assets = list(&file.assets, |a| {
        format!(
            "Asset {{ network: {:?}, address: {:?}, symbol: {:?}, decimals: {}, eip712_name: {}, eip712_version: {} }}",
            a.network,
            a.address,
            a.symbol,
            a.decimals,
            opt(&a.eip712_name),
            opt(&a.eip712_version)
        )
    });
    Ok(format!(
        "Table {{ networks: {networks}, assets: {assets} }}\n"
    ))
}

fn phrases(file: PhrasesFile) -> Result<String, String> {
    let mut causes = Vec::new();
    for (n, c) in file.causes.iter().enumerate() {
        let at = format!("causes[{n}]");
        causes.push(format!(
            "CausePhrases {{ cause: {}, strong: {}, weak: {} }}",
            cause(&c.cause, &at)?,
            phrases_lit(&c.strong, &at)?,
            phrases_lit(&c.weak, &at)?
        ));
    }
    Ok(format!(
        "PhraseBook {{ auth: {}, causes: &[\n{}] }}\n",
        phrases_lit(&file.auth, "auth")?,
        causes.join(",\n")
    ))
}

// ---- Literals. `{:?}` of a str is a valid Rust string literal. ----

fn list<T>(items: &[T], item: impl Fn(&T) -> String) -> String {
    format!(
        "&[{}]",
        items.iter().map(item).collect::<Vec<_>>().join(", ")
    )
}

/// A `&[&str]` literal.
fn strs<S: AsRef<str>>(items: &[S]) -> String {
    list(items, |s| format!("{:?}", s.as_ref()))
}

/// List items must not be empty (an empty phrase would match everything).
fn nonempty<'a>(items: &'a [String], at: &str) -> Result<&'a [String], String> {
    if items.iter().any(String::is_empty) {
        return Err(format!("{at}: empty list item"));
    }
    Ok(items)
}

/// Phrases are matched against lowercased text, so they are lowercased here once.
fn phrases_lit(items: &[String], at: &str) -> Result<String, String> {
    let lower: Vec<String> = nonempty(items, at)?
        .iter()
        .map(|s| s.to_lowercase())
        .collect();
    Ok(strs(&lower))
}

fn opt(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("Some({s:?})"),
        None => "None".into(),
    }
}

/// `Some(Cause::…)`, or `None`.
fn opt_cause(id: &Option<String>, at: &str) -> Result<String, String> {
    Ok(match id {
        Some(id) => format!("Some({})", cause(id, at)?),
        None => "None".into(),
    })
}

/// Steps as a `&[StepText]` literal.
fn steps(steps: &[StepDef], at: &str) -> Result<String, String> {
    for s in steps {
        if s.text.is_empty() || s.link.as_deref() == Some("") || s.snippet.as_deref() == Some("") {
            return Err(format!("{at}: empty step text, link or snippet"));
        }
    }
    Ok(list(steps, |s| {
        format!(
            "StepText {{ text: {:?}, link: {}, snippet: {} }}",
            s.text,
            opt(&s.link),
            opt(&s.snippet)
        )
    }))
}

/// Headers as a `&[HeaderCondition]` literal.
fn headers(headers: &[HeaderDef], at: &str) -> Result<String, String> {
    if headers
        .iter()
        .any(|h| h.name.is_empty() || h.equals.as_deref() == Some(""))
    {
        return Err(format!("{at}: empty header name or value"));
    }
    Ok(list(headers, |h| {
        format!(
            "HeaderCondition {{ name: {:?}, equals: {} }}",
            h.name,
            opt(&h.equals)
        )
    }))
}

fn cause(id: &str, at: &str) -> Result<String, String> {
    variant("Cause", &CAUSES, id, at)
}

/// `Enum::Variant` for a snake_case id from `known`, else an error listing the known ids.
fn variant(ty: &str, known: &[&str], id: &str, at: &str) -> Result<String, String> {
    if !known.contains(&id) {
        return Err(format!(
            "{at}: unknown {} `{id}` (known: {})",
            ty.to_lowercase(),
            known.join(", ")
        ));
    }
    let camel: String = id
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    Ok(format!("{ty}::{camel}"))
}
