//! Helpers shared by the integration tests (`mod support;`).

/// The Markdown with code spans and fenced blocks removed: what a renderer interprets.
pub fn outside_code(md: &str) -> String {
    let mut out = String::new();
    let mut rest = md;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let run = rest[start..].len() - rest[start..].trim_start_matches('`').len();
        let fence = &rest[start..start + run];
        let after = &rest[start + run..];
        match after.find(fence) {
            Some(end) => rest = &after[end + run..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}
