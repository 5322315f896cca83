//! The line the extension prints in the DevTools Console of the tab where a payment failure
//! happened: one summary line (`Why 402 · POST host/path → cause (Provider). First step: link`)
//! and collapsed details. Formatted here so the extension's JavaScript only prints it.
//!
//! Everything is plain text: the content script passes each string as an argument after a
//! constant format string, so `%c`/`%s` or markup from a response print literally. Control
//! characters are replaced all the same (a console shows them raw) and long values are cut.

use super::display::{safe_href, short_url};
use crate::core::diagnosis::{Diagnosis, EvidenceSource, Step};
use crate::core::evidence::{printable, truncate};
use crate::core::redact;
use crate::report::payment_lines;

/// Characters of one detail line, and of the first step in the summary.
const MAX_LINE_CHARS: usize = 300;
const MAX_STEP_CHARS: usize = 160;

/// What the content script prints: `summary` as the warning's text, `details` as the object
/// shown collapsed under it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleLine {
    pub summary: String,
    pub details: Details,
}

/// The collapsed part. DevTools lists an object's keys alphabetically, which here is also the
/// reading order (cause first, the decoded terms last).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details {
    pub cause: String,
    pub evidence: Vec<String>,
    pub findings: Vec<String>,
    pub retry: Option<String>,
    pub steps: Vec<String>,
    pub terms: Vec<String>,
}

impl ConsoleLine {
    /// The line as text for the JS boundary (smaller in wasm than a serde `Serialize`): the
    /// summary, then one `key<TAB>value` line per detail, keys repeated for lists. Values
    /// hold neither tabs nor line breaks (see `clean`).
    pub fn to_text(&self) -> String {
        let d = &self.details;
        let mut out = self.summary.clone();
        let mut add = |key: &str, value: &str| {
            out.push('\n');
            out.push_str(key);
            out.push('\t');
            out.push_str(value);
        };
        add("cause", &d.cause);
        let lists = [
            ("evidence", &d.evidence),
            ("findings", &d.findings),
            ("steps", &d.steps),
            ("terms", &d.terms),
        ];
        for (key, list) in lists {
            for value in list.iter() {
                add(key, value);
            }
        }
        if let Some(r) = &d.retry {
            add("retry", r);
        }
        out
    }
}

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

/// The console line for one record. `updated` marks a second line for the same record, printed
/// only when its cause changed (the extension decides when).
pub fn console_line(method: &str, url: &str, d: &Diagnosis, updated: bool) -> ConsoleLine {
    let tag = if updated {
        "Why 402 (updated)"
    } else {
        "Why 402"
    };
    let method = clean(method, 16);
    let target = clean(&short_url(&redact::url(url)), MAX_LINE_CHARS);
    let mut summary = format!("{tag} · {method} {target} → {}", headline(d));
    if let Some(action) = first_action(d) {
        summary.push_str(". ");
        summary.push_str(&action);
    }

    let mut details = Details {
        cause: format!(
            "{} ({}). {}",
            d.cause.plain(),
            d.cause.id(),
            clean(&d.explanation, MAX_LINE_CHARS * 2)
        ),
        ..Details::default()
    };
    details.evidence = d
        .evidence
        .iter()
        .map(|e| {
            let at = if e.location.is_empty() {
                String::new()
            } else {
                format!(" {}", clean(&e.location, 80))
            };
            let source = evidence_source(e.source);
            format!("{source}{at}: {}", clean(&e.value, MAX_LINE_CHARS))
        })
        .collect();
    details.steps = d
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| step_line(i + 1, s))
        .collect();
    if let Some(t) = &d.payment {
        details.terms = payment_lines(t)
            .into_iter()
            .map(|(label, value)| format!("{label}: {}", clean(&value, MAX_LINE_CHARS)))
            .collect();
    }
    details.retry = d.retry.as_ref().map(|r| {
        format!(
            "after {} (from {})",
            crate::decode::time::human_duration(r.after_seconds),
            clean(&r.source, 60)
        )
    });
    details.findings = d
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}: {} Fix: {}",
                clean(&f.code, 60),
                clean(&f.message, MAX_LINE_CHARS),
                clean(&f.fix, MAX_LINE_CHARS)
            )
        })
        .collect();
    ConsoleLine { summary, details }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::engine::{diagnose, Context};
    use crate::core::exchange::{Exchange, Header};

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
        let line = console_line("POST", url, &d, false);
        assert!(
            line.summary
                .starts_with("Why 402 · POST openrouter.ai/api/v1/chat/completions → "),
            "{}",
            line.summary
        );
        // The provider's name moves from the summary's front to after it.
        assert!(
            line.summary
                .contains("→ Out of credits or balance (OpenRouter). "),
            "{}",
            line.summary
        );
        assert!(
            line.summary
                .contains("https://openrouter.ai/settings/credits"),
            "{}",
            line.summary
        );
        assert!(
            !line.summary.contains("sk-or"),
            "no secret: {}",
            line.summary
        );
        assert!(line.details.cause.contains("insufficient_balance"));
        assert!(!line.details.steps.is_empty());
        assert!(
            line.details.evidence.iter().any(|e| e.starts_with("body")),
            "{:?}",
            line.details.evidence
        );
        let updated = console_line("POST", url, &d, true);
        assert!(updated.summary.starts_with("Why 402 (updated) · POST "));
    }

    #[test]
    fn hostile_text_stays_one_inert_line() {
        let mut d = diagnosed("https://x.test/pay", 402, "{}");
        d.evidence.push(crate::Evidence {
            source: EvidenceSource::Body,
            location: "error.message".into(),
            value: "Payment required %c%s <img src=x onerror=alert(1)>\n\u{1b}[31mred".into(),
        });
        let line = console_line("POST\n", "https://x.test/pay\u{1b}[2J", &d, false);
        let text = line.to_text();
        assert!(!text.contains('\u{1b}'), "{text}");
        assert_eq!(
            text.lines().count(),
            1 + 1 + line.details.evidence.len() + line.details.steps.len()
        );
        for text in std::iter::once(&line.summary).chain(&line.details.evidence) {
            assert!(!text.contains('\n'), "{text}");
        }
        // Nothing is escaped or dropped: the content script prints it as an argument, literally.
        assert!(
            line.details
                .evidence
                .iter()
                .any(|e| e.contains("%c%s <img")),
            "{:?}",
            line.details.evidence
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
        let line = console_line("GET", "https://x.test/pay", &d, false);
        assert!(!line.summary.contains("javascript:"), "{}", line.summary);
        assert!(
            line.summary
                .ends_with("Pay. Billing: https://billing.x.test/"),
            "{}",
            line.summary
        );
    }
}
