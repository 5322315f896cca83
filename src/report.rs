//! STUB: Markdown report of diagnoses (CLI `--format markdown`, extension "Copy report").
