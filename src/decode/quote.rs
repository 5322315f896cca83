//! Quoting text for messages.

/// `s` in double quotes with quotes, backslashes and control characters escaped, like `{:?}`
/// without the Unicode tables `{:?}` links into the wasm.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_escapes_like_debug() {
        for s in [
            "plain",
            "say \"hi\"",
            "back\\slash",
            "tab\tnew\nline",
            "bell\u{7}",
            "€ ok",
        ] {
            assert_eq!(quoted(s), format!("{s:?}"));
        }
    }
}
