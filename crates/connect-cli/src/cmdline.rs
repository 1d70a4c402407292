//! Command lines as a POSIX shell reads them back, one rule each: quoting a word, and writing a
//! value as an option's argument (shorthand where it reads back to the same value, else JSON).
//! Help examples and the prompt's command line both use them.

use connect_core::compat::json_dumps::{Style, to_compact};
use connect_core::input::{param_value, supports_shorthand};
use connect_core::model::Member;
use serde_json::Value;

/// The words of one option's value.
pub fn argument_text(m: &'static Member, value: &Value) -> String {
    let json = || to_compact(value, Style { ensure_ascii: false });
    match value {
        Value::String(s) => return shell_word(s),
        Value::Number(_) => return json(),
        Value::Array(items) if items.iter().all(|i| matches!(i, Value::String(_) | Value::Number(_))) => {
            let words: Vec<String> = items.iter().map(|i| argument_text(m, i)).collect();
            let reads_back = param_value(m, &items.iter().map(plain).collect::<Vec<_>>(), &NoFiles).ok();
            let option_like = words.iter().any(|w| w.starts_with('-'));
            if reads_back.as_ref() == Some(value) && !words.is_empty() && !option_like {
                return words.join(" ");
            }
        }
        _ => {}
    }
    if supports_shorthand(m.target()) {
        if let Some(text) = shorthand(value, 0) {
            if param_value(m, std::slice::from_ref(&text), &NoFiles).ok().as_ref() == Some(value) {
                return shell_word(&text);
            }
        }
    }
    shell_word(&json())
}

/// A scalar as the command line gives it.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Shorthand for `value` (`K=v,L=[a,b],M={N=c}`), when its keys and scalars need no quoting.
fn shorthand(value: &Value, depth: usize) -> Option<String> {
    const SPECIAL: &[char] = &[',', '=', '[', ']', '{', '}', '"', '\'', '\\'];
    let scalar = |s: &str| !s.is_empty() && s.trim() == s && !s.contains(SPECIAL);
    match value {
        Value::String(s) if scalar(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "true" } else { "false" }.to_owned()),
        Value::Array(items) if depth > 0 => {
            let items: Option<Vec<String>> = items.iter().map(|i| shorthand(i, depth + 1)).collect();
            Some(format!("[{}]", items?.join(",")))
        }
        Value::Object(map) if !map.is_empty() => {
            let pairs: Option<Vec<String>> = map
                .iter()
                .map(|(k, v)| {
                    let v = shorthand(v, depth + 1)?;
                    scalar(k).then(|| format!("{k}={v}"))
                })
                .collect();
            let text = pairs?.join(",");
            Some(if depth > 0 { format!("{{{text}}}") } else { text })
        }
        _ => None,
    }
}

/// `text` as one word of a POSIX shell: as it is when no character is special, else in single quotes.
pub fn shell_word(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    // zsh expands a word that starts with `=`.
    if !text.is_empty() && !text.starts_with('=') && text.chars().all(safe) {
        return text.to_owned();
    }
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Loads no files: an example's values are taken as they are.
struct NoFiles;

impl connect_core::input::shorthand::ParamFiles for NoFiles {
    fn load(
        &self,
        _value: &str,
    ) -> Result<Option<connect_core::input::shorthand::Node>, connect_core::input::paramfile::ParamFileError> {
        Ok(None)
    }
}

/// The text of a structure value for option `m`, unquoted: shorthand when it reads back to the
/// same value, else JSON.
pub fn structure_text(m: &'static Member, value: &Value) -> String {
    if supports_shorthand(m.target()) {
        if let Some(text) = shorthand(value, 0) {
            if param_value(m, std::slice::from_ref(&text), &NoFiles).ok().as_ref() == Some(value) {
                return text;
            }
        }
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_core::generated::SERVICE;

    fn identity_info() -> &'static Member {
        let op = SERVICE.operations().find(|o| o.name() == "UpdateUserIdentityInfo").unwrap();
        op.input().unwrap().members().iter().find(|m| m.name() == "IdentityInfo").unwrap()
    }

    #[test]
    fn values_as_shorthand_when_they_read_back() {
        let m = identity_info();
        let v = serde_json::json!({"FirstName": "Mary", "LastName": "x y"});
        assert_eq!(structure_text(m, &v), "FirstName=Mary,LastName=x y");
        let v = serde_json::json!({"FirstName": "a,b"});
        assert_eq!(structure_text(m, &v), r#"{"FirstName":"a,b"}"#);
        assert_eq!(argument_text(m, &serde_json::json!({"FirstName": "x y"})), "'FirstName=x y'");
    }

    #[test]
    fn one_quoting_rule() {
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("A=b,c"), "A=b,c");
        // zsh expands a word that starts with `=`.
        assert_eq!(shell_word("=x"), "'=x'");
        assert_eq!(shell_word(""), "''");
    }
}
