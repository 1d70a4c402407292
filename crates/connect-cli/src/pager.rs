//! The output pager, as in the AWS CLI v2: command output goes through `AWS_PAGER`, else the
//! profile's `cli_pager`, else `PAGER`, else `less -R` (`more` on Windows), when stdout is a
//! terminal. An empty value or `--no-cli-pager` turns it off.
//!
//! As the AWS CLI does on POSIX systems, the pager command is split into words the way a POSIX
//! shell would (quotes and backslashes) and started directly; on Windows, as there, it is given
//! to the command interpreter (`%COMSPEC% /c "COMMAND"`). `LESS=FRX` is set unless `LESS` is;
//! the pager starts only when there is output to show.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::error::CliError;

/// The pager when no setting names one.
#[cfg(not(windows))]
pub const DEFAULT_PAGER: &str = "less -R";
/// The pager when no setting names one (Windows has `more`, not `less`).
#[cfg(windows)]
pub const DEFAULT_PAGER: &str = "more";

/// `less` flags when `LESS` is not set: quit when the output fits on one screen (`F`), keep
/// colours (`R`), do not clear the screen (`X`).
const DEFAULT_LESS_FLAGS: &str = "FRX";

/// Where a pager setting can come from, in the order they are consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `AWS_PAGER`.
    AwsPagerEnv,
    /// The profile's `cli_pager`.
    Profile,
    /// `PAGER`.
    PagerEnv,
}

/// The pager command to use, if any: none with `--no-cli-pager` (`disabled`) or when stdout is
/// not a terminal; else the first source that is set (an empty value means no pager), else
/// [`DEFAULT_PAGER`]. `lookup` is called only for the sources that are needed.
pub fn choose(disabled: bool, stdout_is_terminal: bool, lookup: impl Fn(Source) -> Option<String>) -> Option<String> {
    if disabled || !stdout_is_terminal {
        return None;
    }
    let setting = [Source::AwsPagerEnv, Source::Profile, Source::PagerEnv]
        .into_iter()
        .find_map(&lookup)
        .unwrap_or_else(|| DEFAULT_PAGER.to_owned());
    (!setting.trim().is_empty()).then_some(setting)
}

/// Splits a command line into words as a POSIX shell (and Python's `shlex.split`) does: blanks
/// separate words, single quotes keep everything, double quotes and backslashes escape (the
/// `shlex` crate; unlike Python's, it takes a `#` that starts a word as a comment). The errors
/// are Python's words for the two ways a line can end too early.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    shlex::split(line).ok_or_else(|| {
        // Only an escaping backslash at the very end is completed by one more character.
        if shlex::split(&format!("{line}x")).is_some() { "No escaped character" } else { "No closing quotation" }
            .to_owned()
    })
}

/// The process that runs the pager `command`, and the program's name for errors; `None` when
/// the command has no words.
#[cfg(not(windows))]
fn pager_command(command: &str) -> Result<Option<(Command, String)>, CliError> {
    let words = split_words(command).map_err(|e| CliError::Other(e.to_string()))?;
    let Some((program, args)) = words.split_first() else {
        return Ok(None);
    };
    let mut cmd = Command::new(program);
    cmd.args(args);
    Ok(Some((cmd, program.clone())))
}

/// The process that runs the pager `command` on Windows: the command interpreter, given the
/// line as Python's `subprocess` gives it with `shell=True`.
#[cfg(windows)]
fn pager_command(command: &str) -> Result<Option<(Command, String)>, CliError> {
    use std::os::windows::process::CommandExt;
    let shell = std::env::var("COMSPEC").unwrap_or_else(|_| "cmd.exe".to_owned());
    let mut cmd = Command::new(&shell);
    cmd.raw_arg(format!("/c \"{command}\""));
    Ok(Some((cmd, shell)))
}

/// Shows `text` through the pager `command` and waits for it to end.
pub fn page(command: &str, text: &str) -> Result<(), CliError> {
    let Some((mut cmd, program)) = pager_command(command)? else {
        return Ok(());
    };
    let program = program.as_str();
    cmd.stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        cmd.env("LESS", DEFAULT_LESS_FLAGS);
    }
    let mut child = cmd.spawn().map_err(|e| spawn_error(program, &e))?;
    // The pager owns the terminal now and handles Ctrl-C itself.
    crate::interrupt::ignore_interrupt();
    if let Some(mut stdin) = child.stdin.take() {
        // A pager that quits before reading everything closes the pipe: not an error.
        let _ = stdin.write_all(text.as_bytes());
    }
    child.wait().map_err(|e| CliError::Other(format!("cannot wait for the pager: {e}")))?;
    Ok(())
}

/// The AWS CLI's error for a pager that cannot start, with the error as Python words it
/// (`[Errno 2] No such file or directory: 'less'`). Only a missing program is the AWS CLI's
/// configuration error (exit 253); anything else is reported as an unexpected error.
fn spawn_error(program: &str, e: &std::io::Error) -> CliError {
    let reason = e.to_string();
    let reason = match (e.raw_os_error(), reason.rfind(" (os error ")) {
        (Some(code), Some(cut)) => format!("[Errno {code}] {}: '{program}'", &reason[..cut]),
        _ => reason,
    };
    let message = pager_error_message(&reason);
    if e.kind() == std::io::ErrorKind::NotFound {
        CliError::Config { code: "Pager", message }
    } else {
        CliError::Other(message)
    }
}

/// The text of the AWS CLI's `PagerErrorHandler`.
pub fn pager_error_message(reason: &str) -> String {
    format!(
        "Unable to redirect output to pager. Received the following error when opening pager:\n{reason}\n\n\
         Learn more about configuring the output pager by running \"aws help config-vars\"."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(
        aws_pager: Option<&str>,
        profile: Option<&str>,
        pager: Option<&str>,
    ) -> impl Fn(Source) -> Option<String> {
        let (a, b, c) = (aws_pager.map(str::to_owned), profile.map(str::to_owned), pager.map(str::to_owned));
        move |s| match s {
            Source::AwsPagerEnv => a.clone(),
            Source::Profile => b.clone(),
            Source::PagerEnv => c.clone(),
        }
    }

    #[test]
    fn the_first_setting_wins_and_empty_disables() {
        let default = if cfg!(windows) { "more" } else { "less -R" };
        assert_eq!(choose(false, true, lookup(None, None, None)).as_deref(), Some(default));
        assert_eq!(choose(false, true, lookup(Some("more"), Some("cat"), Some("most"))).as_deref(), Some("more"));
        assert_eq!(choose(false, true, lookup(None, Some("cat"), Some("most"))).as_deref(), Some("cat"));
        assert_eq!(choose(false, true, lookup(None, None, Some("most"))).as_deref(), Some("most"));
        assert_eq!(choose(false, true, lookup(Some(""), Some("cat"), Some("most"))), None);
        assert_eq!(choose(false, true, lookup(None, Some(""), Some("most"))), None);
    }

    #[test]
    fn never_without_a_terminal_or_with_no_cli_pager() {
        let never = |_: Source| -> Option<String> { panic!("no setting is read") };
        assert_eq!(choose(false, false, never), None);
        assert_eq!(choose(true, true, never), None);
    }

    #[test]
    fn pager_commands_split_like_a_shell() {
        assert_eq!(split_words("less -R").unwrap(), ["less", "-R"]);
        assert_eq!(split_words(r#"  a 'b c' "d \"e\"" f\ g '' "#).unwrap(), ["a", "b c", "d \"e\"", "f g", ""]);
        assert_eq!(split_words("'open"), Err("No closing quotation".to_owned()));
        assert_eq!(split_words(r#"a "b"#), Err("No closing quotation".to_owned()));
        assert_eq!(split_words(r"less \"), Err("No escaped character".to_owned()));
        assert_eq!(split_words("a\tb\nc").unwrap(), ["a", "b", "c"]);
    }

    #[test]
    fn a_missing_pager_is_a_configuration_error() {
        let e = spawn_error("nope", &std::io::Error::from_raw_os_error(2));
        let CliError::Config { code, message } = e else { panic!("{e:?}") };
        assert_eq!(code, "Pager");
        assert_eq!(
            message,
            "Unable to redirect output to pager. Received the following error when opening pager:\n\
             [Errno 2] No such file or directory: 'nope'\n\n\
             Learn more about configuring the output pager by running \"aws help config-vars\"."
        );
    }
}
