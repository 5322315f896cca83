//! Command-line arguments (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  why402 diagnose capture.har                 every payment problem in a browser HAR export
  why402 diagnose capture.har --format json   one JSON document, for scripts
  why402 diagnose - --format markdown < capture.har > report.md
  curl -si https://api.example.com/paid | why402 explain -
  why402 explain response.txt --url https://openrouter.ai/api/v1/chat/completions

Exit status: 0 no payment problem found, 1 at least one found, 2 unusable input.";

/// Explains HTTP 402 Payment Required responses (and payment failures hidden behind other
/// status codes): the cause, the evidence, the decoded payment terms and how to fix it.
#[derive(Debug, Parser)]
#[command(name = "why402", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Diagnose every payment-related entry of a HAR capture (browser devtools "Save all as
    /// HAR", proxies). Large files are streamed in bounded memory.
    Diagnose {
        /// The HAR file, or `-` for standard input.
        file: String,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Explain one raw HTTP response as printed by `curl -si` (status line, headers, blank
    /// line, body); with redirects or `100 Continue`, the last response counts.
    Explain {
        /// The file holding the response, or `-` for standard input.
        file: String,
        /// The URL that was requested (helps recognise the provider).
        #[arg(long)]
        url: Option<String>,
        /// The request method (GET, POST, …).
        #[arg(long)]
        method: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Colour in text output: `auto` colours only a terminal, and never when NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Diagnosis time as RFC 3339 (`2026-11-25T12:00:00Z`), for expiry and retry times;
    /// default: now.
    #[arg(long, value_parser = parse_now)]
    pub now: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_now(s: &str) -> Result<i64, String> {
    why402::decode::time::parse_rfc3339(s)
        .ok_or_else(|| format!("not an RFC 3339 time (like 2026-11-25T12:00:00Z): {s}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn arguments_are_consistent() {
        Cli::command().debug_assert();
    }
}
