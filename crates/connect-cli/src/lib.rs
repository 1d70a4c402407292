//! connect-cli: the `aws-connect` command line on top of connect-core: argument parsing,
//! output, and the mapping of errors to the AWS CLI's messages and exit codes.

pub mod bulk;
pub mod cmdline;
pub mod command;
pub mod error;
pub mod globals;
pub mod help;
pub mod interrupt;
pub mod output;
pub mod pager;
pub mod prompt;
pub mod terminal;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap_complete::Shell;
use connect_core::compat::json_dumps::{Style, to_pretty};
use connect_core::generated::SERVICE;
use connect_core::input::paramfile::LocalParamFiles;
use connect_core::input::validate;
use connect_core::input::{self, CliInputFormat};
use connect_core::model::{Kind, Operation};
use connect_core::skeleton;
use connect_core::wire::client;
use connect_core::wire::paginate::Paged;
use serde_json::Value;

use crate::command::{GlobalOptions, HelpTopic, Invocation, ParamInput, Parsed, SkeletonKind};
use crate::error::{CliError, ErrorFormat, exit, exit_code};
use crate::output::Format;
use crate::prompt::Mode;

/// Runs the command line of this process and returns its exit code.
pub fn main() -> ExitCode {
    let args: Vec<String> = match std::env::args_os().skip(1).map(|a| a.into_string()).collect() {
        Ok(args) => args,
        Err(bad) => {
            let e = CliError::Other(format!("argument is not valid UTF-8: {}", bad.to_string_lossy()));
            return ExitCode::from(error::final_code(error::report(&e, ErrorFormat::default())));
        }
    };
    let stdout = std::io::stdout();
    let mut context = Context { stdout_is_terminal: stdout.is_terminal(), prompt: Mode::Off };
    let mut stdout = stdout.lock();
    // The global options of the command line as given, which may not parse: for the prompter's
    // mode, and for the format of an error.
    let globals = GlobalOptions::scan(&args);
    let mode = prompt::mode(&args, || {
        std::env::var("AWS_CLI_AUTO_PROMPT").ok().or_else(|| globals.profile_setting("cli_auto_prompt"))
    });
    let result = match mode {
        Err(e) => Err(e),
        Ok(Mode::Off) => Ok(run_in(&args, &mut stdout, &context)),
        Ok(Mode::On) => {
            context.prompt = Mode::On;
            prompt::prompt_for_args(&SERVICE, &args).map(|args| run_in(&args, &mut stdout, &context))
        }
        Ok(Mode::Partial) => match run_in(&args, &mut stdout, &context) {
            // A parameter error is not shown: the prompter asks for the parameters instead.
            Err(e) if exit_code(&e) == exit::PARAM => {
                context.prompt = Mode::Partial;
                prompt::prompt_for_args(&SERVICE, &args).map(|args| run_in(&args, &mut stdout, &context))
            }
            other => Ok(other),
        },
    };
    let code = match result.and_then(|r| r) {
        Ok(()) => exit::OK,
        Err(e) => {
            // Ctrl-C ends the output with a newline, as the AWS CLI's does.
            let end: &[u8] = if matches!(e, CliError::Interrupted) { b"\n" } else { b"" };
            let _ = stdout.write_all(end).and_then(|()| stdout.flush());
            error::report(&e, error_format(&globals))
        }
    };
    ExitCode::from(error::final_code(code))
}

/// How the process runs a command line: whether stdout is a terminal (for the pager) and whether
/// the prompter completed it.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub stdout_is_terminal: bool,
    pub prompt: Mode,
}

impl Default for Context {
    fn default() -> Self {
        Context { stdout_is_terminal: false, prompt: Mode::Off }
    }
}

/// The error format: `--cli-error-format`, else `AWS_CLI_ERROR_FORMAT`, else the profile's
/// `cli_error_format`, else enhanced.
fn error_format(globals: &GlobalOptions) -> ErrorFormat {
    let name = globals
        .cli_error_format
        .clone()
        .or_else(|| std::env::var("AWS_CLI_ERROR_FORMAT").ok())
        .or_else(|| globals.profile_setting("cli_error_format"));
    name.map_or_else(ErrorFormat::default, |n| ErrorFormat::from_name(&n))
}

/// Runs one command line (without the program name), writing its output to `out`.
pub fn run(args: &[String], out: &mut dyn Write) -> Result<(), CliError> {
    run_in(args, out, &Context::default())
}

/// [`run`], in a given context.
pub fn run_in(args: &[String], out: &mut dyn Write, context: &Context) -> Result<(), CliError> {
    match command::parse(&SERVICE, args)? {
        Parsed::Version => write_out(out, &format!("{}\n", version())),
        Parsed::Help(HelpTopic::Service) => write_out(out, &help::service_page(&SERVICE)),
        Parsed::Help(HelpTopic::Operation(op)) => write_out(out, &help::operation_page(&SERVICE, op)),
        Parsed::Completion(shell) => write_out(out, &completion_script(shell)),
        Parsed::Run(invocation) => run_operation(&invocation, out, context),
    }
}

/// The completion script of `aws-connect completion <shell>`.
pub fn completion_script(shell: Shell) -> String {
    const BIN: &str = "aws-connect";
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command::completion_command(&SERVICE), BIN, &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    if shell != Shell::Bash {
        return script;
    }
    // clap_complete spells the bash states of a hyphenated binary's subcommands in two ways
    // (`aws__connect__subcmd__x` where it sets them, `aws__subcmd__connect__subcmd__x` where it
    // matches them), so no subcommand option ever completes (clap-rs/clap#6421). Use the first.
    const SEP: &str = "__subcmd__";
    script.replace(&format!("{}{SEP}", BIN.replace('-', SEP)), &format!("{}{SEP}", BIN.replace('-', "__")))
}

/// `aws-connect/<version> <os>/<arch>`.
pub fn version() -> String {
    format!("aws-connect/{} {}/{}", env!("CARGO_PKG_VERSION"), std::env::consts::OS, std::env::consts::ARCH)
}

fn run_operation(inv: &Invocation, out: &mut dyn Write, context: &Context) -> Result<(), CliError> {
    let op = inv.operation;
    if inv.json_schema {
        return write_out(out, &to_pretty(&connect_core::schema::input_schema(op), Style { ensure_ascii: false }));
    }
    if inv.help {
        check_required(inv)?;
        return write_out(out, &help::operation_page(&SERVICE, op));
    }
    match inv.skeleton {
        Some(SkeletonKind::Input) => {
            return write_out(out, &to_pretty(&skeleton::input(op.input()), Style { ensure_ascii: true }));
        }
        Some(SkeletonKind::YamlInput) => return write_out(out, &skeleton::yaml_input(op.input())),
        Some(SkeletonKind::Output) | None => {}
    }
    if let Some(rows) = &inv.bulk {
        return run_bulk(inv, rows, out, context);
    }
    check_required(inv)?;
    // The AWS CLI makes its formatter before it builds and validates the parameters.
    let format = output_format(inv)?;
    let mut input = build_input(inv)?;
    let paging = if inv.skeleton == Some(SkeletonKind::Output) { None } else { paging(inv, &input)? };
    if let Some(shape) = op.input() {
        input::fill_idempotency_tokens(shape, &mut input);
        // `--page-size` fills the page size member and is validated as it (botocore's paginator
        // sets it before the call's parameters are validated).
        let page_size = paging.as_ref().and_then(|p| p.page_size);
        let checked = connect_core::wire::paginate::with_page_size(op, input.clone(), page_size);
        if let Err(e) = validate::validate(&Value::Object(checked), shape) {
            // botocore validates the parameters of a call on a client it has created, which
            // fails first on an unknown profile or a missing region.
            if inv.skeleton != Some(SkeletonKind::Output) {
                client::check_configuration(&settings(inv, context)?)?;
            }
            return Err(CliError::ParamValidation(format!("{}\n{e}", validate::HEADER)));
        }
    }
    let query = inv.globals.query.as_deref();
    if let Some(q) = query {
        // An expression that does not compile is an argument error, reported before anything is
        // sent; one that fails on the response fails after it (see `print_response`).
        output::check_query(q).map_err(query_error)?;
    }
    let response = if inv.skeleton == Some(SkeletonKind::Output) {
        // Validated; a sample response instead of a request.
        let full = match skeleton::output(op.output()) {
            Some(Value::Object(sample)) => sample,
            _ => serde_json::Map::new(),
        };
        Paged { full, ..Paged::default() }
    } else {
        let settings = settings(inv, context)?;
        interrupt::exit_on_interrupt();
        let mut paging = paging;
        if let Some(p) = &mut paging {
            p.keep_pages = matches!(format, Format::Text | Format::YamlStream);
        }
        client::send_pages(&SERVICE, op, input, &settings, paging.as_ref()).map_err(CliError::from)?
    };
    let pager = pager::choose(inv.globals.no_cli_pager, context.stdout_is_terminal, |source| match source {
        pager::Source::AwsPagerEnv => std::env::var("AWS_PAGER").ok(),
        pager::Source::Profile => inv.globals.profile_setting("cli_pager"),
        pager::Source::PagerEnv => std::env::var("PAGER").ok(),
    });
    let terminal = match format {
        Format::Table => terminal::for_table(inv.globals.color.as_deref(), context.stdout_is_terminal, pager.is_some()),
        _ => output::Terminal::default(),
    };
    let Rendered { text, failure } = response_text(op, response, query, format, &terminal)?;
    if !text.is_empty() {
        match pager {
            Some(command) => {
                let _ = out.flush();
                pager::page(&command, &text)?;
            }
            None => output::write(out, &text, format)?,
        }
    }
    failure.map_or(Ok(()), Err)
}

/// The output format: `--output`, else `AWS_DEFAULT_OUTPUT`, else json.
fn output_format(inv: &Invocation) -> Result<Format, CliError> {
    let name = inv
        .globals
        .output
        .clone()
        .or_else(|| std::env::var("AWS_DEFAULT_OUTPUT").ok())
        .or_else(|| inv.globals.profile_setting("output"))
        .unwrap_or_else(|| "json".to_owned());
    // `--output` itself is checked by the parser (its choices); a name from the environment or
    // the profile is the formatter's `Unknown output type`, a general error (exit 255).
    Format::from_name(&name).ok_or_else(|| CliError::Other(format!("Unknown output type: {name}")))
}

/// A `--query` failure: an argument error when the expression does not compile, the AWS CLI's
/// general error (exit 255) when it fails on the response.
fn query_error(e: output::QueryError) -> CliError {
    if e.evaluation { CliError::Other(e.message) } else { CliError::ParamValidation(e.message) }
}

/// What a response prints: the text, and the error the AWS CLI's formatter raises after writing
/// part of it (the text formatter on a list that mixes objects with other values; exit 255).
struct Rendered {
    text: String,
    failure: Option<CliError>,
}

/// The text of a response: nothing for an empty one (unless a query asks), else the formatted
/// document. The `text` and `yaml-stream` formats of a paginated response go page by page, as
/// the AWS CLI's formatters do (`TextFormatter`, `StreamedYAMLFormatter`): `--query` applies to
/// each page, the text format lists the first page's other members once and the resume token
/// last (`NEXTTOKEN`), and the YAML stream shows each page as the service sent it.
fn response_text(
    op: &'static Operation,
    response: Paged,
    query: Option<&str>,
    format: Format,
    terminal: &output::Terminal,
) -> Result<Rendered, CliError> {
    let mut rendered = Rendered { text: String::new(), failure: None };
    let mut show = |value: &Value, format: Format| -> Result<bool, CliError> {
        let value = match query {
            Some(q) => output::apply_query(q, value).map_err(query_error)?,
            None => value.clone(),
        };
        match output::try_render(format, &value, op.name(), terminal) {
            Ok(text) => rendered.text.push_str(&text),
            Err(e) => {
                rendered.text.push_str(&e.partial);
                rendered.failure = Some(CliError::Other(e.message));
                return Ok(false);
            }
        }
        Ok(true)
    };
    let paginated = connect_core::wire::paginate::automatic(op).filter(|_| !response.pages.is_empty());
    match (paginated, format) {
        (Some((_, _, output_token, items)), Format::Text) => {
            // botocore's `non_aggregate_part`: the output's other members, null where the first
            // page lacks one.
            let mut rest = response.first_page_rest.clone();
            for m in op.output().map_or(&[][..], |s| s.members()) {
                if m.name() != items && m.name() != output_token && !rest.contains_key(m.name()) {
                    rest.insert(m.name().to_owned(), Value::Null);
                }
            }
            for (i, page) in response.pages.iter().enumerate() {
                let mut current = if i == 0 { std::mem::take(&mut rest) } else { serde_json::Map::new() };
                current.insert(items.to_owned(), page.get(items).cloned().unwrap_or(Value::Null));
                if !show(&Value::Object(current), format)? {
                    return Ok(rendered);
                }
            }
            if let Some(token) = &response.resume_token {
                show(&serde_json::json!({"NextToken": {"NextToken": token}}), format)?;
            }
        }
        (Some(_), Format::YamlStream) => {
            for page in &response.pages {
                show(&Value::Object(page.clone()), format)?;
            }
        }
        _ if query.is_none() && response.full.is_empty() => {}
        _ => {
            show(&Value::Object(response.full), format)?;
        }
    }
    Ok(rendered)
}

/// Client settings from the global options.
pub(crate) fn settings(inv: &Invocation, context: &Context) -> Result<client::Settings, CliError> {
    let g = &inv.globals;
    let endpoint_url = match &g.endpoint_url {
        Some(url) if !url.contains("://") => {
            return Err(CliError::ParamValidation(format!(
                "Bad value for --endpoint-url \"{url}\": scheme is missing.  Must be of the form http://<hostname>/ or https://<hostname>/"
            )));
        }
        other => other.clone(),
    };
    let connect_timeout = seconds(&g.cli_connect_timeout)?;
    let read_timeout = seconds(&g.cli_read_timeout)?;
    for (which, given) in [("connect", &connect_timeout), ("read", &read_timeout)] {
        if let Some(Err(n)) = given {
            return Err(CliError::Other(format!(
                "Attempted to set {which} timeout to {n}, but the timeout cannot be set to a value less than or equal \
                 to 0."
            )));
        }
    }
    let debug: Option<client::DebugSink> = if g.debug { Some(std::sync::Arc::new(error::log_line)) } else { None };
    Ok(client::Settings {
        profile: g.profile.clone(),
        region: g.region.clone(),
        endpoint_url,
        unsigned: g.no_sign_request,
        ca_bundle: g.ca_bundle.clone(),
        insecure: g.no_verify_ssl,
        warn: Some(std::sync::Arc::new(error::log_line)),
        connect_timeout: connect_timeout.and_then(Result::ok),
        read_timeout: read_timeout.and_then(Result::ok),
        user_agent: format!(
            "aws-connect/{} os/{} md/arch#{} md/prompt#{} md/command#{}",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH,
            context.prompt.agent_name(),
            inv.operation.cli_name()
        ),
        debug,
    })
}

/// The longest timeout kept, about a century. Python's integers have no bound; a longer wait is
/// no different to anyone, and every deadline computed from this one fits.
const LONGEST_TIMEOUT: u64 = 100 * 365 * 24 * 3600;

/// `--cli-connect-timeout` or `--cli-read-timeout` as the AWS CLI reads it: Python's `int()` of
/// the text (its error message, exit 255, when it is not one), 0 for no timeout (`Ok(ZERO)`), a
/// negative number refused later by urllib3 (`Err` with the number as Python prints it).
fn seconds(given: &Option<String>) -> Result<Option<Result<std::time::Duration, String>>, CliError> {
    let Some(text) = given else { return Ok(None) };
    let n = connect_core::compat::repr::int(text).map_err(|e| CliError::Other(e.to_string()))?;
    Ok(Some(match (n.as_u64(), n.as_i64()) {
        (Some(secs), _) => Ok(std::time::Duration::from_secs(secs.min(LONGEST_TIMEOUT))),
        (None, Some(negative)) => Err(negative.to_string()),
        // Beyond 64 bits: a positive one waits as long as we wait, a negative one is refused.
        (None, None) if text.trim().starts_with('-') => Err(text.trim().replace('_', "")),
        (None, None) => Ok(std::time::Duration::from_secs(LONGEST_TIMEOUT)),
    }))
}

/// What the AWS CLI says of a `--max-items` of 0 or less (`PageArgument.add_to_params`).
const NON_POSITIVE_MAX_ITEMS: &str = "warning: Non-positive values for --max-items may result in undefined behavior.";

/// Whether and how to paginate, as the AWS CLI decides: automatically for operations it
/// paginates, unless `--no-paginate` or a page token or size member was given by hand.
pub(crate) fn paging(
    inv: &Invocation,
    input: &serde_json::Map<String, Value>,
) -> Result<Option<connect_core::wire::paginate::Paging>, CliError> {
    let Some((p, input_token, ..)) = connect_core::wire::paginate::automatic(inv.operation) else { return Ok(None) };
    let given = &inv.paging;
    let manual = [Some(input_token), p.page_size].into_iter().flatten().any(|m| input.contains_key(m));
    if inv.globals.no_paginate || manual {
        let used = given.given();
        if !used.is_empty() && inv.globals.no_paginate {
            return Err(CliError::Other(format!(
                "Cannot specify --no-paginate along with pagination arguments: {}",
                used.join(", ")
            )));
        }
        return Ok(None);
    }
    let int = |name: &str, v: &Option<String>| -> Result<Option<i64>, CliError> {
        v.as_ref()
            .map(|t| {
                t.trim()
                    .parse::<i64>()
                    .map_err(|_| CliError::Usage(format!("argument --{name}: invalid int value: '{t}'")))
            })
            .transpose()
    };
    let max_items = int("max-items", &given.max_items)?;
    if max_items.is_some_and(|n| n <= 0) {
        // The AWS CLI's warning as it reads the option (once for all the rows of a bulk run).
        static WARNED: std::sync::Once = std::sync::Once::new();
        WARNED.call_once(|| error::log_line(NON_POSITIVE_MAX_ITEMS));
    }
    Ok(Some(connect_core::wire::paginate::Paging {
        starting_token: given.starting_token.clone(),
        page_size: int("page-size", &given.page_size)?,
        max_items: max_items.map(|n| n.max(0) as u64),
        keep_pages: false,
    }))
}

/// The operation's input document: the parameters given on the command line, then what
/// `--cli-input-json` or `--cli-input-yaml` adds.
fn build_input(inv: &Invocation) -> Result<serde_json::Map<String, Value>, CliError> {
    let explicit = explicit_input(inv)?;
    let document = match (&inv.cli_input_json, &inv.cli_input_yaml) {
        (Some(_), Some(_)) => {
            return Err(CliError::ParamValidation("Only one --cli-input- parameter may be specified.".into()));
        }
        (Some(json), None) => input::cli_input(CliInputFormat::Json, json)?,
        (None, Some(yaml)) => input::cli_input(CliInputFormat::Yaml, yaml)?,
        (None, None) => return Ok(explicit),
    };
    Ok(input::merge(explicit, document))
}

/// `--cli-input-rows`: the operation once per row, each row merged under the explicit arguments
/// as a `--cli-input-json` document is (see [`bulk`]).
fn run_bulk(
    inv: &Invocation,
    opts: &bulk::BulkOptions,
    out: &mut dyn Write,
    context: &Context,
) -> Result<(), CliError> {
    if inv.cli_input_json.is_some() || inv.cli_input_yaml.is_some() {
        return Err(CliError::ParamValidation("Only one --cli-input- parameter may be specified.".into()));
    }
    let common = bulk::Common { op: inv.operation, explicit: build_input(inv)?, paging: &|input| paging(inv, input) };
    bulk::run(opts, &common, || settings(inv, context), out)
}

/// The input members given as parameters on the command line.
pub(crate) fn explicit_input(inv: &Invocation) -> Result<serde_json::Map<String, Value>, CliError> {
    let mut explicit = serde_json::Map::new();
    for (member, given) in &inv.params {
        let value = match given {
            ParamInput::Flag(b) => Value::Bool(*b),
            ParamInput::Text(values) => input::param_value(member, values, &LocalParamFiles)?,
        };
        explicit.insert(member.name().to_owned(), value);
    }
    Ok(explicit)
}

/// The AWS CLI's argument-level check: every required top-level member must be given, unless
/// `--cli-input-json` or `--cli-input-yaml` may supply it. A required boolean is not checked
/// here: the AWS CLI does not tell argparse that `--x`/`--no-x` is required (`BooleanArgument`),
/// so botocore's validation reports it (`Missing required parameter in input`).
fn check_required(inv: &Invocation) -> Result<(), CliError> {
    if inv.cli_input_json.is_some() || inv.cli_input_yaml.is_some() {
        return Ok(());
    }
    let missing: Vec<String> = inv
        .operation
        .input()
        .map_or(&[][..], |s| s.members())
        .iter()
        .filter(|m| m.required_argument() && !matches!(m.target().kind(), Kind::Boolean))
        .filter(|m| !inv.params.iter().any(|(p, _)| p.name() == m.name()))
        .map(|m| format!("--{}", m.cli_name()))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(CliError::Usage(format!("the following arguments are required: {}", missing.join(", "))))
    }
}

/// Writes command output; a reader that went away (a closed pipe) is not an error.
pub(crate) fn write_out(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(source) => Err(CliError::Io { message: format!("cannot write output: {source}"), source }),
    }
}
