//! Name conversions: the AWS CLI's command and option names, and Rust identifiers.

/// The AWS CLI's name for an operation or member: `UpdateUserIdentityInfo` → `update-user-identity-info`,
/// `ResourceARNs` → `resource-arns` (the rules of botocore's `xform_name` with `-`).
pub fn cli_name(name: &str) -> String {
    const SEP: char = '-';
    if name.contains(SEP) {
        return name.to_owned();
    }
    let mut chars: Vec<char> = name.chars().collect();
    // A trailing plural acronym (`ARNs`) becomes its own lower-case word.
    let upper_run = chars.iter().rev().skip(1).take_while(|c| c.is_ascii_uppercase()).count();
    if chars.last() == Some(&'s') && upper_run >= 2 {
        let start = chars.len() - 1 - upper_run;
        let tail: Vec<char> = chars[start..].iter().map(|c| c.to_ascii_lowercase()).collect();
        chars.truncate(start);
        chars.push(SEP);
        chars.extend(tail);
    }
    // `(.)([A-Z][a-z]+)` → `\1-\2`, left to right, without overlap.
    let mut first = Vec::with_capacity(chars.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let word_len = if i + 2 < chars.len() && chars[i] != '\n' && chars[i + 1].is_ascii_uppercase() {
            chars[i + 2..].iter().take_while(|c| c.is_ascii_lowercase()).count()
        } else {
            0
        };
        if word_len > 0 {
            first.push(chars[i]);
            first.push(SEP);
            first.extend_from_slice(&chars[i + 1..i + 2 + word_len]);
            i += 2 + word_len;
        } else {
            first.push(chars[i]);
            i += 1;
        }
    }
    // `([a-z0-9])([A-Z])` → `\1-\2`, then lower-case everything.
    let mut out = String::with_capacity(first.len() + 8);
    let mut i = 0;
    while i < first.len() {
        let c = first[i];
        if (c.is_ascii_lowercase() || c.is_ascii_digit()) && first.get(i + 1).is_some_and(char::is_ascii_uppercase) {
            out.push(c);
            out.push(SEP);
            out.push(first[i + 1].to_ascii_lowercase());
            i += 2;
        } else {
            out.extend(c.to_lowercase());
            i += 1;
        }
    }
    out
}

/// A snake_case Rust field name for a member name, safe to use as an identifier.
pub fn field_name(name: &str) -> String {
    let snake = cli_name(name).replace('-', "_");
    escape_keyword(snake)
}

/// A PascalCase Rust variant name for an enum member name such as `IN_PROGRESS` or `inProgress`.
pub fn variant_name(name: &str) -> String {
    let mut out = String::new();
    for word in cli_name(name).split(['-', '_']).filter(|w| !w.is_empty()) {
        let mut cs = word.chars();
        if let Some(c) = cs.next() {
            out.extend(c.to_uppercase());
            out.extend(cs.flat_map(char::to_lowercase));
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Self" {
        out.push('_');
    }
    out
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait",
    "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "gen", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

fn escape_keyword(ident: String) -> String {
    if matches!(ident.as_str(), "self" | "super" | "crate" | "_") {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{ident}")
    } else {
        ident
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_names_follow_botocore() {
        // Expected values were printed by botocore.xform_name(name, '-').
        let cases = [
            ("UpdateUserIdentityInfo", "update-user-identity-info"),
            ("InstanceId", "instance-id"),
            ("ResourceARNs", "resource-arns"),
            ("AgentStatusARN", "agent-status-arn"),
            ("StartWebRTCContact", "start-web-rtc-contact"),
            ("S3Config", "s3-config"),
            ("Lex2Bot", "lex2-bot"),
            ("ARN", "arn"),
            ("already-dashed", "already-dashed"),
        ];
        for (name, want) in cases {
            assert_eq!(cli_name(name), want, "{name}");
        }
    }

    #[test]
    fn rust_identifiers() {
        assert_eq!(field_name("FirstName"), "first_name");
        assert_eq!(field_name("Type"), "r#type");
        assert_eq!(field_name("Self"), "self_");
        assert_eq!(variant_name("IN_PROGRESS"), "InProgress");
        assert_eq!(variant_name("inProgress"), "InProgress");
        assert_eq!(variant_name("24x7"), "V24x7");
    }
}
