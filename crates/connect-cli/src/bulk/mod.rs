//! `--cli-input-rows`: any operation once per row of a CSV or JSON Lines file. Every row is read
//! and validated before anything is sent; then rows go out concurrently through one shared,
//! adaptive rate limiter, each finished row is recorded in a results file as it finishes, and
//! `--resume` skips the rows already done with the same input.

mod limiter;
mod results;
mod send;

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches};
use connect_core::generated::SERVICE;
use connect_core::input::rows::{self, Row, RowError, RowsFormat};
use connect_core::input::{self, validate};
use connect_core::model::Operation;
use connect_core::wire::client::Settings;
use connect_core::wire::paginate::{self, Paging};
use connect_core::wire::rest_json;
use serde_json::{Map, Value};

use crate::error::CliError;

/// The options of a bulk run, as given.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkOptions {
    /// `--cli-input-rows FILE|-`.
    pub rows: String,
    /// `--rows-format csv|jsonl` (else by the file's extension).
    pub format: Option<RowsFormat>,
    /// `--results FILE` (else next to the rows file).
    pub results: Option<PathBuf>,
    pub resume: bool,
    pub concurrency: usize,
    /// `--rate R`: `Some(None)` for `--rate off`; `None`: the operation's documented quota.
    pub rate: Option<Option<f64>>,
    pub burst: Option<u32>,
    pub yes: bool,
    pub dry_run: bool,
    pub quiet: bool,
}

/// How many requests are in flight at once unless `--concurrency` says otherwise.
const DEFAULT_CONCURRENCY: usize = 4;

/// The options, each documented for the operation's help page: (name, value name, text).
pub const OPTIONS: &[(&str, Option<&str>, &str)] = &[
    (
        "cli-input-rows",
        Some("FILE"),
        "Run the operation once per row of FILE (CSV, or JSON Lines with one --cli-input-json document per line; - reads standard input). CSV headers are member paths (Member, or Member.Inner for a member of a structure); cells are typed like command-line values; an empty cell leaves the member out. Arguments on the command line apply to every row and win over it. Every row is validated before anything is sent.",
    ),
    ("rows-format", Some("csv|jsonl"), "The format of the rows (default: by the file's extension)."),
    (
        "results",
        Some("FILE"),
        "Where each finished row's result goes, one JSON line per row (default: ROWS.results.jsonl next to the rows file).",
    ),
    ("resume", None, "Skip the rows the results file records as ok with the same input; run the rest."),
    ("concurrency", Some("N"), "Requests in flight at once (default 4)."),
    (
        "rate",
        Some("R"),
        "Requests per second for all rows together (default: the operation's documented quota; off: no limit). Slows down when the service throttles, and speeds up again.",
    ),
    ("burst", Some("B"), "Requests that may go at once before the rate applies (default: the documented quota's)."),
    ("yes", None, "Do not ask for confirmation on a terminal."),
    ("dry-run", None, "Validate every row and print the requests that would be sent; send nothing."),
    ("quiet", None, "No progress bar."),
];

/// What the help page says before it lists the bulk options.
pub const HELP_INTRO: &str = "Every command also takes these options, to run it once per row of a file \
     (see Bulk updates in the README).";

/// The bulk options as the help page lists them: heading (`--rate (string)`) and text.
pub fn help_entries() -> impl Iterator<Item = (String, &'static str)> {
    OPTIONS
        .iter()
        .map(|(name, value, doc)| (format!("--{name} ({})", if value.is_some() { "string" } else { "boolean" }), *doc))
}

/// The clap arguments of the bulk options.
pub fn args() -> Vec<Arg> {
    OPTIONS
        .iter()
        .map(|(name, value, _)| match value {
            Some(v) => Arg::new(*name).long(*name).num_args(1).action(ArgAction::Set).value_name(*v),
            None => Arg::new(*name).long(*name).action(ArgAction::SetTrue),
        })
        .collect()
}

/// The bulk options of a parsed operation; `None` without `--cli-input-rows`.
pub fn options(sub: &ArgMatches) -> Result<Option<BulkOptions>, CliError> {
    let text = |name: &str| sub.try_get_one::<String>(name).ok().flatten().cloned();
    let flag = |name: &str| sub.try_get_one::<bool>(name).ok().flatten().copied().unwrap_or(false);
    let Some(rows) = text("cli-input-rows") else {
        if let Some((name, ..)) = OPTIONS[1..].iter().find(|(name, v, _)| match v {
            Some(_) => text(name).is_some(),
            None => flag(name),
        }) {
            return Err(CliError::Usage(format!("argument --{name}: only with --cli-input-rows")));
        }
        return Ok(None);
    };
    let number = |name: &str| -> Result<Option<f64>, CliError> {
        text(name)
            .map(|v| {
                v.trim().parse::<f64>().ok().filter(|n| n.is_finite() && *n >= 0.0).ok_or_else(|| {
                    CliError::Usage(format!("argument --{name}: invalid value: '{v}' (a number is expected)"))
                })
            })
            .transpose()
    };
    let format = match text("rows-format") {
        None => None,
        Some(f) => Some(RowsFormat::from_name(&f).ok_or_else(|| {
            CliError::Usage(format!("argument --rows-format: Found invalid choice '{f}' (csv or jsonl)"))
        })?),
    };
    let rate = match text("rate").as_deref() {
        Some("off") => Some(None),
        _ => number("rate")?.map(|r| (r > 0.0).then_some(r)),
    };
    let whole = |name: &str| -> Result<Option<u32>, CliError> {
        match number(name)? {
            Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) => Ok(Some(n as u32)),
            Some(_) => Err(CliError::Usage(format!("argument --{name}: a whole number of at least 1 is expected"))),
            None => Ok(None),
        }
    };
    Ok(Some(BulkOptions {
        rows,
        format,
        results: text("results").map(PathBuf::from),
        resume: flag("resume"),
        concurrency: whole("concurrency")?.map_or(DEFAULT_CONCURRENCY, |n| n as usize),
        rate,
        burst: whole("burst")?,
        yes: flag("yes"),
        dry_run: flag("dry-run"),
        quiet: flag("quiet"),
    }))
}

/// The rate and burst a bulk run uses unless told otherwise: the operation's documented quota.
pub fn default_quota(op: &Operation) -> (f64, u32) {
    let quota = connect_core::generated::quotas::documented_quota(op.name());
    (quota.rate, quota.burst.max(1.0) as u32)
}

/// What the command line gives every row.
pub struct Common<'a> {
    pub op: &'static Operation,
    /// The explicit arguments (they win over each row's members).
    pub explicit: Map<String, Value>,
    /// Whether and how a row's input is paginated (as for a single command).
    pub paging: &'a PagingOf<'a>,
}

/// How a single command would paginate an input.
pub type PagingOf<'a> = dyn Fn(&Map<String, Value>) -> Result<Option<Paging>, CliError> + 'a;

/// Where the rows are read from: the file, or standard input copied to a temporary file.
struct Source {
    path: PathBuf,
    format: RowsFormat,
    _spooled: Option<tempfile::NamedTempFile>,
}

impl Source {
    fn open(opts: &BulkOptions) -> Result<Source, CliError> {
        let io = |what: &str, e: std::io::Error| CliError::Other(format!("cannot read {what}: {e}"));
        if opts.rows == "-" {
            let format = opts.format.ok_or_else(|| {
                CliError::Usage("argument --rows-format: required when the rows come from standard input".to_owned())
            })?;
            let spooled = results::spool(std::io::stdin().lock()).map_err(|e| io("standard input", e))?;
            return Ok(Source { path: spooled.path().to_owned(), format, _spooled: Some(spooled) });
        }
        let path = PathBuf::from(opts.rows.strip_prefix("file://").unwrap_or(&opts.rows));
        let format = opts.format.or_else(|| RowsFormat::from_path(&path)).ok_or_else(|| {
            CliError::Usage(format!(
                "argument --rows-format: required: the name {} does not say csv or jsonl",
                path.display()
            ))
        })?;
        std::fs::metadata(&path).map_err(|e| {
            CliError::ParamValidation(format!("argument --cli-input-rows: cannot read {}: {e}", path.display()))
        })?;
        Ok(Source { path, format, _spooled: None })
    }

    /// Reads the rows again from the start.
    fn rows(&self, op: &Operation) -> Result<rows::Rows<std::fs::File>, Vec<RowError>> {
        let file = std::fs::File::open(&self.path).map_err(|e| {
            vec![RowError { row: 0, member: None, problem: format!("cannot read {}: {e}", self.path.display()) }]
        })?;
        rows::read(self.format, file, op.input())
    }
}

/// The results file: `--results`, else next to the rows file.
fn results_path(opts: &BulkOptions) -> Result<PathBuf, CliError> {
    if let Some(p) = &opts.results {
        return Ok(p.clone());
    }
    if opts.rows == "-" {
        return Err(CliError::Usage("argument --results: required when the rows come from standard input".to_owned()));
    }
    let rows = Path::new(opts.rows.strip_prefix("file://").unwrap_or(&opts.rows));
    let stem = rows.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "rows".to_owned());
    Ok(rows.with_file_name(format!("{stem}.results.jsonl")))
}

/// A row ready to send: its input (arguments merged in) and that input's hash.
pub struct Prepared {
    pub number: u64,
    pub input: Map<String, Value>,
    pub hash: String,
    pub paging: Option<Paging>,
}

/// Builds, checks and hashes one row's input; every problem when it is invalid.
fn prepare(common: &Common<'_>, row: Row) -> Result<Prepared, Vec<RowError>> {
    let number = row.number;
    let problem = |member: Option<String>, problem: String| RowError { row: number, member, problem };
    let input = input::merge(common.explicit.clone(), row.document);
    let hash = results::input_hash(&input);
    // Its errors do not depend on the row: `run` reported them before the first row.
    let paging = (common.paging)(&input).ok().flatten();
    let mut input = input;
    if let Some(shape) = common.op.input() {
        input::fill_idempotency_tokens(shape, &mut input);
        let page_size = paging.as_ref().and_then(|p| p.page_size);
        let checked = paginate::with_page_size(common.op, input.clone(), page_size);
        if let Err(e) = validate::validate(&Value::Object(checked), shape) {
            return Err(e.into_problems().into_iter().map(|p| problem(Some(p.name), p.message)).collect());
        }
    }
    rest_json::serialize(common.op, &input).map_err(|e| vec![problem(None, e.to_string())])?;
    Ok(Prepared { number, input, hash, paging })
}

/// Runs the operation once per row.
pub fn run(
    opts: &BulkOptions,
    common: &Common<'_>,
    settings: impl FnOnce() -> Result<Settings, CliError>,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let op = common.op;
    (common.paging)(&common.explicit)?;
    let source = Source::open(opts)?;
    let results_path = results_path(opts)?;
    let done = if opts.resume {
        // No row number can exceed the rows file's size in bytes (each row takes at least one).
        let most = std::fs::metadata(&source.path).map_or(0, |m| m.len());
        results::read_done(&results_path, most)
            .map_err(|e| CliError::Other(format!("cannot read the results file {}: {e}", results_path.display())))?
    } else if !opts.dry_run && results::has_content(&results_path) {
        return Err(CliError::Usage(format!(
            "the results file {} exists: add --resume to continue that run, or give another --results",
            results_path.display()
        )));
    } else {
        results::Done::default()
    };

    // Every row is read and validated before anything is sent.
    let (mut total, mut pending, mut bad_rows) = (0u64, 0u64, 0u64);
    let report = |errors: Vec<RowError>| {
        for e in errors {
            crate::error::log_line(&e.to_string());
        }
    };
    match source.rows(op) {
        Err(errors) => {
            bad_rows += 1;
            report(errors);
        }
        Ok(rows) => {
            for row in rows {
                total += 1;
                match row.and_then(|row| prepare(common, row)) {
                    Ok(p) if done.is_done(p.number, &p.hash) => {}
                    Ok(_) => pending += 1,
                    Err(errors) => {
                        bad_rows += 1;
                        report(errors);
                    }
                }
            }
        }
    }
    if bad_rows > 0 {
        return Err(CliError::ParamValidation(format!(
            "{bad_rows} of {total} rows are invalid (listed above); nothing was sent."
        )));
    }
    let skipped = total - pending;

    if opts.dry_run {
        return dry_run(common, &source, &done, out);
    }
    if pending > 0 && !opts.yes && std::io::stdin().is_terminal() && !confirm(op, pending, skipped)? {
        return Err(CliError::Other("Cancelled: nothing was sent.".to_owned()));
    }
    let settings = settings()?;
    let (rate, burst) = {
        let (rate, burst) = default_quota(op);
        (opts.rate.unwrap_or(Some(rate)), opts.burst.unwrap_or(burst))
    };
    let outcome = send::send_all(send::Plan {
        common,
        rows: &|| source.rows(op),
        done: &done,
        results: &results_path,
        settings: &settings,
        service: &SERVICE,
        concurrency: opts.concurrency,
        rate,
        burst,
        pending,
        progress: !opts.quiet && std::io::stderr().is_terminal(),
    })?;
    let summary = format!(
        "{}: {} rows: {} ok, {} failed, {} already done{}; results in {}",
        op.cli_name(),
        total,
        outcome.ok,
        outcome.failed,
        skipped,
        if outcome.interrupted {
            format!(", {} not run (interrupted)", pending - outcome.ok - outcome.failed)
        } else {
            String::new()
        },
        results_path.display()
    );
    crate::error::log_line(&summary);
    if outcome.interrupted {
        Err(CliError::Interrupted)
    } else if outcome.failed > 0 {
        Err(CliError::RowsFailed(format!(
            "{} of {} rows failed; see {} (run again with --resume to retry them)",
            outcome.failed,
            total,
            results_path.display()
        )))
    } else {
        Ok(())
    }
}

/// Asks on the terminal whether to go on.
fn confirm(op: &Operation, pending: u64, skipped: u64) -> Result<bool, CliError> {
    let mut stderr = std::io::stderr().lock();
    let already = if skipped > 0 { format!(" ({skipped} already done)") } else { String::new() };
    let _ = write!(stderr, "Run {} on {pending} rows{already}? [y/N] ", op.cli_name());
    let _ = stderr.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::Other(format!("cannot read the answer: {e}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// `--dry-run`: one JSON line per row that would be sent: its request, `@sensitive` values
/// redacted.
fn dry_run(common: &Common<'_>, source: &Source, done: &results::Done, out: &mut dyn Write) -> Result<(), CliError> {
    let op = common.op;
    let rows = source.rows(op).map_err(|e| CliError::Other(e.iter().map(ToString::to_string).collect()))?;
    for row in rows {
        let Ok(p) = row.and_then(|row| prepare(common, row)) else { continue };
        if done.is_done(p.number, &p.hash) {
            continue;
        }
        let shown = match op.input() {
            Some(shape) => rest_json::redact(shape, &Value::Object(p.input.clone())),
            None => Value::Object(p.input.clone()),
        };
        let shown = shown.as_object().cloned().unwrap_or_default();
        let request = rest_json::serialize(op, &shown).map_err(|e| CliError::Other(e.to_string()))?;
        let body = request.body.as_deref().map(|b| {
            serde_json::from_slice::<Value>(b)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(b).into_owned()))
        });
        let headers: Map<String, Value> =
            request.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
        let mut line = serde_json::json!({
            "row": p.number,
            "input_hash": p.hash,
            "method": request.method,
            "path": request.target,
        });
        if !headers.is_empty() {
            line["headers"] = Value::Object(headers);
        }
        if let Some(body) = body {
            line["body"] = body;
        }
        crate::write_out(out, &format!("{line}\n"))?;
    }
    Ok(())
}
