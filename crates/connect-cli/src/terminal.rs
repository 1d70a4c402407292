//! The terminal `--output table` is drawn for, as the AWS CLI decides it: the width of standard
//! output's terminal (`awscli.table.determine_terminal_width`) and colour (`--color`).

use crate::output::{DEFAULT_TERMINAL_WIDTH, Terminal};

/// The table settings for `--color` (`on`, `off`, `auto` or not given) when standard output is
/// or is not a terminal and the output goes, or not, to a pager.
///
/// As the AWS CLI's `TableFormatter`: `on` colours even in a pipe, `off` never, `auto` when
/// standard output is a terminal. The width is read from standard output's terminal whatever the
/// colour ([`stdout_width`]).
pub fn for_table(color: Option<&str>, stdout_is_terminal: bool, paged: bool) -> Terminal {
    let color = match color {
        Some("on") => true,
        Some("off") => false,
        _ => stdout_is_terminal,
    };
    if color {
        enable_escapes();
    }
    Terminal { width: stdout_width(), color, reset_after_writes: !paged }
}

/// The number of columns of the terminal standard output is, as the AWS CLI reads it: the
/// `TIOCGWINSZ` ioctl on standard output (its column count as a signed short; 0 when the terminal
/// says 0), else 80: when standard output is not a terminal, and always on Windows, where Python
/// has no `fcntl` and the AWS CLI uses its default. `COLUMNS` plays no part.
pub fn stdout_width() -> usize {
    window_columns().map_or(DEFAULT_TERMINAL_WIDTH, |columns| usize::try_from(columns).unwrap_or(0))
}

#[cfg(unix)]
fn window_columns() -> Option<i16> {
    // SAFETY: `winsize` is plain data, all zeros is a valid value, and TIOCGWINSZ writes at most
    // one `winsize` through the pointer, which lives for the call.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let status = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size as *mut libc::winsize) };
    // Python unpacks the field as a signed short.
    (status == 0).then_some(size.ws_col as i16)
}

#[cfg(not(unix))]
fn window_columns() -> Option<i16> {
    None
}

/// On a Windows console, turns on its handling of the escape sequences that colour the table
/// (virtual terminal processing), where the AWS CLI's colorama turns them into console calls;
/// elsewhere terminals handle them already.
fn enable_escapes() {
    #[cfg(windows)]
    {
        let _ = crossterm::ansi_support::supports_ansi();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_follows_the_option_then_the_terminal() {
        for (option, terminal, want) in [
            (Some("on"), false, true),
            (Some("on"), true, true),
            (Some("off"), true, false),
            (Some("off"), false, false),
            (Some("auto"), true, true),
            (Some("auto"), false, false),
            (None, true, true),
            (None, false, false),
        ] {
            assert_eq!(for_table(option, terminal, false).color, want, "{option:?} {terminal}");
        }
        assert!(for_table(Some("on"), true, false).reset_after_writes);
        assert!(!for_table(Some("on"), true, true).reset_after_writes);
    }
}
