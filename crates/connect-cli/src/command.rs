//! The command line: global options, the operation, and its parameters, parsed with clap from a
//! command tree that is built from the operation descriptors.
//!
//! Only the operation being run is turned into a clap command, so start-up does not grow with the
//! number of operations in the model.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, ArgMatches, Command};
use clap_complete::Shell;
use connect_core::model::{Kind, Member, Operation, Service};

use crate::error::CliError;
pub use crate::globals::{GLOBALS, Global, GlobalOptions, resolve_global};
use crate::globals::{global_args, spell_out_globals};

/// What `--generate-cli-skeleton` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkeletonKind {
    Input,
    YamlInput,
    Output,
}

/// A parsed command line for one operation.
#[derive(Debug)]
pub struct Invocation {
    pub operation: &'static Operation,
    /// Top-level input members given on the command line, in the order of the model.
    pub params: Vec<(&'static Member, ParamInput)>,
    pub cli_input_json: Option<String>,
    pub cli_input_yaml: Option<String>,
    pub skeleton: Option<SkeletonKind>,
    /// `--generate-json-schema`: print the input's JSON Schema (our addition).
    pub json_schema: bool,
    /// `--starting-token`, `--page-size`, `--max-items`, as given.
    pub paging: PagingOptions,
    /// A `help` argument among otherwise complete parameters: the AWS CLI prints the operation's
    /// help page once the parameters parse.
    pub help: bool,
    /// `--cli-input-rows` and the options of a bulk run.
    pub bulk: Option<crate::bulk::BulkOptions>,
    /// The global options, wherever they were given.
    pub globals: GlobalOptions,
}

/// The AWS CLI's paging options of an operation it paginates, as given (their values are checked
/// when paging is decided, as the AWS CLI checks them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PagingOptions {
    /// `--starting-token`.
    pub starting_token: Option<String>,
    /// `--page-size`.
    pub page_size: Option<String>,
    /// `--max-items`.
    pub max_items: Option<String>,
}

impl PagingOptions {
    /// The options that were given, by name (`--page-size`), in the AWS CLI's order.
    pub fn given(&self) -> Vec<&'static str> {
        [("--starting-token", &self.starting_token), ("--page-size", &self.page_size), ("--max-items", &self.max_items)]
            .into_iter()
            .filter_map(|(name, v)| v.as_ref().map(|_| name))
            .collect()
    }
}

/// What the command line gave for one parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamInput {
    /// The text of its value (several for a list).
    Text(Vec<String>),
    /// A boolean flag: `--x` or `--no-x`.
    Flag(bool),
}

/// What the command line asks for.
#[derive(Debug)]
pub enum Parsed {
    Run(Box<Invocation>),
    Version,
    /// `aws-connect help`, `aws-connect <operation> help`, or `--help`.
    Help(HelpTopic),
    /// `aws-connect completion <shell>`.
    Completion(Shell),
}

/// Which help page to print.
#[derive(Debug, Clone, Copy)]
pub enum HelpTopic {
    Service,
    Operation(&'static Operation),
}

/// The word that asks for help, in place of the operation or as the operation's argument.
pub const HELP: &str = "help";

/// The command that prints a shell completion script.
pub const COMPLETION: &str = "completion";

/// The shells `aws-connect completion` writes scripts for.
const SHELLS: &[(&str, Shell)] =
    &[("bash", Shell::Bash), ("zsh", Shell::Zsh), ("fish", Shell::Fish), ("powershell", Shell::PowerShell)];

/// Finds the operation name: the first argument that is neither an option nor an option's value.
pub fn operation_position(args: &[String]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if let Some(name) = arg.strip_prefix("--") {
            // An exact name, or an unambiguous prefix as argparse accepts; `--x=v` holds its value.
            let takes_value = !name.contains('=') && resolve_global(name).is_some_and(|g| g.takes_value);
            i += if takes_value { 2 } else { 1 };
        } else {
            return Some(i);
        }
    }
    None
}

/// The clap command for one operation: one option per top-level input member, plus the AWS CLI's
/// per-command options.
pub fn operation_command(op: &'static Operation) -> Command {
    let mut cmd = Command::new(op.cli_name()).disable_help_flag(true).args_override_self(true);
    for m in op.input().map_or(&[][..], |s| s.members()) {
        cmd = match m.target().kind() {
            // Booleans are flags, with a `--no-` form, as in the AWS CLI.
            Kind::Boolean => cmd
                .arg(Arg::new(m.name()).long(m.cli_name()).action(ArgAction::SetTrue).overrides_with(no_flag_id(m)))
                .arg(Arg::new(no_flag_id(m)).long(no_flag_id(m)).action(ArgAction::SetTrue).overrides_with(m.name())),
            // Lists take any number of values, none included, like the AWS CLI's `ListArgument`
            // (argparse's `nargs='*'`): none is an empty list.
            Kind::List(_) => cmd.arg(
                Arg::new(m.name()).long(m.cli_name()).num_args(0..).allow_negative_numbers(true).value_name("value"),
            ),
            _ => cmd.arg(
                Arg::new(m.name())
                    .long(m.cli_name())
                    .num_args(1)
                    .allow_negative_numbers(true)
                    .action(ArgAction::Set)
                    .value_name("value"),
            ),
        };
    }
    // The AWS CLI's paging options, for operations it paginates automatically.
    if let Some((p, ..)) = connect_core::wire::paginate::automatic(op) {
        let mut paging = vec!["starting-token", "max-items"];
        if p.page_size.is_some() {
            paging.push("page-size");
        }
        for name in paging {
            if !cmd.get_arguments().any(|a| a.get_long() == Some(name)) {
                cmd = cmd.arg(Arg::new(name).long(name).num_args(1).allow_negative_numbers(true).value_name("value"));
            }
        }
    }
    cmd.arg(Arg::new("cli-input-json").long("cli-input-json").num_args(1).value_name("value"))
        .arg(Arg::new("cli-input-yaml").long("cli-input-yaml").num_args(1).value_name("value"))
        .arg(Arg::new("generate-json-schema").long("generate-json-schema").action(ArgAction::SetTrue))
        .args(crate::bulk::args())
        .arg(
            Arg::new("generate-cli-skeleton")
                .long("generate-cli-skeleton")
                .num_args(0..=1)
                .default_missing_value("input")
                .value_parser(["input", "output", "yaml-input"])
                .value_name("value"),
        )
}

/// The clap id (and option name) of a boolean member's `--no-` flag.
fn no_flag_id(m: &Member) -> String {
    format!("no-{}", m.cli_name())
}

/// The top-level clap command, with only the given operations as subcommands.
pub fn root_command(ops: impl IntoIterator<Item = &'static Operation>) -> Command {
    Command::new("aws-connect")
        .disable_help_flag(true)
        .disable_version_flag(true)
        .disable_help_subcommand(true)
        .args_override_self(true)
        // argparse's `allow_abbrev` (on in the AWS CLI): a long option may be given by any prefix
        // that names only it (`--instance` for `--instance-id`).
        .infer_long_args(true)
        .args(global_args())
        .subcommands(ops.into_iter().map(operation_command))
}

/// The whole command tree, as shell completion sees it: every operation, `help`, and
/// `completion <shell>`.
pub fn completion_command(service: &'static Service) -> Command {
    root_command(service.operations())
        .subcommand(Command::new(HELP).about("Show the help page of aws-connect"))
        .subcommand(Command::new(COMPLETION).about("Print a shell completion script").arg(
            Arg::new("shell").required(true).value_parser(SHELLS.iter().map(|(name, _)| *name).collect::<Vec<_>>()),
        ))
}

/// The arguments after the operation that are not global options or their values.
fn operation_args(args: &[String], op_pos: usize) -> Vec<&str> {
    let mut rest = Vec::new();
    let mut i = op_pos + 1;
    while i < args.len() {
        let arg = args[i].as_str();
        let global = arg.strip_prefix("--").and_then(|name| GLOBALS.iter().find(|g| g.name == name));
        match global {
            Some(g) => i += if g.takes_value { 2 } else { 1 },
            None => {
                rest.push(arg);
                i += 1;
            }
        }
    }
    rest
}

/// `aws-connect completion <shell>`.
fn parse_completion(args: &[String], op_pos: usize) -> Result<Parsed, CliError> {
    let shell = match operation_args(args, op_pos).as_slice() {
        [] => return Err(CliError::Usage("the following arguments are required: shell".to_owned())),
        [shell] => *shell,
        [_, extra @ ..] => return Err(CliError::UnknownOptions(extra.iter().map(|s| s.to_string()).collect())),
    };
    SHELLS
        .iter()
        .find(|(name, _)| *name == shell)
        .map(|(_, shell)| Parsed::Completion(*shell))
        .ok_or_else(|| CliError::Usage(format!("argument shell: Found invalid choice '{shell}'\n")))
}

/// Parses the arguments (without the program name).
pub fn parse(service: &'static Service, args: &[String]) -> Result<Parsed, CliError> {
    let args = &spell_out_globals(args);
    let op_pos = operation_position(args);
    let op = match op_pos {
        Some(i) if args[i] == HELP => return Ok(Parsed::Help(HelpTopic::Service)),
        Some(i) if args[i] == COMPLETION => return parse_completion(args, i),
        Some(i) => Some(service.operation(&args[i]).ok_or_else(|| invalid_operation(&args[i]))?),
        None => None,
    };
    if args.iter().any(|a| a == "--help") {
        return Ok(Parsed::Help(op.map_or(HelpTopic::Service, HelpTopic::Operation)));
    }
    if let (Some(op), Some(i)) = (op, op_pos) {
        // `aws-connect <operation> help`, whatever the operation requires (argparse's special case).
        if operation_args(args, i) == [HELP] {
            return Ok(Parsed::Help(HelpTopic::Operation(op)));
        }
    }
    let argv = std::iter::once("aws-connect".to_owned()).chain(args.iter().cloned());
    // Parsed in place (`_mut`): cloning the command for clap would cost more than the parse.
    let mut root = root_command(op);
    let (matches, help) = match root.try_get_matches_from_mut(argv) {
        Ok(matches) => (matches, false),
        Err(e) => match help_argument(&e, &root, args) {
            // `help` as the operation's optional positional argument: the rest must parse.
            Some(set_aside) => {
                let without: Vec<String> =
                    args.iter().enumerate().filter(|(i, _)| !set_aside.contains(i)).map(|(_, a)| a.clone()).collect();
                let argv = std::iter::once("aws-connect".to_owned()).chain(without.iter().cloned());
                let matches = root.try_get_matches_from_mut(argv).map_err(|e| clap_error(e, &root, &without))?;
                (matches, true)
            }
            None => return Err(clap_error(e, &root, args)),
        },
    };
    // Not needed past this point, and built once per process: freeing its many small
    // allocations one by one would cost a sixth of a short command's run (callgrind).
    std::mem::forget(root);
    let globals = GlobalOptions::from_matches(&matches);
    if globals.version {
        return Ok(Parsed::Version);
    }
    let Some(op) = op else {
        return Err(CliError::Usage("the following arguments are required: operation".to_owned()));
    };
    let (_, sub) = matches
        .subcommand()
        .ok_or_else(|| CliError::Usage("the following arguments are required: operation".into()))?;
    let params = op
        .input()
        .map_or(&[][..], |s| s.members())
        .iter()
        .filter_map(|m| {
            if let Kind::Boolean = m.target().kind() {
                let given = |id: &str| sub.value_source(id) == Some(clap::parser::ValueSource::CommandLine);
                return if given(m.name()) {
                    Some((m, ParamInput::Flag(true)))
                } else if given(&no_flag_id(m)) {
                    Some((m, ParamInput::Flag(false)))
                } else {
                    None
                };
            }
            sub.get_many::<String>(m.name()).map(|v| (m, ParamInput::Text(v.cloned().collect())))
        })
        .collect();
    let skeleton = sub.get_one::<String>("generate-cli-skeleton").map(|v| match v.as_str() {
        "output" => SkeletonKind::Output,
        "yaml-input" => SkeletonKind::YamlInput,
        _ => SkeletonKind::Input,
    });
    let invocation = Invocation {
        operation: op,
        params,
        cli_input_json: sub.get_one::<String>("cli-input-json").cloned(),
        cli_input_yaml: sub.get_one::<String>("cli-input-yaml").cloned(),
        skeleton,
        json_schema: sub.get_flag("generate-json-schema"),
        paging: PagingOptions {
            starting_token: paging_option(sub, "starting-token"),
            page_size: paging_option(sub, "page-size"),
            max_items: paging_option(sub, "max-items"),
        },
        help,
        bulk: crate::bulk::options(sub)?,
        globals,
    };
    // Like the command above: dropping the matches would free each of their small allocations.
    std::mem::forget(matches);
    Ok(Parsed::Run(Box::new(invocation)))
}

/// A paging option's value (operations that are not paginated have none).
fn paging_option(sub: &ArgMatches, name: &str) -> Option<String> {
    sub.try_get_one::<String>(name).ok().flatten().cloned()
}

fn invalid_operation(name: &str) -> CliError {
    CliError::Usage(format!("argument operation: Found invalid choice '{name}'\n"))
}

/// Turns a clap error into the AWS CLI's argparse wording.
fn clap_error(e: clap::Error, root: &Command, args: &[String]) -> CliError {
    let arg_name = || match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(s)) => s.split_whitespace().next().unwrap_or_default().to_owned(),
        _ => String::new(),
    };
    match e.kind() {
        ErrorKind::UnknownArgument | ErrorKind::InvalidSubcommand => {
            CliError::UnknownOptions(unknown_options(root, args))
        }
        ErrorKind::InvalidValue => {
            let value = match e.get(ContextKind::InvalidValue) {
                Some(ContextValue::String(s)) => s.clone(),
                _ => String::new(),
            };
            if value.is_empty() {
                CliError::Usage(format!("argument {}: expected one argument", arg_name()))
            } else {
                // argparse ends this message with a newline of its own.
                CliError::Usage(format!("argument {}: Found invalid choice '{value}'\n", arg_name()))
            }
        }
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues | ErrorKind::NoEquals => {
            CliError::Usage(format!("argument {}: expected one argument", arg_name()))
        }
        _ => CliError::Other(e.to_string()),
    }
}

/// When the first positional argument that clap could not place is `help` (the one argparse gives
/// to the operation's optional `help` positional), the positions of every argument argparse would
/// set aside: that `help` and the unknown options, which a help request ignores.
fn help_argument(e: &clap::Error, root: &Command, args: &[String]) -> Option<Vec<usize>> {
    if !matches!(e.kind(), ErrorKind::UnknownArgument | ErrorKind::InvalidSubcommand) {
        return None;
    }
    let unknown = unknown_arguments(root, args);
    let (_, first) = unknown.iter().find(|(_, a)| !a.starts_with('-'))?;
    (first == HELP).then(|| unknown.iter().map(|(i, _)| *i).collect())
}

/// Every argument that no option of the command accounts for, as the AWS CLI lists them: unknown
/// options and stray values in order, except the first stray value, which comes last (the
/// operation's parser has an optional positional `help` that takes it, and the AWS CLI appends
/// it to the rest when it is not `help`).
fn unknown_options(root: &Command, args: &[String]) -> Vec<String> {
    let mut unknown: Vec<String> = unknown_arguments(root, args).into_iter().map(|(_, a)| a).collect();
    if let Some(first) = unknown.iter().position(|a| !a.starts_with('-')) {
        let value = unknown.remove(first);
        unknown.push(value);
    }
    unknown
}

/// [`unknown_options`], with the position of each argument.
fn unknown_arguments(root: &Command, args: &[String]) -> Vec<(usize, String)> {
    let op_pos = operation_position(args);
    let sub = op_pos.and_then(|i| root.find_subcommand(&args[i]));
    let known = |name: &str| {
        root.get_arguments().chain(sub.into_iter().flat_map(|s| s.get_arguments())).find(|a| a.get_long() == Some(name))
    };
    let mut unknown = Vec::new();
    let mut i = 0;
    while i < args.len() {
        if Some(i) == op_pos {
            i += 1;
            continue;
        }
        let arg = &args[i];
        i += 1;
        let Some(rest) = arg.strip_prefix("--") else {
            unknown.push((i - 1, arg.clone()));
            continue;
        };
        let (name, inline_value) = rest.split_once('=').map_or((rest, false), |(n, _)| (n, true));
        let Some(option) = known(name) else {
            unknown.push((i - 1, arg.clone()));
            continue;
        };
        if inline_value || !option.get_action().takes_values() {
            continue;
        }
        // Skip the option's values: one, or as many as follow for a list.
        let range = option.get_num_args().unwrap_or_default();
        let mut taken = 0;
        while taken < range.max_values() && i < args.len() && !args[i].starts_with("--") {
            let choices = option.get_possible_values();
            if range.min_values() == 0 && !choices.is_empty() && !choices.iter().any(|p| p.matches(&args[i], false)) {
                break;
            }
            i += 1;
            taken += 1;
        }
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_is_found_after_global_options() {
        let args: Vec<String> =
            ["--region", "us-east-1", "--debug", "op", "--x"].iter().map(|s| s.to_string()).collect();
        assert_eq!(operation_position(&args), Some(3));
        assert_eq!(operation_position(&args[..2]), None);
        // Abbreviated, and with the value attached.
        let args: Vec<String> = ["--reg", "us-east-1", "--output=json", "op"].iter().map(|s| s.to_string()).collect();
        assert_eq!(operation_position(&args), Some(3));
    }

    #[test]
    fn long_options_may_be_abbreviated_unambiguously() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let service = &connect_core::generated::SERVICE;
        let given = args(&[
            "update-user-identity-info",
            "--identity",
            "Email=x",
            "--user",
            "u",
            "--instance",
            "i",
            "--reg",
            "eu-west-2",
        ]);
        let Ok(Parsed::Run(inv)) = parse(service, &given) else { panic!("abbreviations are refused") };
        let values: Vec<(&str, String)> = inv
            .params
            .iter()
            .map(|(m, v)| match v {
                ParamInput::Text(t) => (m.cli_name(), t.join(" ")),
                ParamInput::Flag(f) => (m.cli_name(), f.to_string()),
            })
            .collect();
        assert_eq!(values, [("identity-info", "Email=x".into()), ("user-id", "u".into()), ("instance-id", "i".into())]);
        assert_eq!(inv.globals.region.as_deref(), Some("eu-west-2"));
        // `--i` could be --identity-info or --instance-id.
        let ambiguous = args(&["update-user-identity-info", "--i", "x", "--user-id", "u"]);
        assert!(parse(service, &ambiguous).is_err());
    }

    #[test]
    fn global_options_are_read_alike_whether_the_command_line_parses_or_not() {
        let service = &connect_core::generated::SERVICE;
        let lines: &[&[&str]] = &[
            &["--prof", "p", "list-instances", "--max-items", "3"],
            &["list-instances", "--p", "p", "--page-size", "2"],
            &["--output=text", "--deb", "list-instances", "--query", "--x", "--no-pag"],
            &["list-instances", "--profile", "a", "--profile=b", "--cli-error", "json", "--reg", "r"],
            &["list-instances", "--cli-read-timeout", "5", "--cli-co", "7", "--no-sign", "--ca", "f"],
        ];
        for line in lines {
            let args: Vec<String> = line.iter().map(|s| s.to_string()).collect();
            let Ok(Parsed::Run(inv)) = parse(service, &args) else { panic!("{line:?} does not parse") };
            assert_eq!(inv.globals, GlobalOptions::scan(&args), "{line:?}");
        }
        let args: Vec<String> =
            ["list-instances", "--p", "p", "--page-size", "2"].iter().map(|s| s.to_string()).collect();
        let Ok(Parsed::Run(inv)) = parse(service, &args) else { panic!("no parse") };
        assert_eq!(inv.globals.profile.as_deref(), Some("p"));
        assert_eq!(inv.paging.page_size.as_deref(), Some("2"));
        let scanned = GlobalOptions::scan(&["--prof".into(), "x".into(), "--bogus".into(), "--cli-error".into()]);
        assert_eq!((scanned.profile.as_deref(), scanned.cli_error_format), (Some("x"), None));
    }

    #[test]
    fn the_full_command_tree_is_consistent() {
        completion_command(&connect_core::generated::SERVICE).debug_assert();
    }

    #[test]
    fn operation_arguments_leave_out_global_options() {
        let args: Vec<String> =
            ["--debug", "op", "--region", "r", "help", "--output", "json"].iter().map(|s| s.to_string()).collect();
        assert_eq!(operation_args(&args, 1), ["help"]);
    }
}
