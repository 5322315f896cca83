//! The Markdown report of diagnoses: the CLI's `--format markdown` and the extension's
//! "Copy report", meant to be pasted into an issue or a chat.
//!
//! Everything that came from a response is untrusted, so the report is inert whatever the
//! server sent: prose is escaped (no HTML, no emphasis, no links, no autolinks), values go in code
//! spans or fenced blocks sized to their content, table cells cannot be broken out of, and the
//! only links are `http(s)` addresses from the diagnosis's own link fields (knowledge data).
//! URLs are shown with secrets redacted.

use crate::core::diagnosis::{Diagnosis, EvidenceSource, PaymentTerms, Severity, Step};
use crate::core::evidence::printable;
use crate::core::{provenance, redact};

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
    if crate::capture::display::safe_href(url).is_none() {
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

/// Payment terms as labelled plain-text lines (shared with the CLI's text output).
pub fn payment_lines(t: &PaymentTerms) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    let amount = match (&t.amount, &t.asset) {
        (Some(a), Some(asset)) => Some(format!("{a} {asset}")),
        (Some(a), None) => Some(a.clone()),
        (None, _) => None,
    };
    let amount = match (amount, &t.amount_atomic) {
        (Some(a), Some(atomic)) => Some(format!("{a} ({atomic} in the smallest unit)")),
        (None, Some(atomic)) => Some(format!("{atomic} in the smallest unit")),
        (a, None) => a,
    };
    if let Some(a) = amount {
        lines.push(("Amount", a));
    }
    if t.amount.is_none() {
        if let Some(asset) = &t.asset {
            lines.push(("Asset", asset.clone()));
        }
    }
    if let Some(id) = &t.asset_id {
        lines.push(("Asset id", id.clone()));
    }
    let network = match (&t.network, &t.network_id) {
        (Some(n), Some(id)) if n != id => Some(format!("{n} ({id})")),
        (Some(n), _) => Some(n.clone()),
        (None, Some(id)) => Some(id.clone()),
        (None, None) => None,
    };
    if let Some(mut n) = network {
        if t.testnet == Some(true) {
            n.push_str(", a test network");
        }
        lines.push(("Network", n));
    }
    let fields: [(&'static str, &Option<String>); 6] = [
        ("Scheme", &t.scheme),
        ("Pay to", &t.pay_to),
        ("Resource", &t.resource),
        ("Description", &t.description),
        ("Created", &t.created_at),
        ("Invoice", &t.invoice),
    ];
    for (label, value) in fields {
        if let Some(v) = value {
            lines.push((label, v.clone()));
        }
    }
    if let Some(e) = &t.expires_at {
        let note = if t.expired == Some(true) {
            " (already expired)"
        } else {
            ""
        };
        lines.push(("Expires", format!("{e}{note}")));
    }
    if let Some(s) = t.max_timeout_seconds {
        lines.push(("Time to pay", format!("{s} seconds")));
    }
    if let Some(h) = &t.payment_hash {
        lines.push(("Payment hash", h.clone()));
    }
    lines
}

fn source_name(source: EvidenceSource) -> &'static str {
    match source {
        EvidenceSource::Status => "status",
        EvidenceSource::Header => "response header",
        EvidenceSource::RequestHeader => "request header",
        EvidenceSource::Body => "body",
        EvidenceSource::Url => "URL",
        EvidenceSource::Capture => "capture",
    }
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
    out.push_str(&format!("**{}**\n\n", escape(&d.summary)));

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
    let confidence = match d.confidence {
        crate::Confidence::Low => "low",
        crate::Confidence::Medium => "medium",
        crate::Confidence::High => "high",
    };
    out.push_str(&format!("| Confidence | {confidence} |\n\n"));

    if !d.explanation.is_empty() {
        out.push_str(&escape(&d.explanation));
        out.push_str("\n\n");
    }

    if !d.evidence.is_empty() {
        out.push_str("### Evidence\n\n| Source | Where | Value |\n|---|---|---|\n");
        for e in &d.evidence {
            let location = if e.location.is_empty() {
                String::new()
            } else {
                code_cell(&e.location)
            };
            out.push_str(&format!(
                "| {} | {location} | {} |\n",
                source_name(e.source),
                code_cell(&e.value)
            ));
        }
        out.push('\n');
    }

    if let Some(terms) = &d.payment {
        out.push_str("### Payment terms\n\n");
        for (label, value) in payment_lines(terms) {
            out.push_str(&format!("- {label}: {}\n", code(&value)));
        }
        for (i, alt) in terms.alternatives.iter().enumerate() {
            out.push_str(&format!("- Alternative {}:\n", i + 1));
            for (label, value) in payment_lines(alt) {
                out.push_str(&format!("  - {label}: {}\n", code(&value)));
            }
        }
        out.push('\n');
    }

    if let Some(r) = &d.retry {
        let at =
            r.at.as_deref()
                .map(|a| format!(" (at {})", code(a)))
                .unwrap_or_default();
        out.push_str(&format!(
            "### Retry\n\nRetry after {}{at}, from the {} header.\n\n",
            escape(&crate::decode::time::human_duration(r.after_seconds)),
            code(&r.source)
        ));
    }

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

    if !d.findings.is_empty() {
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

    if let Some(c) = &d.cors {
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_rules() {
        assert_eq!(escape("a_b *c* `d`"), "a\\_b \\*c\\* \\`d\\`");
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("12. x"), "12\\. x");
        assert_eq!(escape("a & b <c>"), "a &amp; b &lt;c&gt;");
        assert_eq!(escape("line\nbreak\u{1b}[31m"), "line break\u{fffd}\\[31m");
        assert_eq!(code("a ``b`` c"), "```a ``b`` c```");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code(""), "*(empty)*");
        assert_eq!(
            markdown(&[]),
            "# Why 402 report\n\nNo payment problems found.\n"
        );
    }
}
