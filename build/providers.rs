//! providers.json: one entry per provider (hosts, signatures, rules, steps per cause), rendered
//! as `Provider` literals (src/knowledge/providers.rs).

use std::collections::BTreeSet;

use serde::Deserialize;

use super::literals::{cause, list, nonempty, opt, phrases_lit, strs, variant, Entries};

const CONFIDENCES: [&str; 3] = ["low", "medium", "high"];

#[derive(Deserialize)]
pub(crate) struct ProvidersFile {
    pub(crate) providers: Vec<ProviderDef>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProviderDef {
    pub(crate) id: String,
    name: String,
    kind: String,
    #[serde(default)]
    hosts: Vec<String>,
    #[serde(default)]
    app_hosts: Vec<String>,
    /// What names the provider on an unknown host: `body_any` and `headers` only.
    #[serde(default)]
    signatures: ConditionDef,
    billing_url: Option<String>,
    docs_url: Option<String>,
    #[serde(default)]
    rules: Vec<RuleDef>,
    /// Cause id (or `default`) to steps.
    #[serde(default)]
    steps: Entries<Vec<StepDef>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    when: ConditionDef,
    then: OutcomeDef,
}

#[derive(Deserialize, Default)]
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

pub(crate) fn render(file: ProvidersFile) -> Result<String, String> {
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
        let sig = &p.signatures;
        if !sig.status.is_empty() || !sig.json.is_empty() {
            return Err(format!("{at}: signatures take only body_any and headers"));
        }
        let mut rules = Vec::new();
        for (r, rule_def) in p.rules.iter().enumerate() {
            rules.push(rule(rule_def, &format!("{at}, rules[{r}]"))?);
        }
        out += &format!(
            "Provider {{ id: {:?}, name: {:?}, kind: {:?}, hosts: {}, app_hosts: {}, signatures: Signatures {{ body_any: {}, headers: {} }}, billing_url: {}, docs_url: {}, rules: &[\n{}], steps: &[{}] }},\n",
            p.id,
            p.name,
            p.kind,
            strs(nonempty(&p.hosts, &at)?),
            strs(nonempty(&p.app_hosts, &at)?),
            phrases_lit(&sig.body_any, &at)?,
            headers(&sig.headers, &at)?,
            opt(&p.billing_url),
            opt(&p.docs_url),
            rules.join(",\n"),
            cause_steps(&p.steps, &at)?,
        );
    }
    Ok(out + "]\n")
}

/// One rule as a `Rule` literal.
fn rule(rule: &RuleDef, at: &str) -> Result<String, String> {
    let w = &rule.when;
    if w.status.is_empty() && w.json.is_empty() && w.body_any.is_empty() && w.headers.is_empty() {
        return Err(format!("{at}: no condition"));
    }
    let t = &rule.then;
    let steps = match &t.steps {
        Some(s) => format!("Some({})", steps(s, at)?),
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
            strs(nonempty(&one_of, at)?)
        ));
    }
    Ok(format!(
        "Rule {{ when: Condition {{ status: &{:?}, json: &[{}], body_any: {}, headers: {} }}, then: Outcome {{ cause: {}, confidence: {}, summary: {}, explanation: {}, steps: {steps}, hide_provider: {} }} }}",
        w.status,
        json.join(", "),
        phrases_lit(&w.body_any, at)?,
        headers(&w.headers, at)?,
        cause(&t.cause, at)?,
        variant("Confidence", &CONFIDENCES, &t.confidence, at)?,
        opt(&t.summary),
        opt(&t.explanation),
        t.hide_provider,
    ))
}

/// The steps per cause (`default`: for any cause) as `CauseSteps` literals, comma-joined.
fn cause_steps(by_cause: &Entries<Vec<StepDef>>, at: &str) -> Result<String, String> {
    let mut out = Vec::new();
    for (key, s) in &by_cause.0 {
        let at = format!("{at}, steps.{key}");
        let key = match key.as_str() {
            "default" => "None".to_string(),
            id => format!("Some({})", cause(id, &at)?),
        };
        if s.is_empty() {
            return Err(format!("{at}: no steps"));
        }
        out.push(format!(
            "CauseSteps {{ cause: {key}, steps: {} }}",
            steps(s, &at)?
        ));
    }
    Ok(out.join(", "))
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
