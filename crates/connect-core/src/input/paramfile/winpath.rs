//! Path expansion as Python's `ntpath` does it, which the AWS CLI uses on Windows:
//! `expanduser` (`~` from `USERPROFILE`, else `HOMEDRIVE` + `HOMEPATH`) and `expandvars`
//! (`%VAR%`, `$VAR`, `${VAR}`, `'…'` kept as written, `%%` and `$$`). Pure functions over an
//! environment lookup, so that they are tested on every platform against Python's `ntpath`.

/// Python's `ntpath.expanduser`.
pub(super) fn expanduser(path: &str, env: impl Fn(&str) -> Option<String>) -> String {
    let Some(rest) = path.strip_prefix('~') else {
        return path.to_owned();
    };
    let name_len = rest.find(['/', '\\']).unwrap_or(rest.len());
    let (target, tail) = rest.split_at(name_len);
    let mut home = match (env("USERPROFILE"), env("HOMEPATH")) {
        (Some(profile), _) => profile,
        (None, None) => return path.to_owned(),
        (None, Some(home_path)) => join(&env("HOMEDRIVE").unwrap_or_default(), &home_path),
    };
    if !target.is_empty() {
        let current = env("USERNAME");
        if current.as_deref() != Some(target) {
            // The other user's profile is guessed to be a sibling of this one's, when this one's
            // is named after its user.
            let (parent, base) = split(&home);
            if current.as_deref() != Some(base) {
                return path.to_owned();
            }
            home = join(parent, target);
        }
    }
    home + tail
}

/// Python's `ntpath.expandvars`.
pub(super) fn expandvars(path: &str, env: impl Fn(&str) -> Option<String>) -> String {
    if !path.contains(['$', '%']) {
        return path.to_owned();
    }
    let is_var_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        match c {
            // No expansion inside single quotes (kept, with the quotes).
            '\'' => match after.find('\'') {
                Some(close) => {
                    out.push_str(&rest[..close + 2]);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(rest);
                    rest = "";
                }
            },
            '%' if after.starts_with('%') => {
                out.push('%');
                rest = &after[1..];
            }
            '%' => match after.find('%') {
                Some(close) => {
                    let name = &after[..close];
                    match env(name) {
                        Some(value) => out.push_str(&value),
                        None => {
                            out.push('%');
                            out.push_str(name);
                            out.push('%');
                        }
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(rest);
                    rest = "";
                }
            },
            '$' if after.starts_with('$') => {
                out.push('$');
                rest = &after[1..];
            }
            '$' if after.starts_with('{') => match after[1..].find('}') {
                Some(close) => {
                    let name = &after[1..close + 1];
                    match env(name) {
                        Some(value) => out.push_str(&value),
                        None => {
                            out.push_str("${");
                            out.push_str(name);
                            out.push('}');
                        }
                    }
                    rest = &after[close + 2..];
                }
                None => {
                    out.push_str(rest);
                    rest = "";
                }
            },
            '$' => {
                let len = after.find(|c: char| !is_var_char(c)).unwrap_or(after.len());
                let name = &after[..len];
                match env(name) {
                    Some(value) => out.push_str(&value),
                    None => {
                        out.push('$');
                        out.push_str(name);
                    }
                }
                rest = &after[len..];
            }
            c => {
                out.push(c);
                rest = after;
            }
        }
    }
    out
}

/// `ntpath.join(a, b)` for a relative `b`: a separator between them unless `a` is empty, ends in
/// one, or is a bare drive (`C:`).
fn join(a: &str, b: &str) -> String {
    if b.starts_with(['/', '\\']) || b.get(1..2) == Some(":") {
        // `b` is rooted: it replaces `a`'s path (keeping `a`'s drive when `b` has none).
        return if b.get(1..2) == Some(":") { b.to_owned() } else { format!("{}{b}", drive(a)) };
    }
    if a.is_empty() || a.ends_with(['/', '\\']) || (a.len() == 2 && a.ends_with(':')) {
        format!("{a}{b}")
    } else {
        format!("{a}\\{b}")
    }
}

/// The drive letter part (`C:`) of a path, if any.
fn drive(path: &str) -> &str {
    if path.get(1..2) == Some(":") { &path[..2] } else { "" }
}

/// `(ntpath.dirname(p), ntpath.basename(p))` for the paths a profile directory has.
fn split(path: &str) -> (&str, &str) {
    let root = drive(path).len();
    let cut = path[root..].rfind(['/', '\\']).map_or(root, |i| root + i + 1);
    let (head, base) = path.split_at(cut);
    // dirname keeps a separator only when it is the root.
    let trimmed = head.trim_end_matches(['/', '\\']);
    let head = if trimmed.len() <= root { head } else { trimmed };
    (head, base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// Runs Python's `ntpath` (the oracle) on each case with the environment `env`.
    fn python(function: &str, env: &[(&str, &str)], cases: &[&str]) -> Vec<String> {
        let script = format!(
            "import json, ntpath, os, sys\n\
             os.environ.clear(); os.environ.update(json.loads(sys.argv[1]))\n\
             print(json.dumps([ntpath.{function}(c) for c in json.loads(sys.argv[2])]))"
        );
        let env_json =
            serde_json::to_string(&env.iter().copied().collect::<std::collections::BTreeMap<_, _>>()).unwrap();
        let out = Command::new("python3")
            .args(["-c", &script, &env_json, &serde_json::to_string(cases).unwrap()])
            .output()
            .expect("python3 is needed as the oracle of Windows path expansion (install python3)");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn lookup<'a>(env: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        // Python's os.environ on Windows upper-cases names, as Windows compares them.
        move |name| env.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn expandvars_matches_python() {
        let env = [("USERPROFILE", r"C:\Users\mary"), ("A", "x"), ("B-C", "y"), ("EMPTY", "")];
        let cases = [
            r"%USERPROFILE%\a.json",
            "%A%%B-C%",
            "100%%",
            "%NOPE%/x",
            "%unclosed",
            "$A/$B-C/${A}x/${NOPE}/$NOPE/$",
            "$$A",
            "${unclosed",
            "'%A%' %A% 'open %A%",
            "a$A.b",
            "%EMPTY%|$EMPTY|",
            "é%A%é",
            "no vars",
        ];
        let ours: Vec<String> = cases.iter().map(|c| expandvars(c, lookup(&env))).collect();
        assert_eq!(ours, python("expandvars", &env, &cases));
    }

    #[test]
    fn expanduser_matches_python() {
        let cases = ["~", r"~\a.json", "~/a.json", r"~mary\x", "~bob/x", "x~/a", "~bob"];
        let envs: [&[(&str, &str)]; 5] = [
            &[("USERPROFILE", r"C:\Users\mary"), ("USERNAME", "mary")],
            &[("USERPROFILE", r"C:\Users\mary"), ("USERNAME", "someone")],
            &[("HOMEDRIVE", "D:"), ("HOMEPATH", r"\home\mary"), ("USERNAME", "mary")],
            &[("HOMEPATH", r"\home\mary")],
            &[("HOME", "/home/mary")],
        ];
        for env in envs {
            let ours: Vec<String> = cases.iter().map(|c| expanduser(c, lookup(env))).collect();
            assert_eq!(ours, python("expanduser", env, &cases), "{env:?}");
        }
    }
}
