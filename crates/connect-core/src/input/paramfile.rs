//! Loading of `file://` (text) and `fileb://` (bytes) parameter values, with the AWS CLI v2's
//! path expansion (`~`, `$VAR`, `${VAR}`, and on Windows `%VAR%`) and error messages.

// Compiled everywhere so that its tests run on every platform; used on Windows.
#[cfg_attr(not(windows), allow(dead_code))]
mod winpath;

use std::ffi::{OsStr, OsString};
use std::fmt::Write as _;
use std::io::{self, Read};

use crate::input::shorthand::{Node, ParamFiles};

const TEXT_PREFIX: &str = "file://";
const BYTES_PREFIX: &str = "fileb://";

/// A paramfile could not be loaded. `Display` is the exact AWS CLI text, without the
/// `Error parsing parameter '--x': ` prefix (the caller adds that where the CLI does).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParamFileError {
    /// Opening or reading failed, e.g.
    /// `Unable to load paramfile file://x: [Errno 2] No such file or directory: 'x'`.
    #[error("Unable to load paramfile {uri}: {reason}")]
    Io {
        /// The value as given, prefix included and unexpanded.
        uri: String,
        /// Python's rendering of the OS error: `[Errno N] text: 'path'`.
        reason: String,
    },
    /// A `file://` file is not valid UTF-8.
    #[error(
        "Unable to load paramfile ({path}), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix."
    )]
    Decode {
        /// The expanded path.
        path: String,
    },
}

/// Resolves `@=` values in shorthand from the local file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalParamFiles;

impl ParamFiles for LocalParamFiles {
    fn load(&self, value: &str) -> Result<Option<Node>, ParamFileError> {
        get_paramfile(value)
    }
}

/// Loads `value` if it starts with `file://` (UTF-8 text, newlines normalised to `\n` as
/// Python's text mode does) or `fileb://` (raw bytes). Any other value gives `Ok(None)`.
///
/// # Errors
///
/// [`ParamFileError`] when the file cannot be read, or (for `file://`) is not UTF-8.
pub fn get_paramfile(value: &str) -> Result<Option<Node>, ParamFileError> {
    if let Some(rest) = value.strip_prefix(TEXT_PREFIX) {
        let path = expand_path(rest);
        let bytes = read_file(value, &path)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| ParamFileError::Decode { path: path.to_string_lossy().into_owned() })?;
        Ok(Some(Node::Str(universal_newlines(&text))))
    } else if let Some(rest) = value.strip_prefix(BYTES_PREFIX) {
        let path = expand_path(rest);
        Ok(Some(Node::Bytes(read_file(value, &path)?)))
    } else {
        Ok(None)
    }
}

fn read_file(uri: &str, path: &OsStr) -> Result<Vec<u8>, ParamFileError> {
    let io_error = |e: io::Error, with_name: bool| ParamFileError::Io {
        uri: uri.to_owned(),
        reason: python_os_error(&e, with_name.then_some(path)),
    };
    let mut file = std::fs::File::open(path).map_err(|e| io_error(e, true))?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(|e| {
        // Python detects directories when opening, so that error names the file.
        let is_dir = e.raw_os_error() == Some(EISDIR);
        io_error(e, is_dir)
    })?;
    Ok(bytes)
}

const EISDIR: i32 = 21;

/// Formats an OS error like Python's `str(OSError)`: `[Errno 2] No such file or directory: 'x'`.
fn python_os_error(e: &io::Error, path: Option<&OsStr>) -> String {
    let Some(code) = e.raw_os_error() else {
        return e.to_string();
    };
    let full = e.to_string();
    let suffix = format!(" (os error {code})");
    let text = full.strip_suffix(&suffix).unwrap_or(&full);
    #[cfg(windows)]
    let (code, text) = c_runtime_errno(code).unwrap_or((code, text));
    match path {
        Some(p) => format!("[Errno {code}] {text}: {}", python_repr(p)),
        None => format!("[Errno {code}] {text}"),
    }
}

/// The C runtime's `errno` and text for a Windows error, as Python's `open` reports it there
/// (it opens through the C runtime).
#[cfg(windows)]
fn c_runtime_errno(windows_error: i32) -> Option<(i32, &'static str)> {
    match windows_error {
        // ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_INVALID_DRIVE
        2 | 3 | 15 => Some((2, "No such file or directory")),
        // ERROR_ACCESS_DENIED (also what opening a directory gives), ERROR_SHARING_VIOLATION
        5 | 32 => Some((13, "Permission denied")),
        // ERROR_INVALID_NAME
        123 => Some((22, "Invalid argument")),
        _ => None,
    }
}

/// Python's `repr()` of a file name (str); undecodable bytes show as `\udcXX` surrogates.
fn python_repr(path: &OsStr) -> String {
    let chars = path_chars(path);
    let quote = if chars.contains(&PathChar::Char('\'')) && !chars.contains(&PathChar::Char('"')) { '"' } else { '\'' };
    let mut out = String::new();
    out.push(quote);
    for pc in chars {
        match pc {
            PathChar::Surrogate(b) => {
                let _ = write!(out, "\\udc{b:02x}");
            }
            PathChar::Char(c) if c == quote || c == '\\' => {
                out.push('\\');
                out.push(c);
            }
            PathChar::Char('\t') => out.push_str("\\t"),
            PathChar::Char('\n') => out.push_str("\\n"),
            PathChar::Char('\r') => out.push_str("\\r"),
            PathChar::Char(c) if crate::compat::repr::is_printable(c) => out.push(c),
            PathChar::Char(c) => {
                let n = u32::from(c);
                if n < 0x100 {
                    let _ = write!(out, "\\x{n:02x}");
                } else if n < 0x10000 {
                    let _ = write!(out, "\\u{n:04x}");
                } else {
                    let _ = write!(out, "\\U{n:08x}");
                }
            }
        }
    }
    out.push(quote);
    out
}

#[derive(Clone, Copy, PartialEq)]
enum PathChar {
    Char(char),
    /// An undecodable byte of a Unix file name.
    #[cfg_attr(not(unix), allow(dead_code))]
    Surrogate(u8),
}

#[cfg(unix)]
fn path_chars(path: &OsStr) -> Vec<PathChar> {
    use std::os::unix::ffi::OsStrExt;
    let mut out = Vec::new();
    for chunk in path.as_bytes().utf8_chunks() {
        out.extend(chunk.valid().chars().map(PathChar::Char));
        out.extend(chunk.invalid().iter().map(|&b| PathChar::Surrogate(b)));
    }
    out
}

#[cfg(not(unix))]
fn path_chars(path: &OsStr) -> Vec<PathChar> {
    path.to_string_lossy().chars().map(PathChar::Char).collect()
}

/// Python text-mode reading translates `\r\n` and lone `\r` to `\n`.
fn universal_newlines(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// `os.path.expandvars(os.path.expanduser(path))`, as the CLI does.
#[cfg(not(windows))]
fn expand_path(path: &str) -> OsString {
    let user_expanded = expand_user(path);
    expand_vars(&user_expanded)
}

/// `os.path.expandvars(os.path.expanduser(path))` with Windows' rules (`ntpath`).
#[cfg(windows)]
fn expand_path(path: &str) -> OsString {
    let env = |name: &str| std::env::var(name).ok();
    winpath::expandvars(&winpath::expanduser(path, env), env).into()
}

#[cfg(not(windows))]
/// Python's `posixpath.expanduser`.
fn expand_user(path: &str) -> OsString {
    let Some(rest) = path.strip_prefix('~') else {
        return path.into();
    };
    let split = rest.find('/').unwrap_or(rest.len());
    let (name, tail) = rest.split_at(split);
    let home = if name.is_empty() {
        match std::env::var_os("HOME") {
            Some(home) => Some(home),
            None => {
                let uid = current_uid();
                passwd_home(|fields| uid.is_some() && fields.get(2).copied() == uid.as_deref())
            }
        }
    } else {
        passwd_home(|fields| fields.first().copied() == Some(name))
    };
    let Some(home) = home else {
        return path.into();
    };
    let home = trim_trailing_slashes(home);
    let mut out = home;
    out.push(tail);
    if out.is_empty() {
        return "/".into();
    }
    out
}

#[cfg(not(windows))]
fn trim_trailing_slashes(home: OsString) -> OsString {
    match home.to_str() {
        Some(s) => s.trim_end_matches('/').into(),
        None => home,
    }
}

#[cfg(not(windows))]
/// Home directory of the first `/etc/passwd` entry matching `pred` (split on `:`).
fn passwd_home(pred: impl Fn(&[&str]) -> bool) -> Option<OsString> {
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() >= 6 && pred(&fields)).then(|| fields[5].into())
    })
}

#[cfg(not(windows))]
/// The real user id, read from `/proc/self/status` (no libc dependency).
fn current_uid() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(1).map(str::to_owned)
}

#[cfg(not(windows))]
/// Python's `posixpath.expandvars`: `$name` (ASCII word chars) and `${name}` are replaced by
/// the environment value; unknown variables are left as written; values are not rescanned.
fn expand_vars(path: &OsStr) -> OsString {
    let Some(text) = path.to_str() else {
        return path.to_owned();
    };
    if !text.contains('$') {
        return path.to_owned();
    }
    let mut out = OsString::new();
    let mut rest = text;
    while let Some(dollar) = rest.find('$') {
        let after = &rest[dollar + 1..];
        let reference = if let Some(braced) = after.strip_prefix('{') {
            braced.find('}').map(|close| (&braced[..close], close + 2))
        } else {
            let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            (len > 0).then(|| (&after[..len], len))
        };
        let value = reference.and_then(|(name, len)| env_value(name).map(|v| (v, len)));
        match value {
            Some((value, len)) => {
                out.push(&rest[..dollar]);
                out.push(value);
                rest = &after[len..];
            }
            None => {
                out.push(&rest[..=dollar]);
                rest = after;
            }
        }
    }
    out.push(rest);
    out
}

#[cfg(not(windows))]
fn env_value(name: &str) -> Option<OsString> {
    if name.is_empty() || name.contains(['=', '\0']) {
        return None;
    }
    std::env::var_os(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_prefixed_values_are_kept() {
        assert_eq!(get_paramfile("foo").unwrap(), None);
        assert_eq!(get_paramfile("http://example.com").unwrap(), None);
        assert_eq!(get_paramfile("FILE://x").unwrap(), None);
    }

    #[test]
    fn missing_file_message() {
        let err = get_paramfile("file:///nonexistent/x.json").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Unable to load paramfile file:///nonexistent/x.json: [Errno 2] No such file or directory: '/nonexistent/x.json'"
        );
    }

    #[test]
    fn directory_message() {
        let dir = std::env::temp_dir();
        let dir = dir.to_str().unwrap();
        let err = get_paramfile(&format!("fileb://{dir}")).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("Unable to load paramfile fileb://{dir}: [Errno 21] Is a directory: '{dir}'")
        );
    }

    #[test]
    fn text_and_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        let text = dir.join("t.txt");
        std::fs::write(&text, "a\r\nb\rc\n").unwrap();
        let bin = dir.join("b.bin");
        std::fs::write(&bin, [0xff, 0x00, b'\r']).unwrap();
        let t = text.to_str().unwrap();
        let b = bin.to_str().unwrap();
        assert_eq!(get_paramfile(&format!("file://{t}")).unwrap(), Some(Node::Str("a\nb\nc\n".into())));
        assert_eq!(get_paramfile(&format!("fileb://{b}")).unwrap(), Some(Node::Bytes(vec![0xff, 0x00, b'\r'])));
        assert_eq!(
            get_paramfile(&format!("file://{b}")).unwrap_err().to_string(),
            format!(
                "Unable to load paramfile ({b}), text contents could not be decoded.  If this is a binary file, please use the fileb:// prefix instead of the file:// prefix."
            )
        );
    }

    #[test]
    #[cfg(not(windows))]
    fn expands_vars_like_python() {
        // PATH and HOME are present in any test environment; UNSET names are not.
        let Ok(home) = std::env::var("HOME") else {
            return;
        };
        let expand = |s: &str| expand_path(s).into_string().unwrap();
        assert_eq!(expand("$HOME/x"), format!("{home}/x"));
        assert_eq!(expand("${HOME}x"), format!("{home}x"));
        assert_eq!(expand("a$HOMEx"), "a$HOMEx");
        assert_eq!(expand("$NO_SUCH_VAR_12345/x"), "$NO_SUCH_VAR_12345/x");
        assert_eq!(expand("${}/$/${HOME"), "${}/$/${HOME");
        assert_eq!(expand("~"), home.trim_end_matches('/').to_owned());
        assert_eq!(expand("~/a"), format!("{}/a", home.trim_end_matches('/')));
        assert_eq!(expand("x~/a"), "x~/a");
        assert_eq!(expand("~no_such_user_12345/a"), "~no_such_user_12345/a");
        if std::fs::read_to_string("/etc/passwd").is_ok_and(|p| p.starts_with("root:x:0:0:root:/root:")) {
            assert_eq!(expand("~root/a"), "/root/a");
        }
    }

    #[test]
    fn repr_like_python() {
        assert_eq!(python_repr(OsStr::new("a'b")), "\"a'b\"");
        assert_eq!(python_repr(OsStr::new("a'\"b")), "'a\\'\"b'");
        assert_eq!(python_repr(OsStr::new("a\\b\n")), "'a\\\\b\\n'");
        assert_eq!(python_repr(OsStr::new("é✓\u{1}")), "'é✓\\x01'");
    }
}
