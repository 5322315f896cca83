//! Text output for a terminal. Every string that came from a response goes through
//! `printable` first, so a hostile body cannot send terminal escape sequences.

use why402::core::evidence::printable;
use why402::core::redact;
use why402::core::terms_text;
use why402::{CorsVisibility, Diagnosis, EvidenceSource, PaymentTerms, Retry, Severity};

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(self, t: &str) -> String {
        self.paint("1", t)
    }
    fn dim(self, t: &str) -> String {
        self.paint("2", t)
    }
    fn red(self, t: &str) -> String {
        self.paint("1;31", t)
    }
    fn yellow(self, t: &str) -> String {
        self.paint("33", t)
    }
    fn cyan(self, t: &str) -> String {
        self.paint("36", t)
    }
}

/// Indents every line after the first of a multi-line text.
fn indent(text: &str, pad: &str) -> String {
    printable(text).replace('\n', &format!("\n{pad}"))
}

fn source_label(source: EvidenceSource, location: &str) -> String {
    let kind = match source {
        EvidenceSource::Status => "status",
        EvidenceSource::Header => "header",
        EvidenceSource::RequestHeader => "request header",
        EvidenceSource::Body => "body",
        EvidenceSource::Url => "url",
        EvidenceSource::Capture => "capture",
    };
    if location.is_empty() {
        kind.to_string()
    } else {
        format!("{kind} {}", printable(location))
    }
}

/// One diagnosed entry, as lines for a terminal.
pub fn entry(style: Style, index: usize, method: &str, url: &str, d: &Diagnosis) -> String {
    let mut out = String::new();
    headline(style, index, method, url, d, &mut out);
    evidence(style, d, &mut out);
    if let Some(terms) = &d.payment {
        payment_terms(style, terms, &mut out);
    }
    if let Some(r) = &d.retry {
        retry(style, r, &mut out);
    }
    steps(style, d, &mut out);
    findings(style, d, &mut out);
    if let Some(c) = &d.cors {
        cors(style, c, &mut out);
    }
    out.push('\n');
    out
}

/// The request, the status and cause, provider and protocol, the summary and the explanation.
fn headline(style: Style, index: usize, method: &str, url: &str, d: &Diagnosis, out: &mut String) {
    let target = match (method.is_empty(), url.is_empty()) {
        (_, true) => String::new(),
        (true, false) => printable(&redact::url(url)),
        (false, false) => format!("{} {}", printable(method), printable(&redact::url(url))),
    };
    out.push_str(&format!(
        "{} {}\n",
        style.bold(&format!("#{index}")),
        style.bold(&target)
    ));
    out.push_str(&format!(
        "  {} {}  {}\n",
        style.red(&d.status.to_string()),
        style.red(d.cause.plain()),
        style.dim(&format!(
            "[{}, {} confidence]",
            d.cause.id(),
            d.confidence.word()
        ))
    ));
    let mut about = Vec::new();
    if let Some(id) = &d.provider {
        about.push(format!(
            "provider: {}",
            printable(d.provider_name.as_deref().unwrap_or(id))
        ));
    }
    if let Some(p) = d.protocol {
        about.push(format!("protocol: {}", p.display()));
    }
    if !about.is_empty() {
        out.push_str(&format!("  {}\n", about.join(", ")));
    }
    out.push_str(&format!("  {}\n", indent(&d.summary, "  ")));
    if !d.explanation.is_empty() {
        out.push_str(&format!("\n  {}\n", indent(&d.explanation, "  ")));
    }
}

fn evidence(style: Style, d: &Diagnosis, out: &mut String) {
    if d.evidence.is_empty() {
        return;
    }
    out.push_str(&format!("\n  {}\n", style.bold("Evidence")));
    for e in &d.evidence {
        out.push_str(&format!(
            "    {}  {}\n",
            style.dim(&source_label(e.source, &e.location)),
            indent(&e.value, "      ")
        ));
    }
}

/// The terms' labelled lines, then each alternative's, numbered from 2 (the main one is 1).
fn payment_terms(style: Style, terms: &PaymentTerms, out: &mut String) {
    out.push_str(&format!("\n  {}\n", style.bold("Payment terms")));
    for (label, value) in terms_text::lines(terms) {
        out.push_str(&format!(
            "    {}  {}\n",
            style.dim(label),
            printable(&value)
        ));
    }
    for (i, alt) in terms.alternatives.iter().enumerate() {
        out.push_str(&format!(
            "    {}\n",
            style.dim(&format!("or, option {}:", i + 2))
        ));
        for (label, value) in terms_text::lines(alt) {
            out.push_str(&format!(
                "      {}  {}\n",
                style.dim(label),
                printable(&value)
            ));
        }
    }
}

fn retry(style: Style, r: &Retry, out: &mut String) {
    out.push_str(&format!(
        "\n  {} after {}, from {}\n",
        style.bold("Retry"),
        r.wait(printable),
        printable(&r.source)
    ));
}

/// "How to fix": the numbered steps with their links and snippets, then the provider's pages.
fn steps(style: Style, d: &Diagnosis, out: &mut String) {
    if !d.steps.is_empty() {
        out.push_str(&format!("\n  {}\n", style.bold("How to fix")));
        for (i, step) in d.steps.iter().enumerate() {
            out.push_str(&format!(
                "    {}. {}\n",
                i + 1,
                indent(&step.text, "       ")
            ));
            if let Some(link) = &step.link {
                out.push_str(&format!("       {}\n", style.cyan(&printable(link))));
            }
            if let Some(snippet) = &step.snippet {
                for line in printable(snippet).lines() {
                    out.push_str(&format!("       {}\n", style.yellow(line)));
                }
            }
        }
    }
    for (label, url) in [("Billing", &d.billing_url), ("Docs", &d.docs_url)] {
        if let Some(u) = url {
            out.push_str(&format!(
                "  {}  {}\n",
                style.dim(label),
                style.cyan(&printable(u))
            ));
        }
    }
}

fn findings(style: Style, d: &Diagnosis, out: &mut String) {
    if d.findings.is_empty() {
        return;
    }
    out.push_str(&format!("\n  {}\n", style.bold("Findings")));
    for f in &d.findings {
        let sev = match f.severity {
            Severity::Info => style.dim("info"),
            Severity::Warning => style.yellow("warning"),
            Severity::Error => style.red("error"),
        };
        out.push_str(&format!(
            "    {sev} {}: {}\n      fix: {}\n",
            printable(&f.code),
            indent(&f.message, "      "),
            indent(&f.fix, "      ")
        ));
    }
}

fn cors(style: Style, c: &CorsVisibility, out: &mut String) {
    let mut line = if c.page_can_read_response {
        "page JavaScript can read this response".to_string()
    } else {
        "page JavaScript cannot read this response (the browser reports \"Failed to fetch\")"
            .to_string()
    };
    if !c.hidden_headers.is_empty() {
        let names: Vec<String> = c.hidden_headers.iter().map(|h| printable(h)).collect();
        line.push_str(&format!("; hidden headers: {}", names.join(", ")));
    }
    out.push_str(&format!("\n  {} {line}\n", style.bold("CORS")));
}

#[cfg(test)]
mod tests {
    use super::*;
    use why402::{Cause, Confidence, Evidence, Step};

    #[test]
    fn escapes_cannot_reach_the_terminal() {
        let mut d = Diagnosis::new(Cause::Unknown, Confidence::Low, 402);
        d.summary = "evil \x1b[2J\x1b]0;title\x07 text".into();
        d.evidence.push(Evidence {
            source: EvidenceSource::Body,
            location: "a\x1bb".into(),
            value: "v\x1b[31m".into(),
        });
        d.steps
            .push(Step::text("do \x1b[1mit").with_snippet("x\x1by"));
        let plain = entry(Style { color: false }, 0, "GET\x1b", "https://x/\x1b", &d);
        assert!(!plain.contains('\x1b'), "{plain:?}");
        let coloured = entry(Style { color: true }, 0, "GET", "https://x/", &d);
        // Only our own SGR sequences remain.
        let ours = coloured.matches("\x1b[").count();
        assert_eq!(coloured.matches('\x1b').count(), ours);
        assert!(!coloured.contains("\x1b[2J"));
    }
}
