//! The Markdown report of diagnoses: the CLI's `--format markdown` and the extension's
//! "Copy report", meant to be pasted into an issue or a chat.
//!
//! Everything that came from a response is untrusted, so the report is inert whatever the
//! server sent: prose is escaped (no HTML, no emphasis, no links, no autolinks), values go in code
//! spans or fenced blocks sized to their content, table cells cannot be broken out of, and the
//! only links are `http(s)` addresses from the diagnosis's own link fields (knowledge data).
//! URLs are shown with secrets redacted.

pub mod display;

use crate::core::diagnosis::{CorsVisibility, Diagnosis, PaymentTerms, Retry, Severity, Step};
use crate::core::evidence::printable;
use crate::core::{provenance, redact, terms_text};

/// One diagnosed exchange to report.
#[derive(Debug, Clone, Copy)]
pub struct ReportItem<'a> {
    /// The section's number (the CLI gives the 0-based HAR `log.entries` index).
    pub index: usize,
    pub method: &'a str,
    pub url: &'a str,
    pub diagnosis: &'a Diagnosis,
}

/// The whole report: a title, a one-line count and one section per record. A record is
/// `(number, method, url, diagnosis)`; the number labels the section (the extension counts
/// from 1, the CLI gives the HAR index).
pub fn markdown(records: &[(usize, String, String, Diagnosis)]) -> String {
    let mut out = String::from("# Why 402 report\n\n");
    out.push_str(&match records.len() {
        0 => "No payment problems found.\n".to_string(),
        1 => "1 payment problem found.\n".to_string(),
        n => format!("{n} payment problems found.\n"),
    });
    for (index, method, url, diagnosis) in records {
        out.push('\n');
        out.push_str(&markdown_entry(&ReportItem {
            index: *index,
            method,
            url,
            diagnosis,
        }));
    }
    out
}

/// Escapes untrusted text for use inline in Markdown prose: nothing in it can become markup,
/// HTML, a link or an autolink. Line breaks become spaces; secrets are redacted.
pub fn escape(text: &str) -> String {
    let clean = printable(&redact::text(text));
    let chars: Vec<char> = clean.chars().collect();
    let mut out = String::with_capacity(clean.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            // `scheme://` and `www.` would be autolinked by GitHub: escape the punctuation.
            ':' if chars.get(i + 1) == Some(&'/') && chars.get(i + 2) == Some(&'/') => {
                out.push_str("\\:")
            }
            '.' if i >= 3
                && chars
                    .get(i - 3..i)
                    .is_some_and(|w| w.iter().all(|c| c.eq_ignore_ascii_case(&'w'))) =>
            {
                out.push_str("\\.")
            }
            _ => out.push(c),
        }
    }
    // A paragraph must not start a block construct (list item, heading, quote, rule).
    if let Some(first) = out.chars().next() {
        if matches!(first, '-' | '+' | '=') {
            out.insert(0, '\\');
        }
        let digits = out.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && matches!(out.as_bytes().get(digits), Some(b'.') | Some(b')')) {
            out.insert(digits, '\\');
        }
    }
    out
}

/// An inline code span holding `text` literally (backticks inside are fenced around).
pub fn code(text: &str) -> String {
    code_span(text, false)
}

/// A code span safe inside a table cell (pipes escaped as GFM requires).
fn code_cell(text: &str) -> String {
    code_span(text, true)
}

fn code_span(text: &str, in_table: bool) -> String {
    let mut content: String = printable(text)
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    if content.trim().is_empty() {
        return "*(empty)*".to_string();
    }
    if in_table {
        content = content.replace('|', "\\|");
    }
    let fence = "`".repeat(longest_run(&content, '`') + 1);
    let pad = if content.starts_with('`') || content.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{content}{pad}{fence}")
}

fn longest_run(text: &str, ch: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// A fenced code block holding `text` literally.
fn code_block(text: &str, indent: &str) -> String {
    let text = printable(text);
    let fence = "`".repeat(longest_run(&text, '`').max(2) + 1);
    let mut out = format!("{indent}{fence}\n");
    for line in text.lines() {
        out.push_str(indent);
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str(&fence);
    out.push('\n');
    out
}

/// `link` for knowledge links; a URL the server sent is labelled "from the response (host)"
/// instead, and is clickable only when https.
fn labelled_link(d: &Diagnosis, label: &str, url: &str) -> String {
    if !d.response_links.iter().any(|l| l == url) {
        return link(label, url);
    }
    let label = format!(
        "from the response ({})",
        provenance::host(url).unwrap_or("no host")
    );
    if provenance::is_https(url) {
        link(&label, url)
    } else {
        format!("{} {}", escape(&label), code(url))
    }
}

/// A link when `url` is a plain http(s) address, else the address as inert code.
fn link(label: &str, url: &str) -> String {
    // The same rule as the extension's links: absolute http(s) with a host, nothing a renderer
    // would reinterpret.
    if display::safe_href(url).is_none() {
        return format!("{} {}", escape(label), code(url));
    }
    let mut target = String::new();
    for c in redact::link(url).chars() {
        match c {
            '(' => target.push_str("%28"),
            ')' => target.push_str("%29"),
            '<' => target.push_str("%3C"),
            '>' => target.push_str("%3E"),
            '`' => target.push_str("%60"),
            '"' => target.push_str("%22"),
            '\\' => target.push_str("%5C"),
            '|' => target.push_str("%7C"),
            _ => target.push(c),
        }
    }
    format!("[{}]({target})", escape(label))
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Info => "Info",
        Severity::Warning => "Warning",
        Severity::Error => "Error",
    }
}

fn step_markdown(d: &Diagnosis, n: usize, step: &Step) -> String {
    let mut out = format!("{n}. {}", escape(&step.text));
    if let Some(url) = &step.link {
        out.push_str(&format!(" ({})", labelled_link(d, "link", url)));
    }
    out.push('\n');
    if let Some(snippet) = &step.snippet {
        out.push('\n');
        out.push_str(&code_block(snippet, "   "));
        out.push('\n');
    }
    out
}

/// One item's section.
pub fn markdown_entry(item: &ReportItem<'_>) -> String {
    let d = item.diagnosis;
    let mut out = String::new();
    headline(item, &mut out);
    facts_table(d, &mut out);
    if !d.explanation.is_empty() {
        out.push_str(&escape(&d.explanation));
        out.push_str("\n\n");
    }
    evidence(d, &mut out);
    if let Some(terms) = &d.payment {
        payment_terms(terms, &mut out);
    }
    if let Some(r) = &d.retry {
        retry(r, &mut out);
    }
    steps(d, &mut out);
    findings(d, &mut out);
    if let Some(c) = &d.cors {
        cors(c, &mut out);
    }
    out
}

/// The section heading (request) and the summary in bold.
fn headline(item: &ReportItem<'_>, out: &mut String) {
    let method = if item.method.is_empty() {
        String::new()
    } else {
        format!("{} ", escape(item.method))
    };
    let url = if item.url.is_empty() {
        "(no URL)".to_string()
    } else {
        code(&redact::url(item.url))
    };
    out.push_str(&format!("## Entry {}: {method}{url}\n\n", item.index));
    out.push_str(&format!("**{}**\n\n", escape(&item.diagnosis.summary)));
}

/// Cause, provider, protocol, status and confidence as a two-column table.
fn facts_table(d: &Diagnosis, out: &mut String) {
    out.push_str("| | |\n|---|---|\n");
    out.push_str(&format!(
        "| Cause | {} ({}) |\n",
        escape(d.cause.plain()),
        code_cell(d.cause.id())
    ));
    if let Some(id) = &d.provider {
        let name = d.provider_name.as_deref().unwrap_or(id);
        out.push_str(&format!(
            "| Provider | {} ({}) |\n",
            escape(name),
            code_cell(id)
        ));
    }
    if let Some(p) = d.protocol {
        out.push_str(&format!("| Protocol | {} |\n", escape(p.display())));
    }
    out.push_str(&format!("| HTTP status | {} |\n", d.status));
    out.push_str(&format!("| Confidence | {} |\n\n", d.confidence.word()));
}

fn evidence(d: &Diagnosis, out: &mut String) {
    if d.evidence.is_empty() {
        return;
    }
    out.push_str("### Evidence\n\n| Source | Where | Value |\n|---|---|---|\n");
    for e in &d.evidence {
        let location = if e.location.is_empty() {
            String::new()
        } else {
            code_cell(&e.location)
        };
        out.push_str(&format!(
            "| {} | {location} | {} |\n",
            e.source.label(),
            code_cell(&e.value)
        ));
    }
    out.push('\n');
}

/// The terms' labelled lines, then each alternative's as a nested list.
fn payment_terms(terms: &PaymentTerms, out: &mut String) {
    out.push_str("### Payment terms\n\n");
    for (label, value) in terms_text::lines(terms) {
        out.push_str(&format!("- {label}: {}\n", code(&value)));
    }
    for (i, alt) in terms.alternatives.iter().enumerate() {
        out.push_str(&format!("- Alternative {}:\n", i + 1));
        for (label, value) in terms_text::lines(alt) {
            out.push_str(&format!("  - {label}: {}\n", code(&value)));
        }
    }
    out.push('\n');
}

fn retry(r: &Retry, out: &mut String) {
    out.push_str(&format!(
        "### Retry\n\nRetry after {}, from the {} header.\n\n",
        r.wait(code),
        code(&r.source)
    ));
}

/// "How to fix": the numbered steps, then the provider's pages on one line.
fn steps(d: &Diagnosis, out: &mut String) {
    if !d.steps.is_empty() {
        out.push_str("### How to fix\n\n");
        for (i, step) in d.steps.iter().enumerate() {
            out.push_str(&step_markdown(d, i + 1, step));
        }
        out.push('\n');
    }
    let mut links = Vec::new();
    if let Some(u) = &d.billing_url {
        links.push(labelled_link(d, "Billing page", u));
    }
    if let Some(u) = &d.docs_url {
        links.push(labelled_link(d, "Error documentation", u));
    }
    if !links.is_empty() {
        out.push_str(&links.join(" · "));
        out.push_str("\n\n");
    }
}

fn findings(d: &Diagnosis, out: &mut String) {
    if d.findings.is_empty() {
        return;
    }
    out.push_str("### Findings\n\n");
    for f in &d.findings {
        out.push_str(&format!(
            "- **{}** {}: {} Fix: {}\n",
            severity_name(f.severity),
            code(&f.code),
            escape(&f.message),
            escape(&f.fix)
        ));
    }
    out.push('\n');
}

fn cors(c: &CorsVisibility, out: &mut String) {
    out.push_str("### Browser visibility (CORS)\n\n");
    if c.page_can_read_response {
        out.push_str("Page JavaScript can read this response.");
    } else {
        out.push_str(
            "Page JavaScript cannot read this response: the browser reports a network error \
             (\"Failed to fetch\") instead of the 402.",
        );
    }
    if !c.hidden_headers.is_empty() {
        let names: Vec<String> = c.hidden_headers.iter().map(|h| code(h)).collect();
        out.push_str(&format!(
            " Headers hidden from page JavaScript: {}.",
            names.join(", ")
        ));
    }
    out.push_str("\n\n");
}

#[cfg(test)]
mod tests;
