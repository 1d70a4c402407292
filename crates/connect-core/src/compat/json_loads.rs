//! JSON parameters read exactly as the AWS CLI reads them (Python's `json.loads`): the same accepted
//! texts, duplicate keys resolved the same way, and the same error messages with their
//! `line L column C (char N)` positions, counted in characters.
//!
//! Nesting is followed to [`MAX_DEPTH`] levels, far beyond any model and within a 2 MiB thread
//! stack even in debug builds. Python's decoder recurses and gives up a little below 1,000 levels
//! with a `RecursionError`; deeper texts fail here with the same words
//! ([`JsonError::is_too_deep`]) instead of exhausting the stack.

use serde_json::{Map, Number, Value};

/// Why a text is not JSON, in Python's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}: line {line} column {column} (char {pos})")]
pub struct JsonError {
    /// Python's message (`Expecting value`).
    pub message: &'static str,
    /// Character index of the problem.
    pub pos: usize,
    /// Line of the problem, from 1.
    pub line: usize,
    /// Column of the problem in its line, from 1.
    pub column: usize,
}

impl JsonError {
    /// Whether the text nests deeper than [`MAX_DEPTH`]: Python's `RecursionError`, which the AWS
    /// CLI does not report as an invalid parameter.
    pub fn is_too_deep(&self) -> bool {
        self.message.starts_with(TOO_DEEP)
    }
}

/// The deepest nesting of arrays and objects that [`parse`] reads.
pub const MAX_DEPTH: usize = 500;

const TOO_DEEP: &str = "maximum recursion depth exceeded";
const TOO_DEEP_ARRAY: &str = "maximum recursion depth exceeded while decoding a JSON array from a unicode string";
const TOO_DEEP_OBJECT: &str = "maximum recursion depth exceeded while decoding a JSON object from a unicode string";

/// Parses `text` like `json.loads(text, object_pairs_hook=OrderedDict)`.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser { chars: &chars, pos: 0, depth: 0 };
    if chars.first() == Some(&'\u{feff}') {
        return Err(p.error("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0));
    }
    p.skip_ws();
    let value = p.value()?;
    p.skip_ws();
    if p.pos < chars.len() {
        return Err(p.error("Extra data", p.pos));
    }
    Ok(value)
}

struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    /// Arrays and objects open at `pos`.
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, message: &'static str, pos: usize) -> JsonError {
        let before = &self.chars[..pos.min(self.chars.len())];
        let line = before.iter().filter(|c| **c == '\n').count() + 1;
        let column = match before.iter().rposition(|c| *c == '\n') {
            Some(nl) => pos - nl,
            None => pos + 1,
        };
        JsonError { message, pos, line, column }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
    }

    fn starts_with(&self, word: &str) -> bool {
        word.chars().enumerate().all(|(k, c)| self.chars.get(self.pos + k) == Some(&c))
    }

    /// A value at the current position (whitespace already skipped).
    fn value(&mut self) -> Result<Value, JsonError> {
        match self.peek() {
            Some('"') => self.string().map(Value::String),
            Some('{') => self.nested(Self::object, TOO_DEEP_OBJECT),
            Some('[') => self.nested(Self::array, TOO_DEEP_ARRAY),
            Some('n') if self.starts_with("null") => {
                self.pos += 4;
                Ok(Value::Null)
            }
            Some('t') if self.starts_with("true") => {
                self.pos += 4;
                Ok(Value::Bool(true))
            }
            Some('f') if self.starts_with("false") => {
                self.pos += 5;
                Ok(Value::Bool(false))
            }
            Some('N') if self.starts_with("NaN") => {
                Err(self.error("NaN is not a number that JSON can carry", self.pos))
            }
            Some('I') if self.starts_with("Infinity") => {
                Err(self.error("Infinity is not a number that JSON can carry", self.pos))
            }
            Some('-') if self.chars.get(self.pos + 1) == Some(&'I') && self.starts_with("-Infinity") => {
                Err(self.error("-Infinity is not a number that JSON can carry", self.pos))
            }
            Some('-' | '0'..='9') => self.number(),
            _ => Err(self.error("Expecting value", self.pos)),
        }
    }

    /// Parses an array or object one level deeper, failing with `too_deep` beyond [`MAX_DEPTH`].
    fn nested(
        &mut self,
        parse: fn(&mut Self) -> Result<Value, JsonError>,
        too_deep: &'static str,
    ) -> Result<Value, JsonError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(too_deep, self.pos));
        }
        self.depth += 1;
        let value = parse(self);
        self.depth -= 1;
        value
    }

    /// Python's number grammar: `-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?`; what does not match
    /// is left for the caller (which then reports "Extra data" or a delimiter).
    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.pos;
        let mut i = self.pos;
        let digit = |i: usize| self.chars.get(i).is_some_and(char::is_ascii_digit);
        if self.chars.get(i) == Some(&'-') {
            i += 1;
        }
        if self.chars.get(i) == Some(&'0') {
            i += 1;
        } else if digit(i) {
            while digit(i) {
                i += 1;
            }
        } else {
            return Err(self.error("Expecting value", start));
        }
        let mut is_float = false;
        if self.chars.get(i) == Some(&'.') && digit(i + 1) {
            i += 1;
            while digit(i) {
                i += 1;
            }
            is_float = true;
        }
        if matches!(self.chars.get(i), Some('e' | 'E')) {
            let mut j = i + 1;
            if matches!(self.chars.get(j), Some('+' | '-')) {
                j += 1;
            }
            if digit(j) {
                while digit(j) {
                    j += 1;
                }
                i = j;
                is_float = true;
            }
        }
        self.pos = i;
        let text: String = self.chars[start..i].iter().collect();
        let number = if is_float {
            text.parse::<f64>().ok().and_then(Number::from_f64)
        } else if let Ok(i) = text.parse::<i64>() {
            Some(Number::from(i))
        } else if let Ok(u) = text.parse::<u64>() {
            Some(Number::from(u))
        } else {
            // Beyond 64 bits: Python keeps every digit; the nearest float is what JSON carries.
            text.parse::<f64>().ok().and_then(Number::from_f64)
        };
        number.map(Value::Number).ok_or_else(|| self.error("Number out of range", start))
    }

    fn string(&mut self) -> Result<String, JsonError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("Unterminated string starting at", start));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                '\\' => {
                    let Some(esc) = self.chars.get(self.pos + 1).copied() else {
                        return Err(self.error("Unterminated string starting at", start));
                    };
                    let simple = match esc {
                        '"' => Some('"'),
                        '\\' => Some('\\'),
                        '/' => Some('/'),
                        'b' => Some('\u{8}'),
                        'f' => Some('\u{c}'),
                        'n' => Some('\n'),
                        'r' => Some('\r'),
                        't' => Some('\t'),
                        _ => None,
                    };
                    if let Some(c) = simple {
                        out.push(c);
                        self.pos += 2;
                    } else if esc == 'u' {
                        let unit = self
                            .hex4(self.pos + 2)
                            .ok_or_else(|| self.error("Invalid \\uXXXX escape", self.pos + 1))?;
                        self.pos += 6;
                        if (0xd800..0xdc00).contains(&unit)
                            && self.chars.get(self.pos) == Some(&'\\')
                            && self.chars.get(self.pos + 1) == Some(&'u')
                        {
                            let low = self
                                .hex4(self.pos + 2)
                                .ok_or_else(|| self.error("Invalid \\uXXXX escape", self.pos + 1))?;
                            if (0xdc00..0xe000).contains(&low) {
                                let code = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                                self.pos += 6;
                                continue;
                            }
                        }
                        // A lone surrogate cannot be a Rust char: keep the replacement character.
                        out.push(char::from_u32(unit).unwrap_or('\u{fffd}'));
                    } else {
                        return Err(self.error("Invalid \\escape", self.pos));
                    }
                }
                c if (c as u32) < 0x20 => return Err(self.error("Invalid control character at", self.pos)),
                c => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.chars.get(at..at + 4)?;
        digits.iter().try_fold(0u32, |acc, c| Some(acc * 16 + c.to_digit(16)?))
    }

    fn object(&mut self) -> Result<Value, JsonError> {
        self.pos += 1;
        let mut map = Map::new();
        self.skip_ws();
        if self.peek() == Some('}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            if self.peek() != Some('"') {
                return Err(self.error("Expecting property name enclosed in double quotes", self.pos));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(':') {
                return Err(self.error("Expecting ':' delimiter", self.pos));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            // A repeated key keeps its first position and takes the last value, as a dict does.
            map.insert(key, value);
            self.skip_ws();
            match self.peek() {
                Some('}') => {
                    self.pos += 1;
                    return Ok(Value::Object(map));
                }
                Some(',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some('}') {
                        return Err(self.error("Illegal trailing comma before end of object", comma));
                    }
                }
                _ => return Err(self.error("Expecting ',' delimiter", self.pos)),
            }
        }
    }

    fn array(&mut self) -> Result<Value, JsonError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                Some(',') => {
                    let comma = self.pos;
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(']') {
                        return Err(self.error("Illegal trailing comma before end of array", comma));
                    }
                }
                _ => return Err(self.error("Expecting ',' delimiter", self.pos)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_DEPTH, parse};

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn values() {
        let v = parse(r#" {"a": [1, 2.5, -0, 1e3, true, false, null, "x\u00e9\ud83d\ude00\n"], "a": 2, "b": {}} "#)
            .unwrap();
        assert_eq!(v.to_string(), r#"{"a":2,"b":{}}"#);
        let v = parse(r#"[1, 2.5, -0, 1E3, "\u00e9\ud83d\ude00\/"]"#).unwrap();
        assert_eq!(v.to_string(), r#"[1,2.5,0,1000.0,"é😀/"]"#);
    }

    #[test]
    fn errors_as_python() {
        // Expected texts are str(JSONDecodeError) of CPython for the same inputs; the trailing-comma
        // messages are those of 3.13 and later, which the AWS CLI v2 bundles.
        assert_eq!(err(""), "Expecting value: line 1 column 1 (char 0)");
        assert_eq!(err("{\"a\":"), "Expecting value: line 1 column 6 (char 5)");
        assert_eq!(err("{a:1}"), "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)");
        assert_eq!(err("{\"a\" 1}"), "Expecting ':' delimiter: line 1 column 6 (char 5)");
        assert_eq!(err("{\"a\":1 \"b\":2}"), "Expecting ',' delimiter: line 1 column 8 (char 7)");
        assert_eq!(err("[1,]"), "Illegal trailing comma before end of array: line 1 column 3 (char 2)");
        assert_eq!(err("{\"a\":1,}"), "Illegal trailing comma before end of object: line 1 column 7 (char 6)");
        assert_eq!(err("\"abc"), "Unterminated string starting at: line 1 column 1 (char 0)");
        assert_eq!(err("\"a\\x\""), "Invalid \\escape: line 1 column 3 (char 2)");
        assert_eq!(err("\"a\\u12\""), "Invalid \\uXXXX escape: line 1 column 4 (char 3)");
        assert_eq!(err("\"a\tb\""), "Invalid control character at: line 1 column 3 (char 2)");
        assert_eq!(err("{}x"), "Extra data: line 1 column 3 (char 2)");
        assert_eq!(err("01"), "Extra data: line 1 column 2 (char 1)");
        assert_eq!(err("[\n1,\n  x]"), "Expecting value: line 3 column 3 (char 7)");
        assert_eq!(err("\"é\" x"), "Extra data: line 1 column 5 (char 4)");
    }

    #[test]
    fn nesting_is_bounded() {
        // Found by the no_panic property test: deep nesting overflowed the stack.
        let deep = |n: usize| format!("{}1{}", "[{\"a\":".repeat(n), "}]".repeat(n));
        assert!(parse(&deep(MAX_DEPTH / 2)).is_ok());
        let e = parse(&deep(MAX_DEPTH / 2 + 1)).unwrap_err();
        assert!(e.is_too_deep());
        assert_eq!(e.message, "maximum recursion depth exceeded while decoding a JSON array from a unicode string");
        let e = parse(&"{\"a\":".repeat(100_000)).unwrap_err();
        assert_eq!(e.message, "maximum recursion depth exceeded while decoding a JSON object from a unicode string");
        assert_eq!(e.pos, 5 * MAX_DEPTH);
        assert!(!parse("[").unwrap_err().is_too_deep());
    }
}
