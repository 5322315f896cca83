//! The `why402` command line: diagnose a HAR capture, or explain one `curl -si` response.
//!
//! Exit status: 0 when no payment problem was found, 1 when at least one was, 2 when the input
//! could not be used (with one line on stderr saying which file and, for JSON, where).

// Native only. `cargo test --target wasm32-unknown-unknown` (the wasm fixture table) still
// builds this binary, so for wasm32 the crate compiles to nothing, with no main required.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]

mod args;
mod progress;
mod read_ahead;
mod render_text;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::process::ExitCode;
use std::rc::Rc;

use clap::Parser;
use serde::Serialize;
use serde_json::json;
use why402::core::redact;
use why402::har::{raw_http, HarReader};
use why402::report::{self, ReportItem};
use why402::{diagnose, Context, Diagnosis, Exchange};

use args::{Cli, ColorChoice, Command, Format, OutputArgs};
use progress::{Progress, ProgressReader};
use read_ahead::ReadAhead;
use render_text::Style;

/// `explain` reads at most this much; the diagnosis looks at far less of a body.
const MAX_EXPLAIN_BYTES: u64 = 16 * 1024 * 1024;

/// Why the run stopped early.
enum Failure {
    /// Unusable input: the message is the whole line after `why402: `.
    Input(String),
    /// Writing the output failed.
    Output(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Output(e)
    }
}

/// One entry of the JSON output (fields in this order).
#[derive(Serialize)]
struct JsonEntry<'a> {
    index: usize,
    method: &'a str,
    url: String,
    status: u16,
    diagnosis: &'a Diagnosis,
}

/// Counts for the closing summary.
#[derive(Default, Serialize)]
struct Summary {
    entries_read: usize,
    by_cause: BTreeMap<&'static str, usize>,
}

impl Summary {
    fn found(&self) -> usize {
        self.by_cause.values().sum()
    }
}

/// Writes diagnoses in the chosen format as they are found, so memory stays flat.
struct Output<W: Write> {
    out: W,
    format: Format,
    style: Style,
    first: bool,
    /// A progress line to clear before writing to the terminal.
    progress: Option<Rc<Progress>>,
}

impl<W: Write> Output<W> {
    fn begin(&mut self) -> io::Result<()> {
        match self.format {
            Format::Json => self.out.write_all(b"{\"entries\": ["),
            Format::Markdown => self.out.write_all(b"# Why 402 report\n"),
            Format::Text => Ok(()),
        }
    }

    fn entry(&mut self, index: usize, ex: &Exchange, d: &Diagnosis) -> io::Result<()> {
        if let Some(p) = &self.progress {
            p.clear();
        }
        let (method, url) = (ex.request.method.as_str(), ex.request.url.as_str());
        match self.format {
            Format::Json => {
                let item = JsonEntry {
                    index,
                    method,
                    url: redact::url(url),
                    status: ex.response.status,
                    diagnosis: d,
                };
                let sep = if self.first { "\n" } else { ",\n" };
                self.out.write_all(sep.as_bytes())?;
                serde_json::to_writer(&mut self.out, &item)?;
            }
            Format::Markdown => {
                let item = ReportItem {
                    index,
                    method,
                    url,
                    diagnosis: d,
                };
                write!(self.out, "\n{}", report::markdown_entry(&item))?;
            }
            Format::Text => {
                let text = render_text::entry(self.style, index, method, url, d);
                self.out.write_all(text.as_bytes())?;
            }
        }
        self.first = false;
        Ok(())
    }

    /// Closes the output; `error` is set when reading stopped on unusable input.
    fn end(&mut self, summary: &Summary, error: Option<&str>) -> io::Result<()> {
        if let Some(p) = &self.progress {
            p.clear();
        }
        let found = summary.found();
        let causes: Vec<String> = summary
            .by_cause
            .iter()
            .map(|(c, n)| format!("{c} {n}"))
            .collect();
        let entries = match summary.entries_read {
            1 => "1 entry".to_string(),
            n => format!("{n} entries"),
        };
        let problems = match found {
            0 => "no payment problem found".to_string(),
            1 => format!("1 payment problem ({})", causes.join(", ")),
            n => format!("{n} payment problems ({})", causes.join(", ")),
        };
        match self.format {
            Format::Json => {
                let doc = serde_json::to_string(summary).map_err(io::Error::other)?;
                // A stop on bad input still closes the one document, saying why.
                let tail = match error {
                    Some(e) => format!("\n],\n\"summary\": {doc},\n\"error\": {}}}\n", json!(e)),
                    None => format!("\n],\n\"summary\": {doc}}}\n"),
                };
                self.out.write_all(tail.as_bytes())?;
            }
            // The error line on stderr says it all; a count of what was read would mislead.
            Format::Markdown | Format::Text if error.is_some() => {}
            Format::Markdown => {
                let line = if found == 0 {
                    format!("\nRead {entries}: no payment problem found.\n")
                } else {
                    format!("\n---\n\nRead {entries}: {problems}.\n")
                };
                self.out.write_all(line.as_bytes())?;
            }
            Format::Text => {
                let line = format!("Read {entries}: {problems}.\n");
                self.out.write_all(self.style_summary(&line).as_bytes())?;
            }
        }
        self.out.flush()
    }

    fn style_summary(&self, line: &str) -> String {
        if self.style.color {
            format!("\x1b[1m{line}\x1b[0m")
        } else {
            line.to_string()
        }
    }
}

fn display_name(file: &str) -> String {
    if file == "-" {
        "<stdin>".to_string()
    } else {
        why402::core::evidence::printable(file)
    }
}

/// Opens `file` (or stdin for `-`) and, for a regular file, tells its size.
fn open(file: &str) -> Result<(Box<dyn Read>, Option<u64>), Failure> {
    let name = display_name(file);
    if file == "-" {
        return Ok((Box::new(ReadAhead::new(io::stdin())), None));
    }
    let meta = std::fs::metadata(file).map_err(|e| Failure::Input(format!("{name}: {e}")))?;
    if meta.is_dir() {
        return Err(Failure::Input(format!(
            "{name}: is a directory, not a file"
        )));
    }
    let f = File::open(file).map_err(|e| Failure::Input(format!("{name}: {e}")))?;
    Ok((Box::new(ReadAhead::new(f)), Some(meta.len())))
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

fn context(args: &OutputArgs) -> Context {
    let now = args.now.or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok())
    });
    Context { now_unix: now }
}

fn output<W: Write>(out: W, args: &OutputArgs, progress: Option<Rc<Progress>>) -> Output<W> {
    Output {
        out,
        format: args.format,
        style: Style {
            color: args.format == Format::Text && use_color(args.color),
        },
        first: true,
        progress,
    }
}

/// Returns whether any payment problem was found.
fn run_diagnose<W: Write>(file: &str, args: &OutputArgs, out: W) -> Result<bool, Failure> {
    let name = display_name(file);
    let (input, size) = open(file)?;
    let progress = match size {
        Some(total) if total >= progress::MIN_BYTES && io::stderr().is_terminal() => {
            Some(Progress::new(&name, total))
        }
        _ => None,
    };
    let input: Box<dyn Read> = match &progress {
        Some(p) => Box::new(ProgressReader::new(input, Rc::clone(p))),
        None => input,
    };
    let ctx = context(args);
    let mut output = output(out, args, progress);
    let mut summary = Summary::default();
    output.begin()?;
    let mut reader = HarReader::new(input);
    let mut failure = None;
    for item in &mut reader {
        match item {
            Ok(entry) => {
                if let Some(d) = diagnose(&entry.exchange, &ctx) {
                    *summary.by_cause.entry(d.cause.id()).or_default() += 1;
                    output.entry(entry.index, &entry.exchange, &d)?;
                }
            }
            Err(e) => {
                failure = Some(format!("{name}:{e}"));
                break;
            }
        }
    }
    summary.entries_read = reader.entries_read();
    output.end(&summary, failure.as_deref())?;
    match failure {
        Some(message) => Err(Failure::Input(message)),
        None => Ok(summary.found() > 0),
    }
}

fn run_explain<W: Write>(
    file: &str,
    method: Option<&str>,
    url: Option<&str>,
    args: &OutputArgs,
    out: W,
) -> Result<bool, Failure> {
    let name = display_name(file);
    let (input, _) = open(file)?;
    let mut bytes = Vec::new();
    input
        .take(MAX_EXPLAIN_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::Input(format!("{name}: {e}")))?;
    let exchange = raw_http::parse_response(&bytes, method, url)
        .map_err(|e| Failure::Input(format!("{name}:{}: {}", e.line, e.message)))?;
    drop(bytes);
    let mut output = output(out, args, None);
    let mut summary = Summary {
        entries_read: 1,
        ..Summary::default()
    };
    output.begin()?;
    let diagnosis = diagnose(&exchange, &context(args));
    if let Some(d) = &diagnosis {
        *summary.by_cause.entry(d.cause.id()).or_default() += 1;
        output.entry(0, &exchange, d)?;
    } else if args.format == Format::Text {
        let line = format!(
            "No payment problem found in this response (HTTP {}).\n",
            exchange.response.status
        );
        output.out.write_all(line.as_bytes())?;
        output.out.flush()?;
        return Ok(false);
    }
    if args.format == Format::Text {
        output.out.flush()?;
    } else {
        output.end(&summary, None)?;
    }
    Ok(diagnosis.is_some())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = io::stdout();
    let out = BufWriter::new(stdout.lock());
    let result = match &cli.command {
        Command::Diagnose { file, output } => run_diagnose(file, output, out),
        Command::Explain {
            file,
            url,
            method,
            output,
        } => run_explain(file, method.as_deref(), url.as_deref(), output, out),
    };
    match result {
        Ok(true) => ExitCode::from(1),
        Ok(false) => ExitCode::SUCCESS,
        Err(Failure::Input(message)) => {
            let _ = writeln!(io::stderr(), "why402: {message}");
            ExitCode::from(2)
        }
        // The reader went away (`| head`): stop quietly.
        Err(Failure::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Output(e)) => {
            let _ = writeln!(io::stderr(), "why402: cannot write the output: {e}");
            ExitCode::from(2)
        }
    }
}
