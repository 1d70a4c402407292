//! `--cli-auto-prompt`: the mode (flags, `AWS_CLI_AUTO_PROMPT`, the profile's `cli_auto_prompt`)
//! and the prompter, as the AWS CLI v2 offers it: the command line is edited in place (starting
//! from what was given), with a completion menu that opens while typing (operations, parameters
//! with the required ones first, enum values, shorthand keys inside structure values; see
//! [`complete`]), the documentation of what the cursor is on below the line ([`docs`]), and a
//! history kept across runs ([`history`]: Up, Down, Ctrl-R). Enter runs the line (it closes the
//! menu first when one is open); Ctrl-C, or Ctrl-D on an empty line, cancels with exit code 130.
//!
//! Everything offered comes from the model and the option tables. Standard input must be a
//! terminal; the prompter draws on standard error, so standard output carries only the command's
//! output.

mod complete;
mod docs;
mod history;
mod menu;
mod shorthand;
mod words;

use std::borrow::Cow;
use std::io::IsTerminal;

use connect_core::model::Service;
use crossterm::terminal::{Clear, ClearType};
use reedline::{
    DescriptionMode, EditCommand, Emacs, IdeMenu, KeyCode, KeyModifiers, MenuBuilder, Prompt, PromptEditMode,
    PromptHistorySearch, Reedline, ReedlineEvent, ReedlineMenu, Signal, Span, Suggestion, default_emacs_keybindings,
};

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

/// Edits the command line `args` in the terminal and returns the one accepted. Standard input
/// must be a terminal.
pub fn prompt_for_args(service: &'static Service, args: &[String]) -> Result<Vec<String>, CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::ParamValidation(
            "Cannot prompt for parameters (--cli-auto-prompt): the input is not a terminal (fd=0).".into(),
        ));
    }
    let store = history::History::in_home();
    let mut editor = editor(service, store.as_ref().map(history::History::load).unwrap_or_default())?;
    editor.run_edit_commands(&[EditCommand::InsertString(initial_line(service, args))]);
    let signal = editor.read_line(&Line).map_err(|e| CliError::Other(format!("The prompt failed: {e}")))?;
    match signal {
        Signal::Success(line) => {
            if let Some(store) = &store {
                store.store(&line);
            }
            crate::pager::split_words(&line).map_err(CliError::Other)
        }
        _ => {
            // As the AWS CLI, the line as it was stays on the screen (the editor leaves it), the
            // rest is cleared, and the exit code is 130.
            let _ = crossterm::execute!(std::io::stderr(), Clear(ClearType::FromCursorDown));
            Err(CliError::PromptInterrupted)
        }
    }
}

/// The text the prompter starts with: the given arguments (without `--cli-auto-prompt`), quoted
/// as a shell reads them, and a space after them unless their last word is the start of
/// something longer that can be completed.
fn initial_line(service: &'static Service, args: &[String]) -> String {
    let given: Vec<String> = args.iter().filter(|a| *a != ON).map(|a| words::quoted(a)).collect();
    let mut line = given.join(" ");
    let last = given.last().map_or("", String::as_str);
    if !line.is_empty() && complete::complete(service, &line).1.iter().all(|c| c.value == last) {
        line.push(' ');
    }
    line
}

/// The line editor: the model's completions in a menu that opens while typing, the
/// documentation panel, and the history.
fn editor(service: &'static Service, past: Vec<String>) -> Result<Reedline, CliError> {
    let mut memory = reedline::FileBackedHistory::new(history::KEPT)
        .map_err(|e| CliError::Other(format!("The prompt failed: {e}")))?;
    for line in past {
        let _ = reedline::History::save(&mut memory, reedline::HistoryItem::from_command_line(line));
    }
    let menu = IdeMenu::default()
        .with_name(menu::NAME)
        .with_marker("")
        .with_only_buffer_difference(false)
        .with_max_completion_height(12)
        .with_description_mode(DescriptionMode::PreferRight)
        .with_max_description_width(60)
        .with_description_offset(2);
    let mut keys = default_emacs_keybindings();
    keys.add_binding(
        KeyModifiers::NONE,
        KeyCode::Tab,
        ReedlineEvent::UntilFound(vec![ReedlineEvent::Menu(menu::NAME.to_owned()), ReedlineEvent::MenuNext]),
    );
    keys.add_binding(KeyModifiers::SHIFT, KeyCode::BackTab, ReedlineEvent::MenuPrevious);
    Ok(Reedline::create()
        .with_history(Box::new(memory))
        .with_completer(Box::new(ModelCompleter { service }))
        .with_hinter(Box::new(docs::DocPanel { service }))
        .with_menu(ReedlineMenu::EngineCompleter(Box::new(menu::AutoMenu::new(menu))))
        .with_edit_mode(Box::new(menu::Typing(Emacs::new(keys))))
        .with_quick_completions(false)
        .with_partial_completions(false))
}

/// The line editor's completer over the model.
struct ModelCompleter {
    service: &'static Service,
}

impl reedline::Completer for ModelCompleter {
    fn complete(&mut self, line: &str, pos: usize) -> Vec<Suggestion> {
        let pos = pos.min(line.len());
        let (start, choices) = complete::complete(self.service, &line[..pos]);
        choices
            .into_iter()
            .map(|c| Suggestion {
                value: c.value,
                display_override: Some(c.display),
                description: (!c.description.is_empty()).then_some(c.description),
                span: Span::new(start, pos),
                append_whitespace: c.space,
                ..Suggestion::default()
            })
            .collect()
    }
}

/// The prompt: `> aws-connect `, as the AWS CLI's is `> aws `.
struct Line;

impl Prompt for Line {
    fn render_prompt_left(&self) -> Cow<'_, str> {
        Cow::Borrowed("> aws-connect ")
    }

    fn render_prompt_right(&self) -> Cow<'_, str> {
        Cow::Borrowed("")
    }

    fn render_prompt_indicator(&self, _mode: PromptEditMode) -> Cow<'_, str> {
        Cow::Borrowed("")
    }

    fn render_prompt_multiline_indicator(&self) -> Cow<'_, str> {
        Cow::Borrowed("")
    }

    fn render_prompt_history_search_indicator(&self, search: PromptHistorySearch) -> Cow<'_, str> {
        Cow::Owned(format!("(history search: {}) ", search.term))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
