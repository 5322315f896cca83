//! STUB: Markdown report of diagnoses (CLI `--format markdown`, extension "Copy report").
//!
//! Minimal stand-in so the extension's "Copy report" works until the report helper's version
//! lands; keep the signature.

use crate::core::diagnosis::Diagnosis;

/// One section per item: `(number, method, url, diagnosis)`; `url` is already redacted.
pub fn markdown(records: &[(usize, String, String, Diagnosis)]) -> String {
    let mut out = String::from("# Why 402 report\n");
    for (n, method, url, d) in records {
        out.push_str(&format!(
            "\n## {n}. {method} {url} ({})\n\n{}\n",
            d.status, d.summary
        ));
        for (i, step) in d.steps.iter().enumerate() {
            out.push_str(&format!("{}. {}\n", i + 1, step.text));
        }
    }
    out
}
