//! What the prompter offers at the cursor: the command line before it is read as the AWS CLI's
//! parser would read it (global options and their values, the operation, its parameters) to find
//! what the last word is: an operation, an option, or the value of one. Operations and options
//! come from the model and the option tables, parameters not yet given and required ones first;
//! values are an enum's values, a choice option's choices, or shorthand keys and values inside a
//! structure (see [`super::shorthand`]). Everything is filtered as the AWS CLI's prompt filters:
//! the typed letters in order, closest matches first.

use connect_core::model::{Kind, Member, Operation, Service, Shape, doc_overview};

use super::shorthand::{self, End};
use super::words::{Word, quoted, words};
use crate::globals::{GLOBALS, Global, resolve_global};

/// One entry of the completion menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The word that replaces the one being typed.
    pub value: String,
    /// What the menu shows.
    pub display: String,
    /// `[type] summary`, beside the entry.
    pub description: String,
    /// Whether a space follows the word (not inside a structure value).
    pub space: bool,
}

/// Where the cursor is.
#[derive(Debug, Clone, Copy)]
pub enum Place {
    /// Typing the operation.
    Operation,
    /// Typing an option's name (or, after the operation, anything that is not a value).
    Option,
    /// The value of a parameter.
    Member(&'static Member),
    /// The value of a global option.
    Global(&'static Global),
    /// Nothing to offer: the value of another option, or words after an unknown operation.
    Other,
}

/// The command line before the cursor, read.
#[derive(Debug)]
pub struct Reading {
    pub place: Place,
    pub operation: Option<&'static Operation>,
    /// The option names already given (without dashes; `--no-x` gives `x`).
    pub given: Vec<String>,
    /// The word being typed.
    pub word: Word,
}

/// A per-command option that is not a parameter (`--cli-input-json`, `--max-items`, …): its
/// name, whether it takes a value, and its type and description as the help page gives them.
struct CommandOption {
    name: String,
    takes_value: bool,
    type_name: &'static str,
    help: String,
}

fn command_options(op: &'static Operation) -> Vec<CommandOption> {
    let members = op.input().map_or(&[][..], |s| s.members());
    let is_member =
        |name: &str| members.iter().any(|m| m.cli_name() == name || name.strip_prefix("no-") == Some(m.cli_name()));
    crate::command::operation_command(op)
        .get_arguments()
        .filter_map(|a| {
            let name = a.get_long()?;
            let takes_value = a.get_action().takes_values();
            let (type_name, help) = crate::help::command_option_doc(name)
                .unwrap_or((if takes_value { "string" } else { "boolean" }, String::new()));
            (!is_member(name)).then(|| CommandOption { name: name.to_owned(), takes_value, type_name, help })
        })
        .collect()
}

/// The parameters the menu offers: all but the page token and size of an operation paginated
/// automatically, which give way to the paging options (as on its help page).
fn parameters(op: &'static Operation) -> impl Iterator<Item = &'static Member> {
    let hidden: Vec<&str> = connect_core::wire::paginate::automatic(op)
        .map_or_else(Vec::new, |(p, input_token, ..)| std::iter::once(input_token).chain(p.page_size).collect());
    op.input().map_or(&[][..], |s| s.members()).iter().filter(move |m| !hidden.contains(&m.name()))
}

/// The member a `--name` (or `--no-name` for a boolean) stands for.
fn member_named(op: &'static Operation, name: &str) -> Option<&'static Member> {
    let members = op.input().map_or(&[][..], |s| s.members());
    members.iter().find(|m| m.cli_name() == name).or_else(|| {
        let plain = name.strip_prefix("no-")?;
        members.iter().find(|m| m.cli_name() == plain && matches!(m.target().kind(), Kind::Boolean))
    })
}

/// Reads `line` (the text before the cursor).
pub fn read(service: &'static Service, line: &str) -> Reading {
    let mut all = words(line);
    let word = all.pop().unwrap_or(Word { start: line.len(), text: String::new() });
    let mut operation = None;
    let mut unknown = false;
    let mut given = Vec::new();
    // The option whose value(s) come next; `true` for a list, which takes any number of them.
    let mut pending: Option<(Place, bool)> = None;
    let mut extra: Vec<CommandOption> = Vec::new();
    for w in &all {
        if let Some(option) = w.text.strip_prefix("--") {
            let (name, inline) = option.split_once('=').map_or((option, false), |(n, _)| (n, true));
            pending = None;
            let member = operation.and_then(|op| member_named(op, name));
            if let Some(m) = member {
                given.push(m.cli_name().to_owned());
                let list = matches!(m.target().kind(), Kind::List(_));
                if !inline && !matches!(m.target().kind(), Kind::Boolean) {
                    pending = Some((Place::Member(m), list));
                }
            } else if let Some(g) = resolve_global(name) {
                given.push(g.name.to_owned());
                if !inline && g.takes_value {
                    pending = Some((Place::Global(g), false));
                }
            } else if let Some(o) = extra.iter().find(|o| o.name == name) {
                given.push(o.name.clone());
                if !inline && o.takes_value {
                    pending = Some((Place::Other, false));
                }
            }
            continue;
        }
        match pending {
            Some((_, true)) => continue,
            Some((_, false)) => pending = None,
            None if operation.is_none() && !unknown => {
                operation = service.operation(&w.text);
                unknown = operation.is_none();
                extra = operation.map(command_options).unwrap_or_default();
            }
            None => {}
        }
    }
    let place = if unknown {
        Place::Other
    } else if word.text.starts_with('-') {
        Place::Option
    } else if let Some((place, _)) = pending {
        place
    } else if operation.is_none() {
        Place::Operation
    } else {
        Place::Option
    };
    Reading { place, operation, given, word }
}

/// The AWS CLI's type name of a shape in the prompt (enums are strings there).
pub fn type_label(shape: &Shape) -> &'static str {
    match shape.kind() {
        Kind::Enum(_) => "string",
        _ => shape.type_name(),
    }
}

/// A member's documentation, else its shape's.
pub fn member_doc(m: &Member) -> &'static str {
    if m.doc().is_empty() { m.target().doc() } else { m.doc() }
}

fn described(type_name: &str, doc: &str) -> String {
    let summary = doc_overview(doc);
    if summary.is_empty() { format!("[{type_name}]") } else { format!("[{type_name}] {summary}") }
}

/// The menu at the end of `line` (the text before the cursor), and where the replaced word starts.
pub fn complete(service: &'static Service, line: &str) -> (usize, Vec<Choice>) {
    let reading = read(service, line);
    let typed = reading.word.text.as_str();
    let word = |value: String, display: String, description: String| Choice {
        value: quoted(&value),
        display,
        description,
        space: true,
    };
    let choices = match reading.place {
        Place::Other => Vec::new(),
        Place::Operation => fuzzy(
            typed,
            service
                .operations()
                .map(|op| word(op.cli_name().to_owned(), op.cli_name().to_owned(), doc_overview(op.doc())))
                .collect(),
        ),
        Place::Option => options(&reading),
        Place::Global(g) => {
            fuzzy(typed, g.choices.iter().map(|c| word((*c).to_owned(), (*c).to_owned(), String::new())).collect())
        }
        Place::Member(m) => values(m, typed),
    };
    (reading.word.start, choices)
}

/// An enum's values as choices.
fn enum_choices(shape: &Shape, prefix: &str, space: bool) -> Vec<Choice> {
    match shape.kind() {
        Kind::Enum(values) => values
            .iter()
            .map(|v| Choice {
                value: quoted(&format!("{prefix}{}", v.value())),
                display: v.value().to_owned(),
                description: doc_overview(v.doc()),
                space,
            })
            .collect(),
        Kind::Boolean => ["true", "false"]
            .iter()
            .map(|b| Choice {
                value: format!("{prefix}{b}"),
                display: (*b).to_owned(),
                description: String::new(),
                space,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The values offered for parameter `m`, `typed` so far.
fn values(m: &'static Member, typed: &str) -> Vec<Choice> {
    let shape = m.target();
    match shape.kind() {
        Kind::Enum(_) => fuzzy(typed, enum_choices(shape, "", true)),
        Kind::List(inner) if matches!(inner.kind(), Kind::Enum(_)) => fuzzy(typed, enum_choices(inner, "", true)),
        Kind::Structure(_) | Kind::Union(_) | Kind::Map { .. } | Kind::List(_) => {
            let (end, closing) = shorthand::end(shape, typed);
            let mut choices = match end {
                End::Key { members, given, partial } => {
                    let before = &typed[..typed.len() - partial.len()];
                    let keys = members
                        .iter()
                        .filter(|k| !given.iter().any(|g| g == k.name()))
                        .map(|k| {
                            let display = format!("{}={}", k.name(), shorthand::opener(k.target()));
                            Choice {
                                value: quoted(&format!("{before}{display}")),
                                display,
                                description: described(type_label(k.target()), member_doc(k)),
                                space: false,
                            }
                        })
                        .collect();
                    fuzzy(&partial, keys)
                }
                End::MapKey { key, partial } => {
                    let before = &typed[..typed.len() - partial.len()];
                    let mut keys = enum_choices(key, before, false);
                    for k in &mut keys {
                        k.value = quoted(&format!("{before}{}=", k.display));
                        k.display.push('=');
                    }
                    fuzzy(&partial, keys)
                }
                End::Value { shape, partial, .. } => {
                    fuzzy(&partial, enum_choices(shape, &typed[..typed.len() - partial.len()], false))
                }
                End::Nothing => Vec::new(),
            };
            if !closing.is_empty() {
                choices.push(Choice {
                    value: quoted(&format!("{typed}{closing}")),
                    display: "Autoclose brackets".into(),
                    description: String::new(),
                    space: true,
                });
            }
            choices
        }
        _ => Vec::new(),
    }
}

/// The options not given yet: after the operation its parameters (required ones first, each
/// boolean with its `--no-` form), its other options, then the global options.
fn options(reading: &Reading) -> Vec<Choice> {
    let not_given = |name: &str| !reading.given.iter().any(|g| g == name);
    let mut required = Vec::new();
    let mut optional = Vec::new();
    if let Some(op) = reading.operation {
        for m in parameters(op).filter(|m| not_given(m.cli_name())) {
            let description = described(type_label(m.target()), member_doc(m));
            let name = format!("--{}", m.cli_name());
            if m.required_argument() {
                let display = format!("{name} (required)");
                required.push(Choice { value: name, display, description, space: true });
            } else {
                optional.push(Choice {
                    value: name.clone(),
                    display: name,
                    description: description.clone(),
                    space: true,
                });
                if matches!(m.target().kind(), Kind::Boolean) {
                    let no = format!("--no-{}", m.cli_name());
                    optional.push(Choice { value: no.clone(), display: no, description, space: true });
                }
            }
        }
        for o in command_options(op).into_iter().filter(|o| not_given(&o.name)) {
            let name = format!("--{}", o.name);
            let type_name = o.type_name;
            optional.push(Choice {
                value: name.clone(),
                display: name,
                description: described(type_name, &o.help),
                space: true,
            });
        }
    }
    for g in GLOBALS.iter().filter(|g| not_given(g.name) && !g.name.ends_with("cli-auto-prompt")) {
        let name = format!("--{}", g.name);
        optional.push(Choice {
            value: name.clone(),
            display: name,
            description: described(g.type_name, g.doc),
            space: true,
        });
    }
    let typed = if reading.word.text == "--" { "" } else { reading.word.text.as_str() };
    // The AWS CLI's order: filtered, then the required ones first.
    let (mut first, rest): (Vec<Choice>, Vec<Choice>) = fuzzy(typed, required.into_iter().chain(optional).collect())
        .into_iter()
        .partition(|c| c.display.ends_with(" (required)"));
    first.extend(rest);
    first
}

/// The AWS CLI prompt's filter: the choices whose shown text holds the letters of `typed` in
/// order (ignoring case), the tightest and leftmost matches first; all of them, in their order,
/// when nothing is typed.
pub fn fuzzy(typed: &str, choices: Vec<Choice>) -> Vec<Choice> {
    if typed.is_empty() {
        return choices;
    }
    let wanted: Vec<char> = typed.chars().flat_map(char::to_lowercase).collect();
    let mut matched: Vec<(usize, usize, Choice)> = choices
        .into_iter()
        .filter_map(|c| {
            let text: Vec<char> = c.display.chars().flat_map(char::to_lowercase).collect();
            let best = (0..text.len())
                .filter(|&start| text[start] == wanted[0])
                .filter_map(|start| span(&text[start..], &wanted).map(|len| (len, start)))
                .min_by_key(|&(len, start)| (start, len))?;
            Some((best.0, best.1, c))
        })
        .collect();
    matched.sort_by(|a, b| (a.0, a.1, &a.2.display, &a.2.value).cmp(&(b.0, b.1, &b.2.display, &b.2.value)));
    matched.into_iter().map(|(_, _, c)| c).collect()
}

/// The length of the shortest start of `text` that holds `wanted` in order.
fn span(text: &[char], wanted: &[char]) -> Option<usize> {
    let mut next = 0;
    for (i, c) in text.iter().enumerate() {
        if *c == wanted[next] {
            next += 1;
            if next == wanted.len() {
                return Some(i + 1);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use connect_core::generated::SERVICE;

    fn shown(line: &str) -> Vec<String> {
        complete(&SERVICE, line).1.into_iter().map(|c| c.display).collect()
    }

    fn choice(display: &str) -> Choice {
        Choice { value: display.into(), display: display.into(), description: String::new(), space: true }
    }

    #[test]
    fn fuzzy_as_the_aws_cli_filters() {
        let names = |typed: &str, all: &[&str]| -> Vec<String> {
            fuzzy(typed, all.iter().map(|d| choice(d)).collect()).into_iter().map(|c| c.display).collect()
        };
        // Python: re.finditer('(?=(r.*?m.*?t))', name, re.I), sorted by (length, start, name).
        assert_eq!(names("rmt", &["remote", "rm-target", "xrmt", "other"]), ["xrmt", "rm-target", "remote"]);
        assert_eq!(names("", &["b", "a"]), ["b", "a"]);
        assert_eq!(names("AB", &["xab", "ab"]), ["ab", "xab"]);
    }

    #[test]
    fn what_is_offered_where() {
        // Operations before the operation, options after a global option's value.
        assert!(shown("--region us-east-1 update-user-ide").contains(&"update-user-identity-info".to_owned()));
        assert_eq!(shown("--output t"), ["table", "text", "yaml-stream"]);
        // Parameters not given yet, required ones first; booleans with their --no- form.
        let after = shown("update-user-identity-info --user-id u ");
        assert_eq!(after[..2], ["--identity-info (required)", "--instance-id (required)"]);
        assert!(!after.iter().any(|c| c.starts_with("--user-id") || c.contains("auto-prompt")));
        // A list value goes on until the next option.
        assert!(
            read(&SERVICE, "update-user-identity-info --user-id u --instance-id i --identity-info x --b")
                .given
                .contains(&"identity-info".to_owned())
        );
        // The per-command options as their help describes them; the paging options instead of the
        // page token and size members of a paginated operation.
        let listed = complete(&SERVICE, "list-users --").1;
        let described = |name: &str| listed.iter().find(|c| c.display == name).map(|c| c.description.clone());
        assert_eq!(
            described("--cli-input-json").as_deref(),
            Some("[string] Reads arguments from the JSON string provided.")
        );
        assert!(described("--max-items").is_some_and(|d| d.starts_with("[integer] The most items to print")));
        assert_eq!((described("--next-token"), described("--max-results")), (None, None));
        // Nothing after an unknown operation.
        assert!(shown("no-such-operation --").is_empty());
    }
}
