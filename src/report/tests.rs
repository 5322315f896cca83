use super::*;

// The hostile-content test lives in tests/report_markdown.rs, beside the CLI's.

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
