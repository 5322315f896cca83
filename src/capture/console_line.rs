//! The line the extension prints in the DevTools Console of the tab where a payment failure
//! happened: one summary line (`Why 402 · POST host/path → cause (Provider). First step: link`)
//! and collapsed details. Formatted here so the extension's JavaScript only prints it.
//!
//! Everything is plain text: the content script passes each string as an argument after a
//! constant format string, so `%c`/`%s` or markup from a response print literally. Control
//! characters are replaced all the same (a console shows them raw) and long values are cut.

use crate::core::diagnosis::{Diagnosis, EvidenceSource, Step};
use crate::core::evidence::{printable, truncate};
use crate::core::redact;
use crate::core::terms_text;
use crate::report::display::{safe_href, short_url};

/// Characters of one detail line, and of the first step in the summary.
const MAX_LINE_CHARS: usize = 300;
const MAX_STEP_CHARS: usize = 160;

/// Text shown in a console: printable, one line, capped.
fn clean(text: &str, max: usize) -> String {
    let one_line: String = printable(text)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    truncate(one_line.trim(), max)
}

/// A link from the knowledge data or a diagnosis field, only when it is a plain http(s) URL.
fn link(url: Option<&str>) -> Option<String> {
    url.and_then(safe_href)
        .map(|u| clean(&redact::url(u), MAX_LINE_CHARS))
}

/// `cause (Provider)`: the diagnosis summary without a leading `Provider: `, the provider after.
fn headline(d: &Diagnosis) -> String {
    let summary = clean(&d.summary, MAX_LINE_CHARS);
    let Some(name) = d.provider_name.as_deref().map(|n| clean(n, 60)) else {
        return summary;
    };
    match summary.strip_prefix(&format!("{name}: ")) {
        Some(rest) => format!("{rest} ({name})"),
        None if summary.contains(&name) => summary,
        None => format!("{summary} ({name})"),
    }
}

/// The first step, with its own link or else the provider's billing or docs page.
fn first_action(d: &Diagnosis) -> Option<String> {
    let step = d.steps.first()?;
    let text = clean(&step.text, MAX_STEP_CHARS);
    let text = text.trim_end_matches('.');
    if let Some(url) = link(step.link.as_deref()) {
        return Some(format!("{text}: {url}"));
    }
    let more = link(d.billing_url.as_deref())
        .map(|u| format!(" Billing: {u}"))
        .or_else(|| link(d.docs_url.as_deref()).map(|u| format!(" Docs: {u}")))
        .unwrap_or_default();
    Some(format!("{text}.{more}"))
}

fn step_line(n: usize, step: &Step) -> String {
    let mut line = format!("{n}. {}", clean(&step.text, MAX_LINE_CHARS));
    if let Some(url) = link(step.link.as_deref()) {
        line.push_str(&format!(" ({url})"));
    }
    if let Some(snippet) = &step.snippet {
        line.push_str(&format!(" — {}", clean(snippet, MAX_LINE_CHARS)));
    }
    line
}

fn evidence_source(source: EvidenceSource) -> &'static str {
    match source {
        EvidenceSource::Status => "status",
        EvidenceSource::Header => "header",
        EvidenceSource::RequestHeader => "request header",
        EvidenceSource::Body => "body",
        EvidenceSource::Url => "URL",
        EvidenceSource::Capture => "capture",
    }
}

/// The console line for one record, as text for the JS boundary (smaller in wasm than a serde
/// structure): the summary line, then one `key<TAB>value` line per detail, the key repeated for
/// each item of a list (`evidence`, `steps`, `terms`, `findings`; `cause` and `retry` are
/// single). Values hold neither tabs nor line breaks (see `clean`). `updated` marks a later line
/// for the same record, printed only when its cause changed (the extension decides when).
pub fn console_line(method: &str, url: &str, d: &Diagnosis, updated: bool) -> String {
    let tag = if updated {
        "Why 402 (updated)"
    } else {
        "Why 402"
    };
    let method = clean(method, 16);
    let target = clean(&short_url(&redact::url(url)), MAX_LINE_CHARS);
    let mut out = format!("{tag} · {method} {target} → {}", headline(d));
    if let Some(action) = first_action(d) {
        out.push_str(". ");
        out.push_str(&action);
    }
    let mut add = |key: &str, value: String| {
        out.push('\n');
        out.push_str(key);
        out.push('\t');
        out.push_str(&value);
    };

    let explanation = clean(&d.explanation, MAX_LINE_CHARS * 2);
    add(
        "cause",
        format!("{} ({}). {explanation}", d.cause.plain(), d.cause.id()),
    );
    for e in &d.evidence {
        let at = if e.location.is_empty() {
            String::new()
        } else {
            format!(" {}", clean(&e.location, 80))
        };
        let source = evidence_source(e.source);
        add(
            "evidence",
            format!("{source}{at}: {}", clean(&e.value, MAX_LINE_CHARS)),
        );
    }
    for (i, step) in d.steps.iter().enumerate() {
        add("steps", step_line(i + 1, step));
    }
    if let Some(t) = &d.payment {
        for (label, value) in terms_text::lines(t) {
            add(
                "terms",
                format!("{label}: {}", clean(&value, MAX_LINE_CHARS)),
            );
        }
    }
    if let Some(r) = &d.retry {
        let after = crate::decode::time::human_duration(r.after_seconds);
        add(
            "retry",
            format!("after {after} (from {})", clean(&r.source, 60)),
        );
    }
    for f in &d.findings {
        add(
            "findings",
            format!(
                "{}: {} Fix: {}",
                clean(&f.code, 60),
                clean(&f.message, MAX_LINE_CHARS),
                clean(&f.fix, MAX_LINE_CHARS)
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::{Exchange, Header};
    use crate::engine::{diagnose, Context};

    /// The summary and the `(key, value)` detail lines.
    fn parts(text: &str) -> (String, Vec<(String, String)>) {
        let mut lines = text.split('\n');
        let summary = lines.next().unwrap_or_default().to_string();
        let details = lines
            .map(|l| {
                let (k, v) = l
                    .split_once('\t')
                    .unwrap_or_else(|| panic!("no tab: {l:?}"));
                (k.to_string(), v.to_string())
            })
            .collect();
        (summary, details)
    }

    fn values<'a>(details: &'a [(String, String)], key: &str) -> Vec<&'a str> {
        details
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn diagnosed(url: &str, status: u16, body: &str) -> Diagnosis {
        let mut e = Exchange::default();
        e.request.method = "POST".into();
        e.request.url = url.into();
        e.response.status = status;
        e.response
            .headers
            .push(Header::new("Content-Type", "application/json"));
        e.response.content.text = Some(body.into());
        diagnose(&e, &Context::default()).unwrap_or_else(|| panic!("{url} is diagnosed"))
    }

    #[test]
    fn openrouter_out_of_credits() {
        let url = "https://openrouter.ai/api/v1/chat/completions?key=sk-or-v1-abcdef0123456789";
        let d = diagnosed(
            url,
            402,
            r#"{"error":{"code":402,"message":"Insufficient credits. Add more using https://openrouter.ai/settings/credits"}}"#,
        );
        let text = console_line("POST", url, &d, false);
        let (summary, details) = parts(&text);
        assert!(
            summary.starts_with("Why 402 · POST openrouter.ai/api/v1/chat/completions → "),
            "{summary}"
        );
        // The provider's name moves from the summary's front to after it.
        assert!(
            summary.contains("→ Out of credits or balance (OpenRouter). "),
            "{summary}"
        );
        assert!(
            summary.contains("https://openrouter.ai/settings/credits"),
            "{summary}"
        );
        assert!(!text.contains("sk-or"), "no secret: {text}");
        let cause = values(&details, "cause");
        assert_eq!(cause.len(), 1);
        assert!(cause[0].contains("insufficient_balance"), "{cause:?}");
        assert!(!values(&details, "steps").is_empty());
        let evidence = values(&details, "evidence");
        assert!(
            evidence.iter().any(|e| e.starts_with("body")),
            "{evidence:?}"
        );
        let updated = console_line("POST", url, &d, true);
        assert!(updated.starts_with("Why 402 (updated) · POST "));
    }

    #[test]
    fn hostile_text_stays_one_inert_line_each() {
        let mut d = diagnosed("https://x.test/pay", 402, "{}");
        d.evidence.push(crate::Evidence {
            source: EvidenceSource::Body,
            location: "error.message".into(),
            value: "Payment required %c%s <img src=x onerror=alert(1)>\n\tx\u{1b}[31mred".into(),
        });
        let text = console_line("POST\n", "https://x.test/pay\u{1b}[2J", &d, false);
        assert!(!text.contains('\u{1b}'), "{text}");
        // Every line after the summary is key<TAB>value: the body's \n and \t became spaces.
        let (summary, details) = parts(&text);
        assert!(
            summary.starts_with("Why 402 · POST x.test/pay"),
            "{summary}"
        );
        // Nothing is escaped or dropped: the content script prints it as an argument, literally.
        let evidence = values(&details, "evidence");
        assert!(
            evidence
                .iter()
                .any(|e| e.contains("%c%s <img src=x onerror=alert(1)>  x")),
            "{evidence:?}"
        );
    }

    #[test]
    fn only_http_links_are_offered() {
        let mut d = diagnosed("https://x.test/pay", 402, "{}");
        d.steps = vec![Step {
            text: "Pay.".into(),
            link: Some("javascript:alert(1)".into()),
            snippet: None,
        }];
        d.billing_url = Some("https://billing.x.test/".into());
        let (summary, _) = parts(&console_line("GET", "https://x.test/pay", &d, false));
        assert!(!summary.contains("javascript:"), "{summary}");
        assert!(
            summary.ends_with("Pay. Billing: https://billing.x.test/"),
            "{summary}"
        );
    }
}
