//! Turns the model's HTML documentation into plain text for help pages, comments and schemas.

/// Plain text of a documentation string: tags removed, entities decoded, whitespace collapsed,
/// paragraphs (`<p>`, list items, notes) separated by a blank line, list items starting with `* `.
pub fn plain_text(html: &str) -> String {
    let mut out = Paragraphs::default();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.current.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('>') else {
            // A lone `<` is text.
            out.current.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = &rest[start + 1..start + len];
        let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap_or("").to_ascii_lowercase();
        match name.as_str() {
            "p" | "ul" | "ol" | "important" | "note" | "br" | "div" | "dl" | "dt" | "dd" | "h1" | "h2" | "h3" => {
                out.flush()
            }
            "li" => {
                out.flush();
                out.bullet = !tag.starts_with('/');
            }
            _ => {}
        }
        rest = &rest[start + len + 1..];
    }
    out.current.push_str(rest);
    out.flush();
    decode_entities(&out.done.join("\n\n"))
}

#[derive(Default)]
struct Paragraphs {
    done: Vec<String>,
    current: String,
    /// The next paragraph is a list item.
    bullet: bool,
}

impl Paragraphs {
    fn flush(&mut self) {
        let text = self.current.split_whitespace().collect::<Vec<_>>().join(" ");
        self.current.clear();
        if !text.is_empty() {
            let bullet = if std::mem::take(&mut self.bullet) { "* " } else { "" };
            self.done.push(format!("{bullet}{text}"));
        }
    }
}

fn decode_entities(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn html_becomes_paragraphs() {
        let html = "<p>Updates the <code>user</code>.</p>\n  <important><p>Be careful &amp; check.</p></important>\
                    <ul><li><p>one</p></li><li>two</li></ul>";
        assert_eq!(plain_text(html), "Updates the user.\n\nBe careful & check.\n\n* one\n\n* two");
    }

    #[test]
    fn plain_text_stays() {
        assert_eq!(plain_text("Just text,\n  wrapped."), "Just text, wrapped.");
        assert_eq!(plain_text(""), "");
        assert_eq!(plain_text("a < b"), "a < b");
    }
}
