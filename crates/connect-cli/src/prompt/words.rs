//! The words of a command line being edited, as a POSIX shell (and so `shlex`) splits them, each
//! with the byte offset where it starts, so that a completion can replace the word under the
//! cursor; and the quoting that puts a word back.

/// One word of the line: where it starts, and its text with the quotes removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub text: String,
}

/// The words of `line`. Quotes (`'…'`, `"…"`) and backslashes are removed as a shell removes
/// them; a quote left open runs to the end of the line. The last word is the one being typed:
/// empty (starting at the end) when the line is empty or ends with whitespace.
pub fn words(line: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut current: Option<Word> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            out.extend(current.take());
            continue;
        }
        let word = current.get_or_insert_with(|| Word { start: i, text: String::new() });
        match c {
            '\'' => {
                for (_, q) in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.text.push(q);
                }
            }
            '"' => {
                while let Some((_, q)) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' if chars.peek().is_some_and(|(_, n)| matches!(n, '"' | '\\' | '$' | '`')) => {
                            word.text.extend(chars.next().map(|(_, n)| n));
                        }
                        _ => word.text.push(q),
                    }
                }
            }
            '\\' => word.text.extend(chars.next().map(|(_, n)| n)),
            _ => word.text.push(c),
        }
    }
    out.push(current.unwrap_or(Word { start: line.len(), text: String::new() }));
    out
}

/// `text` as one word of the line: as it is when the shell would keep it so, else quoted.
pub fn quoted(text: &str) -> String {
    let plain = |c: char| !c.is_whitespace() && !"'\"\\".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_owned()
    } else {
        shlex::try_quote(text).map_or_else(|_| text.to_owned(), |q| q.into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<(usize, String)> {
        words(line).into_iter().map(|w| (w.start, w.text)).collect()
    }

    #[test]
    fn words_as_shlex_splits_them_with_offsets() {
        assert_eq!(texts(""), vec![(0, String::new())]);
        assert_eq!(texts("a  b"), vec![(0, "a".into()), (3, "b".into())]);
        assert_eq!(texts("a "), vec![(0, "a".into()), (2, String::new())]);
        assert_eq!(
            texts(r#"x 'a b' "c\"d" e\ f"#),
            vec![(0, "x".into()), (2, "a b".into()), (8, "c\"d".into()), (15, "e f".into())]
        );
        // An open quote runs to the end.
        assert_eq!(texts("--n 'Key=a b"), vec![(0, "--n".into()), (4, "Key=a b".into())]);
        // Every complete line splits as shlex splits it.
        for line in [r#"op --a 'x y' --b "q\\z" c\ d"#, "op --t Key=v,K2={a=1}"] {
            let ours: Vec<String> = words(&format!("{line} ")).into_iter().map(|w| w.text).collect();
            let mut theirs = shlex::split(line).expect("a complete line");
            theirs.push(String::new());
            assert_eq!(ours, theirs, "{line}");
        }
    }

    #[test]
    fn quoted_words_split_back() {
        for text in ["plain", "a b", "it's", "", "Key=v,K={a=1}"] {
            assert_eq!(shlex::split(&quoted(text)), Some(vec![text.to_owned()]), "{text}");
        }
        assert_eq!(quoted("Key=v,K={a=1}"), "Key=v,K={a=1}");
    }
}
