//! The documentation panel under the command line: what the cursor is on (the parameter whose
//! value is being typed, with the structure member inside it; an option; the operation), in the
//! model's words, with its type, whether it is required and its allowed values; and the keys.
//! It is drawn as the line editor's hint, which the editor shows below the line while no menu is
//! open, and leaves out once the line is accepted.

use connect_core::model::{Kind, Member, Service};
use reedline::{Hinter, History};

use super::complete::{Place, member_doc, read, type_label};
use super::shorthand::{self, End};

/// The longest documentation shown, in characters; longer texts end with `…`.
const MAX_DOC: usize = 400;

/// The keys, on the panel's last line.
pub const KEYS: &str = "[Tab] complete  [Enter] run  [Up]/[Ctrl-R] history  [Ctrl-C] cancel";

/// The panel's text for the command line `line` with the cursor at `pos`.
pub fn panel(service: &'static Service, line: &str, pos: usize) -> String {
    let reading = read(service, &line[..pos.min(line.len())]);
    let mut out = Vec::new();
    let option_member = |name: &str| {
        let op = reading.operation?;
        op.input()?.members().iter().find(|m| Some(m.cli_name()) == name.strip_prefix("--"))
    };
    match reading.place {
        Place::Member(m) => {
            describe(&mut out, &format!("--{}", m.cli_name()), m);
            if let (End::Value { member: Some(inner), .. }, _) = shorthand::end(m.target(), &reading.word.text) {
                describe(&mut out, &format!("--{} {}", m.cli_name(), inner.name()), inner);
            }
        }
        Place::Global(g) => {
            out.push(format!("--{} ({}): {}", g.name, g.type_name, clip(g.doc)));
            if !g.choices.is_empty() {
                out.push(format!("Allowed values: {}", g.choices.join(", ")));
            }
        }
        Place::Option if option_member(&reading.word.text).is_some() => {
            if let Some(m) = option_member(&reading.word.text) {
                describe(&mut out, &reading.word.text, m);
            }
        }
        Place::Option if global_named(&reading.word.text).is_some() => {
            if let Some(g) = global_named(&reading.word.text) {
                out.push(format!("--{} ({}): {}", g.name, g.type_name, clip(g.doc)));
            }
        }
        Place::Option | Place::Other => {
            if let Some(op) = reading.operation {
                out.push(format!("{}: {}", op.cli_name(), clip(op.doc())));
                let missing: Vec<String> = op
                    .input()
                    .map_or(&[][..], |s| s.members())
                    .iter()
                    .filter(|m| m.required_argument() && !reading.given.iter().any(|g| g == m.cli_name()))
                    .map(|m| format!("--{}", m.cli_name()))
                    .collect();
                if !missing.is_empty() {
                    out.push(format!("Required: {}", missing.join(", ")));
                }
            }
        }
        Place::Operation => match service.operation(&reading.word.text) {
            Some(op) => out.push(format!("{}: {}", op.cli_name(), clip(op.doc()))),
            None => out.push(format!("{}: {}", service.sdk_id(), clip(service.doc()))),
        },
    }
    out.push(KEYS.to_owned());
    out.join("\n")
}

/// The global option `--name` names exactly.
fn global_named(word: &str) -> Option<&'static crate::globals::Global> {
    crate::globals::GLOBALS.iter().find(|g| Some(g.name) == word.strip_prefix("--"))
}

/// A parameter or member: its name, type and whether it is required, its documentation, and
/// its allowed values.
fn describe(out: &mut Vec<String>, label: &str, m: &Member) {
    let required = if m.required_argument() { ", required" } else { "" };
    out.push(format!("{label} ({}{required}): {}", type_label(m.target()), clip(member_doc(m))));
    let values = match m.target().kind() {
        Kind::Enum(values) => values,
        Kind::List(inner) => match inner.kind() {
            Kind::Enum(values) => values,
            _ => &[][..],
        },
        _ => &[][..],
    };
    if !values.is_empty() {
        let names: Vec<&str> = values.iter().map(|v| v.value()).collect();
        out.push(format!("Allowed values: {}", names.join(", ")));
    }
}

/// A documentation text on one line, at most [`MAX_DOC`] characters.
fn clip(doc: &str) -> String {
    let flat = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX_DOC {
        return flat;
    }
    let cut: String = flat.chars().take(MAX_DOC).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut}…")
}

/// The panel as the line editor's hint.
pub struct DocPanel {
    pub service: &'static Service,
}

impl Hinter for DocPanel {
    fn handle(&mut self, line: &str, pos: usize, _history: &dyn History, color: bool, _cwd: &str) -> String {
        let text = format!("\n{}", panel(self.service, line, pos));
        // Dark grey (SGR 90), as the line editor's own hints are drawn.
        if color { format!("\x1b[90m{text}\x1b[0m") } else { text }
    }

    /// The panel is not text to accept into the line.
    fn complete_hint(&self) -> String {
        String::new()
    }

    fn next_hint_token(&self) -> String {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_core::generated::SERVICE;

    #[test]
    fn the_panel_follows_the_cursor() {
        let panel = |line: &str| super::panel(&SERVICE, line, line.len());
        let op = SERVICE.operation("update-user-identity-info").expect("the seed operation");
        let info = op.input().and_then(|s| s.member("IdentityInfo")).expect("IdentityInfo");
        let first = info.target().member("FirstName").expect("FirstName");
        let flat = |doc: &str| doc.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            panel("update-user-identity-info --identity-info FirstName=Ma"),
            format!(
                "--identity-info (structure, required): {}\n--identity-info FirstName (string): {}\n{KEYS}",
                flat(info.doc()),
                flat(first.doc())
            )
        );
        assert!(panel("update-user-identity-info --user-id u ").contains("Required: --identity-info, --instance-id"));
        assert!(panel("update-user-identity-info --output").starts_with("--output (string): The formatting style"));
        assert!(panel("--output ").contains("Allowed values: json, text, table, yaml, yaml-stream, off"));
        // The cursor decides: the operation's documentation with the cursor after it.
        let line = "update-user-identity-info --user-id u";
        assert!(super::panel(&SERVICE, line, 26).starts_with("update-user-identity-info: "));
    }
}
