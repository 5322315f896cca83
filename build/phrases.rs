//! phrases.json: the phrases the generic heuristics look for, per cause, rendered as the
//! `PhraseBook` of src/knowledge/heuristics.rs.

use serde::Deserialize;

use super::literals::{cause, phrases_lit};

#[derive(Deserialize)]
pub(crate) struct PhrasesFile {
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

pub(crate) fn render(file: PhrasesFile) -> Result<String, String> {
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
