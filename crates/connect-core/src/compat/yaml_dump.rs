//! libyaml's block emitter (`emitter.c`), as the AWS CLI runs it through `ruamel.yaml`
//! (`YAML(typ='safe')`, `default_flow_style=False`, on the `ruamel.yaml.clib` C emitter): block
//! style, map keys sorted, 2-space indentation, lines folded at spaces past column 80, Unicode
//! written as is, and strings quoted when YAML 1.2 would read them back as another type. A port of
//! the parts of `emitter.c` that JSON documents reach; the one home of how a YAML scalar is
//! written, for `--output yaml` and for the `yaml-input` skeleton.

use serde_json::Value;

use crate::compat::repr::number_str;

/// A list or map as block YAML, ending with a line break; scalars are written as YAML scalars
/// (`--output yaml` writes a lone scalar as JSON instead, before it gets here).
pub fn dump(value: &Value) -> String {
    let mut e = Emitter::new();
    e.emit_node(value, Context::default());
    // Document end: a final line break.
    e.write_indent();
    e.out
}

/// A one-line string as the emitter writes it as a mapping key (or a short value) in block
/// context: plain when that reads back as the same string, else single-quoted, else
/// double-quoted.
pub fn scalar(s: &str) -> String {
    let mut e = Emitter::new();
    e.emit_str(s, Context { mapping: true, simple_key: true });
    e.out
}

const BEST_INDENT: i64 = 2;
const BEST_WIDTH: usize = 80;

#[derive(Clone, Copy, Default)]
struct Context {
    mapping: bool,
    simple_key: bool,
}

struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: i64,
    indents: Vec<i64>,
}

/// What libyaml's `yaml_emitter_analyze_scalar` finds out about a scalar.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
}

#[derive(PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
}

impl Emitter {
    fn new() -> Emitter {
        Emitter { out: String::new(), column: 0, whitespace: true, indention: true, indent: -1, indents: Vec::new() }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, indicator: &str, need_whitespace: bool, is_whitespace: bool, is_indention: bool) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn emit_node(&mut self, value: &Value, ctx: Context) {
        match value {
            Value::Array(items) if items.is_empty() => self.emit_empty_flow("[", "]"),
            Value::Object(map) if map.is_empty() => self.emit_empty_flow("{", "}"),
            Value::Array(items) => {
                self.increase_indent(false, ctx.mapping && !self.indention);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.emit_node(item, Context::default());
                }
                self.pop_indent();
            }
            Value::Object(map) => {
                self.increase_indent(false, false);
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (key, item) in entries {
                    self.write_indent();
                    let analysis = analyze(key);
                    if !analysis.multiline && key.len() <= 128 {
                        self.emit_str(key, Context { mapping: true, simple_key: true });
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.emit_str(key, Context { mapping: true, simple_key: false });
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.emit_node(item, Context { mapping: true, simple_key: false });
                }
                self.pop_indent();
            }
            Value::String(s) => self.emit_str(s, ctx),
            Value::Null => self.emit_plain_implicit("null"),
            Value::Bool(b) => self.emit_plain_implicit(if *b { "true" } else { "false" }),
            Value::Number(n) => self.emit_plain_implicit(&number_str(n).to_lowercase()),
        }
    }

    fn emit_empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.pop_indent();
        self.write_indicator(close, false, false, false);
    }

    /// A null, boolean or number: its text resolves to its own type, so it is written plain.
    fn emit_plain_implicit(&mut self, text: &str) {
        self.increase_indent(true, false);
        self.write_plain(text, true);
        self.pop_indent();
    }

    fn emit_str(&mut self, s: &str, ctx: Context) {
        let a = analyze(s);
        let mut style = Style::Plain;
        if ctx.simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && ctx.simple_key) || !resolves_to_str(s))
        {
            style = Style::Single;
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        let allow_breaks = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(s, allow_breaks),
            Style::Single => self.write_single_quoted(s, allow_breaks),
            Style::Double => self.write_double_quoted(s, allow_breaks),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, s: &str, allow_breaks: bool) {
        if !self.whitespace && !s.is_empty() {
            self.put(' ');
        }
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && chars.get(i + 1) != Some(&' ') {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        let last = chars.len().saturating_sub(1);
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != last
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if breaks {
            self.write_indent();
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, s: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        let last = chars.len().saturating_sub(1);
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let escape = match c {
                    '\0' => Some('0'),
                    '\u{7}' => Some('a'),
                    '\u{8}' => Some('b'),
                    '\t' => Some('t'),
                    '\n' => Some('n'),
                    '\u{b}' => Some('v'),
                    '\u{c}' => Some('f'),
                    '\r' => Some('r'),
                    '\u{1b}' => Some('e'),
                    '"' => Some('"'),
                    '\\' => Some('\\'),
                    '\u{85}' => Some('N'),
                    '\u{a0}' => Some('_'),
                    '\u{2028}' => Some('L'),
                    '\u{2029}' => Some('P'),
                    _ => None,
                };
                match escape {
                    Some(e) => self.put(e),
                    None => {
                        let cp = c as u32;
                        let hex = if cp <= 0xFF {
                            format!("x{cp:02X}")
                        } else if cp <= 0xFFFF {
                            format!("u{cp:04X}")
                        } else {
                            format!("U{cp:08X}")
                        };
                        for h in hex.chars() {
                            self.put(h);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i != 0 && i != last {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `IS_BLANKZ`: a space, tab, line break or NUL (also what follows the last character).
fn is_blankz(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => matches!(c, ' ' | '\t' | '\0') || is_break(c),
    }
}

/// libyaml's `IS_PRINTABLE`: LF, printable ASCII and the BMP outside surrogates and `FFFE`/`FFFF`
/// (`FEFF` excluded); nothing beyond the BMP.
fn is_printable(c: char) -> bool {
    let cp = c as u32;
    cp == 0x0A
        || (0x20..=0x7E).contains(&cp)
        || (0xA0..=0xD7FF).contains(&cp)
        || ((0xE000..=0xFFFD).contains(&cp) && cp != 0xFEFF)
}

/// `yaml_emitter_analyze_scalar`, reduced to what block context uses.
fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis { multiline: false, block_plain_allowed: true, single_quoted_allowed: true };
    }
    let chars: Vec<char> = s.chars().collect();
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let mut followed_by_whitespace = is_blankz(chars.get(1).copied());
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            if matches!(
                c,
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`'
            ) || (matches!(c, '?' | ':') && followed_by_whitespace)
                || (c == '-' && followed_by_whitespace)
            {
                block_indicators = true;
            }
        } else if (c == ':' && followed_by_whitespace) || (c == '#' && preceded_by_whitespace) {
            block_indicators = true;
        }
        if !is_printable(c) {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i == n - 1;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            leading_break |= i == 0;
            trailing_break |= i == n - 1;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(Some(c));
        followed_by_whitespace = is_blankz(chars.get(i + 2).copied());
    }
    let mut block_plain_allowed = true;
    let mut single_quoted_allowed = true;
    if leading_space || leading_break || trailing_space || trailing_break {
        block_plain_allowed = false;
    }
    if break_space || space_break || special {
        block_plain_allowed = false;
        single_quoted_allowed = false;
    }
    if line_breaks || block_indicators {
        block_plain_allowed = false;
    }
    Analysis { multiline: line_breaks, block_plain_allowed, single_quoted_allowed }
}

/// Whether plain `s` reads back as a string under ruamel.yaml's YAML 1.2 implicit resolvers
/// (bool, float, int, merge, null, timestamp, value, yaml), which are picked by first character.
fn resolves_to_str(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false }; // '' is null
    let b = s.as_bytes();
    let resolved = match first {
        't' | 'T' | 'f' | 'F' => matches!(s, "true" | "True" | "TRUE" | "false" | "False" | "FALSE"),
        '~' | 'n' | 'N' => matches!(s, "~" | "null" | "Null" | "NULL"),
        '<' => s == "<<",
        '=' => s == "=",
        '!' | '&' | '*' => s.len() == 1,
        '.' => is_float(b),
        '-' | '+' => is_float(b) || is_int(b),
        '0'..='9' => is_float(b) || is_int(b) || is_timestamp(b),
        _ => false,
    };
    !resolved
}

/// Length of the run at the start of `b` whose bytes satisfy `f`.
fn run(b: &[u8], f: impl Fn(u8) -> bool) -> usize {
    b.iter().take_while(|&&c| f(c)).count()
}

fn strip_sign(b: &[u8]) -> &[u8] {
    match b.first() {
        Some(b'-' | b'+') => &b[1..],
        _ => b,
    }
}

fn digit_(c: u8) -> bool {
    c.is_ascii_digit() || c == b'_'
}

/// `[eE][-+]?[0-9]+` (sign optional) or `[eE][-+][0-9]+` (sign required), to the end of `b`.
fn is_exponent(b: &[u8], sign_required: bool) -> bool {
    let Some((b'e' | b'E', rest)) = b.split_first() else { return false };
    let digits = match rest.first() {
        Some(b'-' | b'+') => &rest[1..],
        _ if sign_required => return false,
        _ => rest,
    };
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

/// ruamel.yaml's YAML 1.2 float pattern.
fn is_float(b: &[u8]) -> bool {
    if matches!(b, b".nan" | b".NaN" | b".NAN") {
        return true;
    }
    let u = strip_sign(b);
    if matches!(u, b".inf" | b".Inf" | b".INF") {
        return true;
    }
    if let Some(rest) = u.strip_prefix(b".") {
        // [-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
        let n = run(rest, digit_);
        return n > 0 && (n == rest.len() || is_exponent(&rest[n..], true));
    }
    if !u.first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let n = run(u, digit_);
    let rest = &u[n..];
    match rest.split_first() {
        // [0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        Some((b'.', frac)) => {
            let m = run(frac, digit_);
            m == frac.len() || is_exponent(&frac[m..], false)
        }
        // [0-9][0-9_]*[eE][-+]?[0-9]+
        Some(_) => is_exponent(rest, false),
        None => false,
    }
}

/// ruamel.yaml's YAML 1.2 int pattern: binary, octal (`0o`), decimal, hexadecimal, `_` allowed.
fn is_int(b: &[u8]) -> bool {
    let u = strip_sign(b);
    let all = |digits: &[u8], f: fn(u8) -> bool| !digits.is_empty() && digits.iter().all(|&c| f(c) || c == b'_');
    if let Some(d) = u.strip_prefix(b"0b") {
        if all(d, |c| c == b'0' || c == b'1') {
            return true;
        }
    }
    if let Some(d) = u.strip_prefix(b"0o") {
        if all(d, |c| (b'0'..=b'7').contains(&c)) {
            return true;
        }
    }
    if let Some(d) = u.strip_prefix(b"0x") {
        if all(d, |c| c.is_ascii_hexdigit()) {
            return true;
        }
    }
    all(u, |c| c.is_ascii_digit())
}

/// ruamel.yaml's timestamp pattern: `YYYY-MM-DD`, or a date and time such as
/// `2024-01-31T12:00:00.5+01:00`.
fn is_timestamp(b: &[u8]) -> bool {
    let digits = |b: &[u8], at: usize, n: usize| b.len() >= at + n && b[at..at + n].iter().all(u8::is_ascii_digit);
    if b.len() == 10 && digits(b, 0, 4) && b[4] == b'-' && digits(b, 5, 2) && b[7] == b'-' && digits(b, 8, 2) {
        return true;
    }
    // [0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
    // (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?
    let mut i = 0;
    let one_or_two = |b: &[u8], i: &mut usize| -> bool {
        let n = run(&b[*i..], |c| c.is_ascii_digit()).min(2);
        *i += n;
        n > 0
    };
    if !digits(b, 0, 4) || b.get(4) != Some(&b'-') {
        return false;
    }
    i += 5;
    if !one_or_two(b, &mut i) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    if !one_or_two(b, &mut i) {
        return false;
    }
    match b.get(i) {
        Some(b'T' | b't') => i += 1,
        Some(b' ' | b'\t') => i += run(&b[i..], |c| c == b' ' || c == b'\t'),
        _ => return false,
    }
    if !one_or_two(b, &mut i) || b.get(i) != Some(&b':') || !digits(b, i + 1, 2) || b.get(i + 3) != Some(&b':') {
        return false;
    }
    i += 4;
    if !digits(b, i, 2) {
        return false;
    }
    i += 2;
    if b.get(i) == Some(&b'.') {
        i += 1 + run(&b[i + 1..], |c| c.is_ascii_digit());
    }
    if i == b.len() {
        return true;
    }
    i += run(&b[i..], |c| c == b' ' || c == b'\t');
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'-' | b'+') => {
            let mut j = i + 1;
            if !one_or_two(b, &mut j) {
                return false;
            }
            if j == b.len() {
                return true;
            }
            b.get(j) == Some(&b':') && digits(b, j + 1, 2) && j + 3 == b.len()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_quoted_as_ruamel_quotes_them() {
        // `YAML(typ='safe')` with `default_flow_style=False` dumping `{key: 0}` writes these keys.
        let cases =
            [("KeyName", "KeyName"), ("on", "on"), ("null", "'null'"), ("a'b", "a'b"), ("", "''"), ("x: y", "'x: y'")];
        for (key, written) in cases.into_iter().chain([("-x", "-x"), ("1.5", "'1.5'"), ("Zoë", "Zoë")]) {
            assert_eq!(scalar(key), written, "{key:?}");
            let mut map = serde_json::Map::new();
            map.insert(key.to_owned(), Value::from(0));
            assert_eq!(dump(&Value::Object(map)), format!("{written}: 0\n"));
        }
    }

    #[test]
    fn resolvers() {
        for s in [
            "1",
            "-1",
            "+1_0",
            "0x1F",
            "0o17",
            "0b1",
            "012",
            "1.0",
            "1e5",
            ".5",
            "-.inf",
            ".nan",
            "1.",
            "null",
            "~",
            "true",
            "FALSE",
            "<<",
            "=",
            "2024-01-01",
            "2024-01-01T00:00:00+00:00",
            "2024-1-1 1:00:00.5 Z",
        ] {
            assert!(!resolves_to_str(s), "{s}");
        }
        for s in ["yes", "no", "on", "x", "1x", "0x", "1e", ".e1", "_1", "2024-01-01X", "nul", "1.2.3", ".5e1"] {
            assert!(resolves_to_str(s), "{s}");
        }
    }
}
