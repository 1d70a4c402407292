//! Reading a `--query` expression's text before and after the crate parses it: how deep it nests
//! ([`measure`]) and where Python's parser wants a comma the crate does without ([`missing_comma`]).

/// How an expression nests, read from its text (see [`measure`]).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Depth {
    /// Nesting the parser recurses on: brackets, projections, `!`, `&`.
    pub parse: usize,
    /// Nesting the evaluation recurses on: the above plus operator chains (`|`, `||`, `&&`,
    /// comparisons), and `.name`/`[index]` links inside `&expression`s.
    pub eval: usize,
    /// `.name`, `[index]` and `|` links in all.
    pub chain: usize,
}

/// One bracketed group of the expression, during [`measure`].
#[derive(Clone, Copy)]
struct Group {
    parse_base: usize,
    eval_base: usize,
    /// Projections, `!` and `&` met in this group: their right-hand sides nest until the group
    /// ends (counted conservatively).
    nest: usize,
    /// Binary operators met in this group.
    operators: usize,
    /// Inside an `&expression`, which the crate's own interpreter walks recursively.
    expref: bool,
}

impl Group {
    fn parse(&self) -> usize {
        self.parse_base + self.nest
    }

    fn eval(&self) -> usize {
        self.eval_base + self.nest + self.operators
    }
}

/// Measures an expression's nesting on its text, conservatively (never less than the parser's
/// and the evaluation's recursion, up to a small constant factor), skipping quoted names, raw
/// strings and JSON literals. Runs in a loop: any text can be measured.
pub fn measure(expr: &str) -> Depth {
    let b = expr.as_bytes();
    let mut groups = vec![Group { parse_base: 0, eval_base: 0, nest: 0, operators: 0, expref: false }];
    let mut depth = Depth::default();
    let peek = |from: usize| b[from.min(b.len())..].iter().copied().find(|c| !c.is_ascii_whitespace());
    let mut i = 0;
    while i < b.len() {
        let open = groups.len();
        let g = groups.last_mut().expect("the outermost group stays");
        let c = b[i];
        i += 1;
        match c {
            b'\'' | b'"' | b'`' => {
                while i < b.len() && b[i] != c {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'(' | b'{' => {
                let group = Group { parse_base: g.parse() + 1, eval_base: g.eval() + 1, nest: 0, operators: 0, ..*g };
                groups.push(group);
            }
            b'[' => match peek(i) {
                // `[]`, `[*]`: projections.
                Some(b']') | Some(b'*') => g.nest += 1,
                // `[?`: a filter, a projection with a condition inside.
                Some(b'?') => {
                    g.nest += 1;
                    let group =
                        Group { parse_base: g.parse() + 1, eval_base: g.eval() + 1, nest: 0, operators: 0, ..*g };
                    groups.push(group);
                }
                // `[2]`, `[-1]` (a chain link), `[1:2]` (a slice: a projection).
                Some(b'0'..=b'9' | b'-' | b':') => {
                    let end = b[i..].iter().position(|&c| c == b']').map_or(b.len(), |p| i + p);
                    if b[i..end].contains(&b':') {
                        g.nest += 1;
                    } else {
                        depth.chain += 1;
                        g.operators += usize::from(g.expref);
                    }
                    i = end + 1;
                }
                // A multi-select list.
                _ => {
                    let group =
                        Group { parse_base: g.parse() + 1, eval_base: g.eval() + 1, nest: 0, operators: 0, ..*g };
                    groups.push(group);
                }
            },
            b')' | b'}' | b']' if open > 1 => {
                groups.pop();
            }
            b'!' | b'<' | b'>' | b'=' if b.get(i) == Some(&b'=') => {
                i += 1;
                g.operators += 1;
            }
            b'<' | b'>' => g.operators += 1,
            b'!' => g.nest += 1,
            b'&' if b.get(i) == Some(&b'&') => {
                i += 1;
                g.operators += 1;
            }
            b'&' => {
                g.nest += 1;
                g.expref = true;
            }
            b'|' if b.get(i) == Some(&b'|') => {
                i += 1;
                g.operators += 1;
            }
            b'|' => {
                depth.chain += 1;
                g.operators += 1;
            }
            b'*' => g.nest += 1,
            b'.' => {
                depth.chain += 1;
                g.operators += usize::from(g.expref);
            }
            _ => {}
        }
        if let Some(g) = groups.last() {
            depth.parse = depth.parse.max(g.parse());
            depth.eval = depth.eval.max(g.eval());
        }
    }
    depth
}

/// Where an element of a multi-select list begins right after another one ends, as in `[a b]`:
/// Python's parser wants a comma there, the crate's skips a missing one. (Both let function
/// arguments go without commas, `f(a b)`, and both reject an expression after a finished one
/// anywhere else.) Read on the text of an expression the crate parsed, so every token in it is
/// well formed.
pub fn missing_comma(expr: &str) -> Option<usize> {
    let b = expr.as_bytes();
    let mut after_expression = false;
    // The open brackets: `true` for `[` (a multi-select list, or an index or filter, where the
    // crate rejects juxtaposed expressions itself), `false` for `(` and `{`.
    let mut open = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        i += 1;
        // (begins an expression, ends one)
        let (begins, ends) = match c {
            b'\'' | b'"' | b'`' => {
                while i < b.len() && b[i] != c {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                (true, true)
            }
            b'A'..=b'Z' | b'a'..=b'z' | b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                (true, true)
            }
            b'-' | b'0'..=b'9' => {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                (false, true)
            }
            b'@' => (true, true),
            b'&' if b.get(i) == Some(&b'&') => {
                i += 1;
                (false, false)
            }
            b'&' => (true, false),
            b'[' if b.get(i) == Some(&b']') => {
                i += 1;
                (false, true)
            }
            b'[' => {
                open.push(true);
                (false, false)
            }
            b'(' | b'{' => {
                open.push(false);
                (false, false)
            }
            b']' | b')' | b'}' => {
                open.pop();
                (false, true)
            }
            b'*' => (false, true),
            c if c.is_ascii_whitespace() => continue,
            _ => (false, false),
        };
        if begins && after_expression && open.last() == Some(&true) {
            return Some(start);
        }
        after_expression = ends;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::query::check;

    #[test]
    fn quotes_and_literals_do_not_count() {
        let depth = measure("'((((' | \"[[[[\" | `[[[[1]]]]` | a");
        assert_eq!((depth.parse, depth.chain), (0, 3));
        assert_eq!(measure("a[?b == `1`].c").parse, 2);
    }

    /// Multi-select lists under projections multiply the response: past the budget the
    /// evaluation fails (Python's would run out of memory), within it the values are all there.

    #[test]
    fn a_missing_comma_is_a_syntax_error() {
        let e = check("[a @]").unwrap_err();
        assert!(!e.evaluation && e.message.contains("Expecting a comma"), "{e:?}");
        assert_eq!(missing_comma("[a, @, `x y`, 'p q', \"r s\"]"), None);
        assert_eq!(missing_comma("f(a &b)"), None);
        assert_eq!(missing_comma("[f(a &b) c]"), Some(9));
    }
}
