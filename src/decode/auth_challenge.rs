//! STUB (owned by the decoders helper): RFC 9110 `WWW-Authenticate` challenge parsing.

/// One challenge: scheme plus either auth-params or a token68.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// Scheme as sent (compare case-insensitively).
    pub scheme: String,
    /// auth-params in order, names lowercased, values unquoted.
    pub params: Vec<(String, String)>,
    pub token68: Option<String>,
}

impl Challenge {
    /// First param with this (lowercase) name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses every challenge in every given header line.
pub fn parse<'a>(_lines: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    Vec::new()
}
