//! `--cli-auto-prompt`: the mode (flags, `AWS_CLI_AUTO_PROMPT`, the profile's `cli_auto_prompt`)
//! and an interactive line prompter that completes a command line from the operation
//! descriptors.
//!
//! The prompter asks for the operation when the command line has none, then for its parameters,
//! required ones first, each with the first sentence of its documentation. A structure can be
//! given whole (shorthand or JSON) or member by member; what the command line already gave is the
//! default (Enter keeps it, `-` drops it). Optional parameters are offered from a numbered list.
//! It prints the final command line and returns its arguments.
//!
//! It reads lines from standard input, which must be a terminal (the terminal's own line editing
//! applies), and writes to standard error, so that standard output carries only the command's
//! output.

use std::io::{BufRead, IsTerminal, Write};

use connect_core::input;
use connect_core::input::paramfile::LocalParamFiles;
use connect_core::model::{Kind, Member, Operation, Service, Shape, doc_overview};
use serde_json::{Map, Value};

use crate::cmdline::{shell_word, structure_text};
use crate::command;
use crate::error::CliError;

const ON: &str = "--cli-auto-prompt";
const OFF: &str = "--no-cli-auto-prompt";

/// When the prompter opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Off,
    /// Always, before running.
    On,
    /// Only when the command ends with a parameter error; the error is not printed.
    Partial,
}

impl Mode {
    /// The user agent's `md/prompt#…` value.
    pub fn agent_name(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::On => "on",
            Mode::Partial => "partial",
        }
    }
}

/// The AWS CLI's precedence: both flags are an error; `help` or `--version` anywhere turn the
/// prompter off; then `--no-cli-auto-prompt`, `--cli-auto-prompt`, and the configuration
/// (`configured` is consulted only then: `AWS_CLI_AUTO_PROMPT`, else the profile's
/// `cli_auto_prompt`), `off` by default. Values are compared without case.
pub fn mode(args: &[String], configured: impl FnOnce() -> Option<String>) -> Result<Mode, CliError> {
    let has = |word: &str| args.iter().any(|a| a == word);
    if has(ON) && has(OFF) {
        return Err(CliError::ParamValidation(
            "Both --cli-auto-prompt and --no-cli-auto-prompt cannot be specified at the same time.".into(),
        ));
    }
    if has(command::HELP) || has("--version") || has(OFF) {
        return Ok(Mode::Off);
    }
    if has(ON) {
        return Ok(Mode::On);
    }
    Ok(match configured().map(|v| v.to_ascii_lowercase()).as_deref() {
        Some("on") => Mode::On,
        Some("on-partial") => Mode::Partial,
        _ => Mode::Off,
    })
}

/// Prompts in the terminal for what the command line `args` lacks and returns the completed
/// command line. Standard input must be a terminal.
pub fn prompt_for_args(service: &'static Service, args: &[String]) -> Result<Vec<String>, CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::ParamValidation(
            "Cannot prompt for parameters (--cli-auto-prompt): the input is not a terminal (fd=0).".into(),
        ));
    }
    crate::interrupt::exit_on_interrupt();
    let stdin = std::io::stdin();
    let mut prompter = Prompter { input: stdin.lock(), out: std::io::stderr() };
    prompter.complete(service, args)
}

/// What the command line gave for a parameter.
#[derive(Debug, Clone, PartialEq)]
enum Given {
    Values(Vec<String>),
    Flag(bool),
}

/// A command line taken apart: what comes before the operation, the operation, its parameters,
/// and the other arguments after it (per-command and global options), kept as they are.
struct Parts {
    before: Vec<String>,
    operation: Option<&'static Operation>,
    given: Vec<(&'static Member, Given)>,
    rest: Vec<String>,
}

fn split(service: &'static Service, args: &[String]) -> Parts {
    let args: Vec<String> = args.iter().filter(|a| *a != ON).cloned().collect();
    let Some(pos) = command::operation_position(&args) else {
        return Parts { before: args, operation: None, given: Vec::new(), rest: Vec::new() };
    };
    let Some(op) = service.operation(&args[pos]) else {
        // An unknown operation: ask for another one, keep the rest.
        let mut before = args[..pos].to_vec();
        before.extend_from_slice(&args[pos + 1..]);
        return Parts { before, operation: None, given: Vec::new(), rest: Vec::new() };
    };
    let members = op.input().map_or(&[][..], |s| s.members());
    let mut given: Vec<(&'static Member, Given)> = Vec::new();
    let mut rest = Vec::new();
    let mut i = pos + 1;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let Some(option) = arg.strip_prefix("--") else {
            rest.push(arg.clone());
            continue;
        };
        let (name, inline) = option.split_once('=').map_or((option, None), |(n, v)| (n, Some(v.to_owned())));
        let boolean = |m: &&Member| matches!(m.target().kind(), Kind::Boolean);
        let found = members.iter().find(|m| m.cli_name() == name).map(|m| (m, true)).or_else(|| {
            let plain = name.strip_prefix("no-")?;
            members.iter().filter(boolean).find(|m| m.cli_name() == plain).map(|m| (m, false))
        });
        let Some((member, positive)) = found else {
            rest.push(arg.clone());
            continue;
        };
        let value = if boolean(&member) {
            Given::Flag(positive)
        } else if let Some(v) = inline {
            Given::Values(vec![v])
        } else {
            let list = matches!(member.target().kind(), Kind::List(_));
            let mut values = Vec::new();
            while i < args.len() && !args[i].starts_with("--") && (list || values.is_empty()) {
                values.push(args[i].clone());
                i += 1;
            }
            Given::Values(values)
        };
        given.retain(|(m, _)| m.name() != member.name());
        given.push((member, value));
    }
    Parts { before: args[..pos].to_vec(), operation: Some(op), given, rest }
}

/// The line prompter, over any input and output (a terminal in use, scripts in tests).
struct Prompter<R, W> {
    input: R,
    out: W,
}

/// Why asking stopped: the input ended (Ctrl-D), which cancels the command.
struct Cancelled;

impl From<Cancelled> for CliError {
    fn from(_: Cancelled) -> CliError {
        CliError::Interrupted
    }
}

/// The type of a shape as the prompts show it.
fn type_label(shape: &Shape) -> String {
    match shape.kind() {
        Kind::List(element) => format!("list of {}", element.type_name()),
        Kind::Map { value, .. } => format!("map to {}", value.type_name()),
        _ => shape.type_name().to_owned(),
    }
}

/// A JSON value as text to edit: strings as they are, everything else as JSON.
fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Members in the order they are asked: required ones first, then the model's order.
fn ordered(members: &'static [Member]) -> Vec<&'static Member> {
    let mut all: Vec<&'static Member> = members.iter().collect();
    all.sort_by_key(|m| !m.required());
    all
}

impl<R: BufRead, W: Write> Prompter<R, W> {
    fn say(&mut self, text: &str) {
        let _ = writeln!(self.out, "{text}");
    }

    /// One answer line, without its line ending.
    fn ask(&mut self, prompt: &str) -> Result<String, Cancelled> {
        let _ = write!(self.out, "{prompt}");
        let _ = self.out.flush();
        let mut line = String::new();
        match self.input.read_line(&mut line) {
            Ok(0) | Err(_) => {
                let _ = writeln!(self.out);
                Err(Cancelled)
            }
            Ok(_) => Ok(line.trim_end_matches(['\n', '\r']).to_owned()),
        }
    }

    /// Asks for a text: Enter keeps `default`, `-` drops it; an empty answer for a required value
    /// without a default asks again. `None`: no value.
    fn ask_text(&mut self, label: &str, default: Option<&str>, required: bool) -> Result<Option<String>, Cancelled> {
        let prompt = match default {
            Some(d) => format!("{label} [{d}]: "),
            None => format!("{label}: "),
        };
        loop {
            let answer = self.ask(&prompt)?;
            match (answer.trim(), default) {
                ("", Some(d)) => return Ok(Some(d.to_owned())),
                ("", None) if required => self.say("  A value is required."),
                ("", None) => return Ok(None),
                ("-", _) if !required => return Ok(None),
                _ => return Ok(Some(answer)),
            }
        }
    }

    /// The header of a parameter or member: its name, type, and first documentation sentence.
    fn describe(&mut self, indent: &str, label: &str, member: &Member) {
        let mut head = format!(
            "{indent}{label} ({}{})",
            type_label(member.target()),
            if member.required() { ", required" } else { "" }
        );
        let doc = doc_overview(if member.doc().is_empty() { member.target().doc() } else { member.doc() });
        if !doc.is_empty() {
            head.push_str(": ");
            head.push_str(&doc);
        }
        self.say(&head);
        if let Kind::Enum(values) = member.target().kind() {
            let names: Vec<&str> = values.iter().map(|v| v.value()).collect();
            self.say(&format!("{indent}  one of: {}", names.join(", ")));
        }
    }

    /// Completes the command line `args`.
    fn complete(&mut self, service: &'static Service, args: &[String]) -> Result<Vec<String>, CliError> {
        let mut parts = split(service, args);
        let op = match parts.operation {
            Some(op) => op,
            None => loop {
                let name = self.ask("Operation: ")?;
                match service.operation(name.trim()) {
                    Some(op) => break op,
                    None => self.say(&format!("  Unknown operation '{}'.", name.trim())),
                }
            },
        };
        self.say(&format!("aws-connect {}: {}", op.cli_name(), doc_overview(op.doc())));
        self.say("Enter keeps the value in brackets, '-' leaves an optional parameter out, Ctrl-D cancels.");
        let members = op.input().map_or(&[][..], |s| s.members());
        let mut values: Vec<(&'static Member, Given)> = Vec::new();
        for member in members.iter().filter(|m| m.required()) {
            let default = parts.given.iter().find(|(m, _)| m.name() == member.name()).map(|(_, g)| g.clone());
            if let Some(v) = self.parameter(member, default)? {
                values.push((member, v));
            }
        }
        let optional: Vec<&'static Member> = members.iter().filter(|m| !m.required()).collect();
        // Optional parameters given on the command line stay unless changed.
        for member in &optional {
            if let Some((_, g)) = parts.given.iter().find(|(m, _)| m.name() == member.name()) {
                values.push((member, g.clone()));
            }
        }
        if !optional.is_empty() {
            self.optional_parameters(&optional, &mut values)?;
        }
        // The command line: the parameters in the model's order, then the other arguments.
        let mut out = std::mem::take(&mut parts.before);
        out.push(op.cli_name().to_owned());
        for member in members {
            match values.iter().find(|(m, _)| m.name() == member.name()) {
                Some((_, Given::Values(v))) => {
                    out.push(format!("--{}", member.cli_name()));
                    out.extend(v.iter().cloned());
                }
                Some((_, Given::Flag(true))) => out.push(format!("--{}", member.cli_name())),
                Some((_, Given::Flag(false))) => out.push(format!("--no-{}", member.cli_name())),
                None => {}
            }
        }
        out.extend(parts.rest);
        let shown: Vec<String> = out.iter().map(|a| shell_word(a)).collect();
        self.say(&format!("\n> aws-connect {}", shown.join(" ")));
        Ok(out)
    }

    /// Offers the optional parameters by number until the answer is empty.
    fn optional_parameters(
        &mut self,
        optional: &[&'static Member],
        values: &mut Vec<(&'static Member, Given)>,
    ) -> Result<(), Cancelled> {
        loop {
            self.say("Optional parameters:");
            for (i, m) in optional.iter().enumerate() {
                let current = match values.iter().find(|(v, _)| v.name() == m.name()) {
                    Some((_, Given::Values(v))) => {
                        format!(" = {}", v.iter().map(|s| shell_word(s)).collect::<Vec<_>>().join(" "))
                    }
                    Some((_, Given::Flag(b))) => format!(" = {b}"),
                    None => String::new(),
                };
                let doc = doc_overview(if m.doc().is_empty() { m.target().doc() } else { m.doc() });
                self.say(&format!("  {:>2}) --{}{current}  {doc}", i + 1, m.cli_name()));
            }
            let answer = self.ask("Number of a parameter to set, or Enter to run: ")?;
            let answer = answer.trim();
            if answer.is_empty() {
                return Ok(());
            }
            let Some(member) = answer.parse::<usize>().ok().and_then(|n| optional.get(n.checked_sub(1)?)) else {
                self.say(&format!("  '{answer}' is not one of the numbers above."));
                continue;
            };
            let default = values.iter().find(|(m, _)| m.name() == member.name()).map(|(_, g)| g.clone());
            values.retain(|(m, _)| m.name() != member.name());
            if let Some(v) = self.parameter(member, default)? {
                values.push((member, v));
            }
        }
    }

    /// Asks for one top-level parameter.
    fn parameter(&mut self, member: &'static Member, default: Option<Given>) -> Result<Option<Given>, Cancelled> {
        let label = format!("--{}", member.cli_name());
        self.describe("", &label, member);
        let shape = member.target();
        match shape.kind() {
            Kind::Boolean => {
                let default = match default {
                    Some(Given::Flag(b)) => Some(if b { "yes" } else { "no" }),
                    _ => None,
                };
                loop {
                    let Some(answer) = self.ask_text(&format!("{label} (yes/no)"), default, member.required())? else {
                        return Ok(None);
                    };
                    match answer.trim().to_ascii_lowercase().as_str() {
                        "y" | "yes" | "true" => return Ok(Some(Given::Flag(true))),
                        "n" | "no" | "false" => return Ok(Some(Given::Flag(false))),
                        _ => self.say("  Answer yes or no."),
                    }
                }
            }
            Kind::Structure(_) | Kind::Union(_) => {
                let text = match &default {
                    Some(Given::Values(v)) => v.first().cloned(),
                    _ => None,
                };
                // What the command line gave, as a document, gives the members' defaults.
                let current = match &default {
                    Some(Given::Values(v)) => input::param_value(member, v, &LocalParamFiles).ok(),
                    _ => None,
                };
                let value = self.structure("", &label, member, text.as_deref(), current.as_ref(), |v| {
                    input::param_value(member, &[v.to_owned()], &LocalParamFiles).map_err(|e| e.to_string())
                })?;
                Ok(value.map(|v| Given::Values(vec![v])))
            }
            Kind::List(_) => {
                let default = match &default {
                    Some(Given::Values(v)) => Some(v.iter().map(|s| shell_word(s)).collect::<Vec<_>>().join(" ")),
                    _ => None,
                };
                self.say("  Values separated by spaces (quote a value that has spaces), or one JSON list.");
                loop {
                    let Some(text) = self.ask_text(&label, default.as_deref(), member.required())? else {
                        return Ok(None);
                    };
                    let words = if text.trim_start().starts_with('[') {
                        Ok(vec![text])
                    } else {
                        crate::pager::split_words(&text)
                    };
                    match words {
                        Ok(words) if !words.is_empty() => return Ok(Some(Given::Values(words))),
                        Ok(_) => self.say("  A value is required."),
                        Err(e) => self.say(&format!("  {e}")),
                    }
                }
            }
            _ => {
                let default = match &default {
                    Some(Given::Values(v)) => v.first().cloned(),
                    _ => None,
                };
                Ok(self.ask_text(&label, default.as_deref(), member.required())?.map(|v| Given::Values(vec![v])))
            }
        }
    }

    /// Asks for a structure or union: a whole value (checked with `parse`), or its members one by
    /// one. Returns the value as command-line text.
    fn structure(
        &mut self,
        indent: &str,
        label: &str,
        member: &'static Member,
        text: Option<&str>,
        current: Option<&Value>,
        parse: impl Fn(&str) -> Result<Value, String>,
    ) -> Result<Option<String>, Cancelled> {
        let hint = match text {
            Some(_) => "whole value (shorthand or JSON), '=' to keep the one in brackets, or Enter for its members",
            None => "whole value (shorthand or JSON), or Enter for its members",
        };
        self.say(&format!("{indent}  {hint}"));
        loop {
            let prompt = match text {
                Some(t) => format!("{indent}{label} [{t}]: "),
                None => format!("{indent}{label}: "),
            };
            let answer = self.ask(&prompt)?;
            let answer = answer.trim();
            match (answer, text) {
                ("=", Some(t)) => return Ok(Some(t.to_owned())),
                ("-", _) if !member.required() => return Ok(None),
                ("", _) => break,
                (whole, _) => match parse(whole) {
                    Ok(_) => return Ok(Some(whole.to_owned())),
                    Err(e) => self.say(&format!("{indent}  {e}")),
                },
            }
        }
        let value = self.members(&format!("{indent}  "), member.target(), current)?;
        Ok(match value {
            Some(v) => Some(structure_text(member, &v)),
            None if member.required() => Some("{}".to_owned()),
            None => None,
        })
    }

    /// Asks for the members of a structure or union one by one; `None` when none was given.
    fn members(
        &mut self,
        indent: &str,
        shape: &'static Shape,
        current: Option<&Value>,
    ) -> Result<Option<Value>, Cancelled> {
        let mut map = Map::new();
        let union = matches!(shape.kind(), Kind::Union(_));
        if union {
            self.say(&format!("{indent}(a union: give one member)"));
        }
        for member in ordered(shape.members()) {
            if union && !map.is_empty() {
                break;
            }
            let old = current.and_then(|c| c.get(member.name()));
            if let Some(v) = self.member(indent, member, old)? {
                map.insert(member.name().to_owned(), v);
            }
        }
        Ok((!map.is_empty()).then_some(Value::Object(map)))
    }

    /// Asks for one member of a structure, typed with the model as the AWS CLI types a value.
    fn member(
        &mut self,
        indent: &str,
        member: &'static Member,
        old: Option<&Value>,
    ) -> Result<Option<Value>, Cancelled> {
        self.describe(indent, member.name(), member);
        let parse =
            |text: &str| input::param_value(member, &[text.to_owned()], &LocalParamFiles).map_err(|e| e.to_string());
        if let Kind::Structure(_) | Kind::Union(_) = member.target().kind() {
            let text = old.map(|v| structure_text(member, v));
            let answer = self.structure(indent, member.name(), member, text.as_deref(), old, parse)?;
            return Ok(answer.and_then(|t| input::param_value(member, &[t], &LocalParamFiles).ok()));
        }
        let default = old.map(value_text);
        loop {
            let Some(text) =
                self.ask_text(&format!("{indent}{}", member.name()), default.as_deref(), member.required())?
            else {
                return Ok(None);
            };
            match parse(&text) {
                Ok(v) => return Ok(Some(v)),
                Err(e) => self.say(&format!("{indent}  {e}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_core::generated::SERVICE;

    fn strings(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn mode_precedence() {
        let never = || -> Option<String> { panic!("the configuration is not read") };
        assert!(mode(&strings(&["op", ON, OFF]), never).is_err());
        assert_eq!(mode(&strings(&["op", ON, "help"]), never).ok(), Some(Mode::Off));
        assert_eq!(mode(&strings(&[ON, "--version"]), never).ok(), Some(Mode::Off));
        assert_eq!(mode(&strings(&["op", OFF]), never).ok(), Some(Mode::Off));
        assert_eq!(mode(&strings(&["op", ON]), never).ok(), Some(Mode::On));
        assert_eq!(mode(&strings(&["op"]), || Some("ON".into())).ok(), Some(Mode::On));
        assert_eq!(mode(&strings(&["op"]), || Some("on-partial".into())).ok(), Some(Mode::Partial));
        assert_eq!(mode(&strings(&["op"]), || Some("nonsense".into())).ok(), Some(Mode::Off));
        assert_eq!(mode(&strings(&["op"]), || None).ok(), Some(Mode::Off));
    }

    /// The prompter over a scripted input, for the first operation of the model that has a
    /// required structure parameter.
    fn scripted(args: &[&str], answers: &str) -> (Result<Vec<String>, CliError>, String) {
        let mut p = Prompter { input: answers.as_bytes(), out: Vec::new() };
        let result = p.complete(&SERVICE, &strings(args));
        (result, String::from_utf8_lossy(&p.out).into_owned())
    }

    /// An operation whose required parameters are strings and one structure of optional scalar
    /// members.
    fn op_with_required_structure() -> (&'static Operation, &'static Member) {
        SERVICE
            .operations()
            .find_map(|op| {
                let members = op.input()?.members();
                let m = members.iter().find(|m| m.required() && matches!(m.target().kind(), Kind::Structure(_)))?;
                let simple =
                    |x: &Member| !x.required() || x.name() == m.name() || matches!(x.target().kind(), Kind::String);
                let plain = m.target().members().iter().all(|x| {
                    !x.required()
                        && !matches!(
                            x.target().kind(),
                            Kind::Structure(_) | Kind::Union(_) | Kind::List(_) | Kind::Map { .. }
                        )
                });
                let has_text = m.target().members().iter().any(|x| matches!(x.target().kind(), Kind::String));
                (members.iter().all(simple) && plain && has_text).then_some((op, m))
            })
            .expect("an operation with a required structure parameter")
    }

    #[test]
    fn members_one_by_one_become_shorthand() {
        let (op, structure) = op_with_required_structure();
        let required: Vec<&Member> =
            op.input().map_or(&[][..], |s| s.members()).iter().filter(|m| m.required()).collect();
        // Enter for the structure, then a value for each string member and Enter for the rest;
        // "x" for every other required parameter.
        let mut answers = String::new();
        let mut expected = vec![op.cli_name().to_owned()];
        for m in &required {
            expected.push(format!("--{}", m.cli_name()));
            if m.name() == structure.name() {
                answers.push('\n');
                let mut parts = Vec::new();
                for inner in ordered(structure.target().members()) {
                    if matches!(inner.target().kind(), Kind::String) && parts.len() < 2 {
                        answers.push_str(&format!("v{}\n", parts.len()));
                        parts.push(format!("{}=v{}", inner.name(), parts.len()));
                    } else {
                        answers.push('\n');
                    }
                }
                expected.push(parts.join(","));
            } else {
                answers.push_str("x\n");
                expected.push("x".into());
            }
        }
        answers.push('\n'); // no optional parameter
        let (result, screen) = scripted(&[op.cli_name(), "--region", "r"], &answers);
        expected.extend(strings(&["--region", "r"]));
        assert_eq!(result.ok(), Some(expected), "{screen}");
        assert!(screen.contains(&format!("--{} (structure, required)", structure.cli_name())), "{screen}");
    }

    #[test]
    fn command_line_values_are_the_defaults() {
        let (op, structure) = op_with_required_structure();
        let required: Vec<&Member> =
            op.input().map_or(&[][..], |s| s.members()).iter().filter(|m| m.required()).collect();
        let mut args = vec![op.cli_name().to_owned(), "--cli-auto-prompt".into()];
        for m in &required {
            args.push(format!("--{}", m.cli_name()));
            args.push(if m.name() == structure.name() { "{}".into() } else { "given".into() });
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // '=' keeps the structure, Enter keeps the others and adds no optional parameter.
        let answers: String =
            required.iter().map(|m| if m.name() == structure.name() { "=\n" } else { "\n" }).collect();
        let (result, screen) = scripted(&args, &format!("{answers}\n"));
        let mut expected = args.clone();
        expected.retain(|a| *a != "--cli-auto-prompt");
        assert_eq!(result.ok(), Some(strings(&expected)), "{screen}");
    }

    #[test]
    fn end_of_input_cancels() {
        let (op, _) = op_with_required_structure();
        let (result, _) = scripted(&[op.cli_name()], "");
        assert!(matches!(result, Err(CliError::Interrupted)));
    }

    #[test]
    fn an_unknown_operation_is_asked_again() {
        let (op, _) = op_with_required_structure();
        let (result, screen) = scripted(&["no-such-op"], &format!("bogus\n{}\n", op.cli_name()));
        assert!(screen.contains("Unknown operation 'bogus'"), "{screen}");
        assert!(matches!(result, Err(CliError::Interrupted)), "the script ends during the parameters");
    }
}
