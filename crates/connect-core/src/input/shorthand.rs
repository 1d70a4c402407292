//! Parser for the AWS CLI v2 "shorthand" argument syntax (`Key=value,List=a,b,Map={k=v}`),
//! reproducing the CLI's results, quirks and error messages.
//!
//! The grammar follows the CLI's recursive-descent parser: one method per production on a
//! small character cursor. Positions are counted in Unicode scalar values (the CLI indexes
//! Python strings, i.e. code points), so caret lines line up for non-ASCII input too.
//!
//! Values written after `@=` are handed to a [`ParamFiles`] implementation, which may replace
//! a `file://` / `fileb://` reference with the referenced file's contents.
//!
//! Lists and hashes nest to [`MAX_DEPTH`] levels. The CLI's parser recurses in Python and fails
//! with a `RecursionError` somewhat deeper (around 450 levels); deeper input is refused here
//! ([`ShorthandError::TooDeep`]) instead of exhausting the stack.

use crate::input::paramfile::ParamFileError;

/// A parsed shorthand value.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A scalar string value.
    Str(String),
    /// Raw bytes, loaded from a `fileb://` reference after `@=`.
    Bytes(Vec<u8>),
    /// An explicit `[...]` list or a comma-separated list of values.
    List(Vec<Node>),
    /// A `{...}` hash literal or the top-level key/value pairs, in insertion order.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// Converts the node to JSON. Bytes become a string (lossy UTF-8).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Node::Str(s) => Value::String(s.clone()),
            Node::Bytes(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
            Node::List(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Node::Map(entries) => Value::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
        }
    }
}

/// Resolves values written after `@=` (e.g. `Key@=file://x.txt`).
pub trait ParamFiles {
    /// Returns `Ok(None)` when `value` is not a file reference and must be kept as a string.
    ///
    /// # Errors
    ///
    /// [`ParamFileError`] when a referenced file cannot be loaded.
    fn load(&self, value: &str) -> Result<Option<Node>, ParamFileError>;
}

/// A shorthand parse failure. `Display` gives the exact AWS CLI text (without the
/// `Error parsing parameter '--x': ` prefix that the CLI adds).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShorthandError {
    /// An unexpected character or end of input.
    #[error(
        "Expected: '{expected}', received: '{received}' for input:\n {}",
        error_location(input, *index)
    )]
    Syntax {
        /// What was expected: a character (`=`) or a token name (`<double quoted>`).
        expected: String,
        /// What was found: a character, `EOF`, or `<none>` for a token mismatch.
        received: String,
        /// The whole input.
        input: String,
        /// Position of the error, counted in chars (not bytes).
        index: usize,
    },
    /// A top-level key given twice.
    #[error(
        "Second instance of key \"{key}\" encountered for input:\n{}\nThis is often because there is a preceding \",\" instead of a space.",
        error_location(input, *index)
    )]
    DuplicateKey {
        /// The repeated key.
        key: String,
        /// The whole input.
        input: String,
        /// Caret position, counted in chars (not bytes).
        index: usize,
    },
    /// Lists and hashes nested deeper than [`MAX_DEPTH`]. `Display` is Python's `RecursionError`
    /// text, which the AWS CLI reports without its parameter prefix.
    #[error("maximum recursion depth exceeded")]
    TooDeep {
        /// The whole input.
        input: String,
        /// Position of the bracket that went too deep, counted in chars.
        index: usize,
    },
    /// Loading a file referenced after `@=` failed. Note that the AWS CLI does not add its
    /// `Error parsing parameter` prefix for this one (it is not a shorthand parse error).
    #[error(transparent)]
    ParamFile(#[from] ParamFileError),
}

/// Renders the input with a caret line under the char at `index`: the caret column counts
/// from the last newline before `index`, and any text after the next newline is printed
/// below the caret line.
fn error_location(input: &str, index: usize) -> String {
    let chars: Vec<char> = input.chars().collect();
    let index = index.min(chars.len());
    let (before, after) = chars.split_at(index);
    let spaces = match before.iter().rposition(|&c| c == '\n') {
        Some(nl) => index - nl - 1,
        None => index,
    };
    let split = after.iter().position(|&c| c == '\n').map_or(chars.len(), |p| index + p);
    let consumed: String = chars[..split].iter().collect();
    let remaining: String = chars[split..].iter().collect();
    let mut out = consumed;
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', spaces));
    out.push('^');
    out.push_str(&remaining);
    out
}

/// The deepest nesting of `[...]` and `{...}` that [`parse`] reads.
pub const MAX_DEPTH: usize = 400;

/// Parses `input` as shorthand syntax. The result is always a [`Node::Map`].
///
/// # Errors
///
/// [`ShorthandError`] for a syntax error, a repeated top-level key, nesting beyond [`MAX_DEPTH`],
/// or a failed `@=` load.
pub fn parse(input: &str, files: &dyn ParamFiles) -> Result<Node, ShorthandError> {
    Parser::new(input, files).parameter()
}

/// Whitespace skipped between tokens (Python's `string.whitespace`).
fn is_skip_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Python's `str.isspace()`, used by `rstrip()` and the regex `\s`.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Characters that may start an unquoted value.
fn is_start_char(c: char) -> bool {
    matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='Z' | '\\'..='z' | '|'..='\u{ffff}')
}

/// Characters that may continue an unquoted first value (note: `=`, `[` and `{` are allowed).
fn is_first_follow_char(c: char) -> bool {
    is_py_space(c) || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='\\' | '^'..='|' | '~'..='\u{ffff}')
}

/// Characters that may continue an unquoted follow-up csv value (`=` ends it).
fn is_second_follow_char(c: char) -> bool {
    is_py_space(c) || matches!(c, '!' | '#'..='&' | '('..='+' | '-'..='<' | '>'..='\u{ffff}')
}

/// Characters allowed in a key.
fn is_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '#' | '/' | ':')
}

/// Inserts like a Python dict assignment: an existing key keeps its position.
fn dict_insert(entries: &mut Vec<(String, Node)>, key: String, value: Node) {
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some(entry) => entry.1 = value,
        None => entries.push((key, value)),
    }
}

struct Parser<'a> {
    input: &'a str,
    chars: Vec<char>,
    pos: usize,
    /// Set by `@=` for the value that follows. Like the CLI, this is parser-wide state:
    /// a nested `{k=v}` resets it and it is not restored afterwards.
    resolve_paramfiles: bool,
    files: &'a dyn ParamFiles,
    /// Lists and hashes open at `pos`.
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str, files: &'a dyn ParamFiles) -> Self {
        Parser { input, chars: input.chars().collect(), pos: 0, resolve_paramfiles: false, files, depth: 0 }
    }

    // ---- cursor ----

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn at_eof(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn text(&self, start: usize, end: usize) -> String {
        self.chars[start..end].iter().collect()
    }

    fn syntax_error(&self, expected: &str, received: String) -> ShorthandError {
        ShorthandError::Syntax {
            expected: expected.to_owned(),
            received,
            input: self.input.to_owned(),
            index: self.pos,
        }
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(is_skip_space) {
            self.pos += 1;
        }
    }

    /// Consumes `expected` (optionally surrounded by whitespace) or fails.
    fn eat(&mut self, expected: char, skip_ws: bool) -> Result<(), ShorthandError> {
        if skip_ws {
            self.skip_whitespace();
        }
        match self.peek() {
            None => return Err(self.syntax_error(&expected.to_string(), "EOF".into())),
            Some(c) if c != expected => {
                return Err(self.syntax_error(&expected.to_string(), c.to_string()));
            }
            Some(_) => self.pos += 1,
        }
        if skip_ws {
            self.skip_whitespace();
        }
        Ok(())
    }

    /// Consumes an optional `@` (with surrounding whitespace) and then `=`, setting the
    /// paramfile flag accordingly.
    fn assignment(&mut self) -> Result<(), ShorthandError> {
        self.skip_whitespace();
        self.resolve_paramfiles = self.peek() == Some('@');
        if self.resolve_paramfiles {
            self.pos += 1;
        }
        self.eat('=', true)
    }

    /// Matches an unquoted word: a start char (or `\,`) followed by follow chars (or `\,`).
    /// Returns the end position without consuming.
    fn match_word(&self, follow: fn(char) -> bool) -> Option<usize> {
        let escaped_comma = |i: usize| self.chars.get(i) == Some(&'\\') && self.chars.get(i + 1) == Some(&',');
        let mut i = self.pos;
        if escaped_comma(i) {
            i += 2;
        } else if self.chars.get(i).copied().is_some_and(is_start_char) {
            i += 1;
        } else {
            return None;
        }
        loop {
            if escaped_comma(i) {
                i += 2;
            } else if self.chars.get(i).copied().is_some_and(follow) {
                i += 1;
            } else {
                return Some(i);
            }
        }
    }

    /// Matches `q(\q|[^q])*q` as a backtracking regex would: the first unescaped quote
    /// closes; failing that, the quote of the last `\q` escape closes.
    fn match_quoted(&self, quote: char) -> Option<usize> {
        if self.peek() != Some(quote) {
            return None;
        }
        let mut i = self.pos + 1;
        let mut last_escape = None;
        while let Some(&c) = self.chars.get(i) {
            if c == '\\' && self.chars.get(i + 1) == Some(&quote) {
                last_escape = Some(i + 1);
                i += 2;
            } else if c == quote {
                return Some(i + 1);
            } else {
                i += 1;
            }
        }
        last_escape.map(|q| q + 1)
    }

    fn resolve(&self, value: String) -> Result<Node, ShorthandError> {
        if self.resolve_paramfiles {
            if let Some(node) = self.files.load(&value)? {
                return Ok(node);
            }
        }
        Ok(Node::Str(value))
    }

    // ---- grammar ----

    /// parameter = keyval *( "," keyval ) ; duplicate keys are an error here only.
    fn parameter(&mut self) -> Result<Node, ShorthandError> {
        let mut params = Vec::new();
        let (key, value) = self.keyval()?;
        params.push((key, value));
        let mut last_end = self.pos;
        while !self.at_eof() {
            self.eat(',', true)?;
            let (key, value) = self.keyval()?;
            if params.iter().any(|(k, _)| *k == key) {
                return Err(ShorthandError::DuplicateKey { key, input: self.input.to_owned(), index: last_end + 1 });
            }
            params.push((key, value));
            last_end = self.pos;
        }
        Ok(Node::Map(params))
    }

    /// keyval = key ["@"] "=" values
    fn keyval(&mut self) -> Result<(String, Node), ShorthandError> {
        let key = self.key();
        self.assignment()?;
        let value = self.values()?;
        Ok((key, value))
    }

    /// key = *[A-Za-z0-9-_.#/:] (may be empty)
    fn key(&mut self) -> String {
        let start = self.pos;
        while self.peek().is_some_and(is_key_char) {
            self.pos += 1;
        }
        self.text(start, self.pos)
    }

    /// values = "" (at EOF) / explicit-list / hash-literal / csv-value
    fn values(&mut self) -> Result<Node, ShorthandError> {
        match self.peek() {
            None => Ok(Node::Str(String::new())),
            Some('[') => self.nested(Self::explicit_list),
            Some('{') => self.nested(Self::hash_literal),
            Some(_) => self.csv_value(),
        }
    }

    /// csv-value = first-value *( "," second-value ), backtracking to the last comma when a
    /// follow-up value does not parse (it then belongs to the next key).
    fn csv_value(&mut self) -> Result<Node, ShorthandError> {
        let first = self.first_value()?;
        self.skip_whitespace();
        if self.peek() != Some(',') {
            return Ok(first);
        }
        self.eat(',', true)?;
        let mut items = vec![first];
        loop {
            match self.csv_item() {
                Ok((item, more)) => {
                    items.push(item);
                    if !more {
                        break;
                    }
                }
                Err(ShorthandError::Syntax { .. }) if !self.at_eof() => {
                    self.backtrack_to(',');
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        if items.len() == 1 { Ok(items.swap_remove(0)) } else { Ok(Node::List(items)) }
    }

    /// One follow-up csv item plus the comma after it; the flag tells whether more follow.
    fn csv_item(&mut self) -> Result<(Node, bool), ShorthandError> {
        let item = self.second_value()?;
        self.skip_whitespace();
        if self.at_eof() {
            return Ok((item, false));
        }
        self.eat(',', true)?;
        Ok((item, true))
    }

    fn backtrack_to(&mut self, target: char) {
        while self.pos > 0 && self.chars.get(self.pos) != Some(&target) {
            self.pos -= 1;
        }
    }

    /// Parses a list or hash one level deeper, refusing to go beyond [`MAX_DEPTH`].
    fn nested(&mut self, parse: fn(&mut Self) -> Result<Node, ShorthandError>) -> Result<Node, ShorthandError> {
        if self.depth >= MAX_DEPTH {
            return Err(ShorthandError::TooDeep { input: self.input.to_owned(), index: self.pos });
        }
        self.depth += 1;
        let node = parse(self);
        self.depth -= 1;
        node
    }

    /// explicit-list = "[" [ explicit-value *( "," explicit-value ) ] "]"
    fn explicit_list(&mut self) -> Result<Node, ShorthandError> {
        self.eat('[', true)?;
        let mut items = Vec::new();
        while self.peek() != Some(']') {
            items.push(self.explicit_value()?);
            self.skip_whitespace();
            if self.peek() != Some(']') {
                self.eat(',', false)?;
                self.skip_whitespace();
            }
        }
        self.eat(']', false)?;
        Ok(Node::List(items))
    }

    /// explicit-value = explicit-list / hash-literal / first-value
    fn explicit_value(&mut self) -> Result<Node, ShorthandError> {
        match self.peek() {
            Some('[') => self.nested(Self::explicit_list),
            Some('{') => self.nested(Self::hash_literal),
            _ => self.first_value(),
        }
    }

    /// hash-literal = "{" *( key ["@"] "=" explicit-value [","] ) "}" ; duplicates overwrite.
    fn hash_literal(&mut self) -> Result<Node, ShorthandError> {
        self.eat('{', true)?;
        let mut entries = Vec::new();
        while self.peek() != Some('}') {
            let key = self.key();
            self.assignment()?;
            let value = self.explicit_value()?;
            self.skip_whitespace();
            if self.peek() != Some('}') {
                self.eat(',', false)?;
                self.skip_whitespace();
            }
            dict_insert(&mut entries, key, value);
        }
        self.eat('}', false)?;
        Ok(Node::Map(entries))
    }

    /// first-value = single-quoted / double-quoted / unquoted (possibly empty)
    fn first_value(&mut self) -> Result<Node, ShorthandError> {
        match self.peek() {
            Some('\'') => self.quoted('\'', "<singled quoted>"),
            Some('"') => self.quoted('"', "<double quoted>"),
            _ => match self.match_word(is_first_follow_char) {
                Some(end) => self.unquoted(end),
                None => Ok(Node::Str(String::new())),
            },
        }
    }

    /// second-value = single-quoted / double-quoted / unquoted (must be non-empty)
    fn second_value(&mut self) -> Result<Node, ShorthandError> {
        match self.peek() {
            Some('\'') => self.quoted('\'', "<singled quoted>"),
            Some('"') => self.quoted('"', "<double quoted>"),
            _ => match self.match_word(is_second_follow_char) {
                Some(end) => self.unquoted(end),
                None => Err(self.syntax_error("<second>", "<none>".into())),
            },
        }
    }

    /// Consumes an unquoted word up to `end`: `\,` becomes `,`, trailing whitespace is dropped.
    fn unquoted(&mut self, end: usize) -> Result<Node, ShorthandError> {
        let raw = self.text(self.pos, end);
        self.pos = end;
        let value = raw.replace("\\,", ",");
        self.resolve(value.trim_end_matches(is_py_space).to_owned())
    }

    /// Consumes a quoted value; only `\<quote>` and `\\` are unescaped.
    fn quoted(&mut self, quote: char, name: &str) -> Result<Node, ShorthandError> {
        let Some(end) = self.match_quoted(quote) else {
            return Err(self.syntax_error(name, "<none>".into()));
        };
        let inner = self.text(self.pos + 1, end - 1);
        self.pos = end;
        let value = inner.replace(&format!("\\{quote}"), &quote.to_string()).replace("\\\\", "\\");
        self.resolve(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Resolves nothing: every `@=` value stays a string.
    struct NoFiles;

    impl ParamFiles for NoFiles {
        fn load(&self, _value: &str) -> Result<Option<Node>, ParamFileError> {
            Ok(None)
        }
    }

    /// Serves `file://NAME` from memory; records nothing else.
    struct Fake;

    impl ParamFiles for Fake {
        fn load(&self, value: &str) -> Result<Option<Node>, ParamFileError> {
            Ok(value.strip_prefix("file://").map(|name| Node::Str(format!("<{name}>"))))
        }
    }

    fn ok(input: &str) -> serde_json::Value {
        parse(input, &NoFiles).unwrap_or_else(|e| panic!("{input:?}: {e}")).to_json()
    }

    fn err(input: &str) -> String {
        match parse(input, &NoFiles) {
            Ok(node) => panic!("{input:?} parsed as {:?}", node.to_json()),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn double_comma_is_accepted() {
        assert_eq!(ok("Given=Mary,,Family=Major"), serde_json::json!({"Given": "Mary", "Family": "Major"}));
        // A bare trailing word becomes a list item.
        assert_eq!(ok("Given=Mary,Family"), serde_json::json!({"Given": ["Mary", "Family"]}));
    }

    #[test]
    fn equals_and_brackets_inside_first_value() {
        assert_eq!(ok("foo=a=b"), serde_json::json!({"foo": "a=b"}));
        assert_eq!(ok("foo=a[b{c"), serde_json::json!({"foo": "a[b{c"}));
        assert_eq!(ok("a=b,c=d,\n  e"), serde_json::json!({"a": "b", "c": ["d", "e"]}));
    }

    #[test]
    fn escaped_comma() {
        assert_eq!(ok("foo=a\\,b,c"), serde_json::json!({"foo": ["a,b", "c"]}));
        assert_eq!(ok("foo=a\\\\,b"), serde_json::json!({"foo": "a\\,b"}));
    }

    #[test]
    fn quoted_values_and_escapes() {
        assert_eq!(ok("foo='it\\'s \\\\ here'"), serde_json::json!({"foo": "it's \\ here"}));
        assert_eq!(ok("foo=\"a\\\\\\\"b\""), serde_json::json!({"foo": "a\\\"b"}));
        // No closing quote after the last `\'`: that quote closes (regex backtracking).
        assert_eq!(ok("a='b\\'"), serde_json::json!({"a": "b\\"}));
        assert_eq!(err("a=''x"), "Expected: ',', received: 'x' for input:\n a=''x\n    ^");
    }

    #[test]
    fn trailing_whitespace_is_stripped_but_not_in_quotes() {
        assert_eq!(ok("foo=bar  \t"), serde_json::json!({"foo": "bar"}));
        assert_eq!(ok("a=x\u{1c}"), serde_json::json!({"a": "x"}));
        assert_eq!(ok("a=' x '"), serde_json::json!({"a": " x "}));
        assert_eq!(err("foo=[a] "), "Expected: ',', received: 'EOF' for input:\n foo=[a] \n        ^");
    }

    #[test]
    fn caret_line_splits_at_newline() {
        assert_eq!(err("foo=bar,\nbar==baz"), "Expected: ',', received: '=' for input:\n foo=bar,\nbar==baz\n    ^");
        assert_eq!(err("foo==bar,\nbar=baz"), "Expected: ',', received: '=' for input:\n foo==bar,\n    ^\nbar=baz");
        assert_eq!(
            err("a=1,\nb=2,\na=3"),
            "Second instance of key \"a\" encountered for input:\na=1,\nb=2,\n    ^\na=3\nThis is often because there is a preceding \",\" instead of a space."
        );
    }

    #[test]
    fn caret_counts_chars_not_bytes() {
        assert_eq!(err("a=✓✓]"), "Expected: ',', received: ']' for input:\n a=✓✓]\n    ^");
        assert_eq!(err("a=😀"), "Expected: ',', received: '😀' for input:\n a=😀\n  ^");
        let ShorthandError::Syntax { index, .. } = parse("a=[✓,'x", &NoFiles).unwrap_err() else {
            panic!("expected a syntax error");
        };
        assert_eq!(index, 5);
    }

    #[test]
    fn nested_duplicates_overwrite_in_place() {
        assert_eq!(
            parse("a={b=1,c=2,b=3}", &NoFiles).unwrap(),
            Node::Map(vec![(
                "a".into(),
                Node::Map(vec![("b".into(), Node::Str("3".into())), ("c".into(), Node::Str("2".into())),])
            )])
        );
    }

    #[test]
    fn paramfile_flag_follows_the_cli() {
        let got = parse("a@=[file://x,{b=file://y},file://z],c=file://w", &Fake).unwrap();
        // The nested `{b=...}` clears the flag for the rest of the list, as in the CLI.
        assert_eq!(got.to_json(), serde_json::json!({"a": ["<x>", {"b": "file://y"}, "file://z"], "c": "file://w"}));
    }

    #[test]
    fn nesting_is_bounded() {
        // Found by the no_panic property test: deep nesting overflowed the stack.
        let lists = |n: usize| format!("a={}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(&lists(MAX_DEPTH), &NoFiles).is_ok());
        let hashes = |n: usize| format!("a={}x{}", "{b=[".repeat(n / 2), "]}".repeat(n / 2));
        assert!(parse(&hashes(MAX_DEPTH), &NoFiles).is_ok());
        let e = parse(&lists(MAX_DEPTH + 1), &NoFiles).unwrap_err();
        assert!(matches!(e, ShorthandError::TooDeep { index, .. } if index == MAX_DEPTH + 2));
        assert_eq!(e.to_string(), "maximum recursion depth exceeded");
        assert!(matches!(
            parse(&format!("a={}", "{b=[".repeat(50_000)), &NoFiles),
            Err(ShorthandError::TooDeep { .. })
        ));
    }

    #[test]
    fn never_panics() {
        let alphabet: Vec<char> = "ab=,[]{}'\"\\@ \n\t✓😀:#-".chars().collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 14) as usize;
            let input: String = (0..len)
                .map(|i| {
                    let n = (seed >> (i * 4)) as usize;
                    alphabet[n % alphabet.len()]
                })
                .collect();
            if let Err(e) = parse(&input, &NoFiles) {
                let _ = e.to_string();
            }
        }
    }
}
