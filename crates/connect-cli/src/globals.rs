//! The AWS CLI's global options: their table (names, values, help), how a command line names
//! them (exactly or by an unambiguous prefix, before or after the operation), and
//! [`GlobalOptions`], the one place the rest of the program reads them from.

use clap::{Arg, ArgAction, ArgMatches};

/// A global option of the AWS CLI: its name, whether it takes a value, and how `aws help`
/// documents it.
#[derive(Debug)]
pub struct Global {
    pub name: &'static str,
    pub takes_value: bool,
    pub choices: &'static [&'static str],
    /// The type the AWS CLI's help shows (`boolean`, `string`, `int`).
    pub type_name: &'static str,
    /// Its description, from the AWS CLI's `awscli/data/cli.json`.
    pub doc: &'static str,
}

const fn flag(name: &'static str, doc: &'static str) -> Global {
    Global { name, takes_value: false, choices: &[], type_name: "boolean", doc }
}

const fn value(name: &'static str, doc: &'static str) -> Global {
    Global { name, takes_value: true, choices: &[], type_name: "string", doc }
}

const fn choice(name: &'static str, choices: &'static [&'static str], doc: &'static str) -> Global {
    Global { name, takes_value: true, choices, type_name: "string", doc }
}

impl Global {
    /// The same option, documented with another type.
    const fn typed(mut self, type_name: &'static str) -> Global {
        self.type_name = type_name;
        self
    }
}

/// The AWS CLI's global options, accepted before or after the operation.
pub const GLOBALS: &[Global] = &[
    flag("debug", "Turn on debug logging."),
    value("endpoint-url", "Override command's default URL with the given URL."),
    flag(
        "no-verify-ssl",
        "By default, the AWS CLI uses SSL when communicating with AWS services. For each SSL connection, the AWS CLI \
         will verify SSL certificates. This option overrides the default behavior of verifying SSL certificates.",
    ),
    flag(
        "no-paginate",
        "Disable automatic pagination. If automatic pagination is disabled, the AWS CLI will only make one call, for \
         the first page of results.",
    ),
    choice(
        "output",
        &["json", "text", "table", "yaml", "yaml-stream", "off"],
        "The formatting style for command output.",
    ),
    value("query", "A JMESPath query to use in filtering the response data."),
    value("profile", "Use a specific profile from your credential file."),
    value("region", "The region to use. Overrides config/env settings."),
    // argparse's `version` action: the AWS CLI documents it as a string.
    flag("version", "Display the version of this tool.").typed("string"),
    choice("color", &["on", "off", "auto"], "Turn on/off color output."),
    flag("no-sign-request", "Do not sign requests. Credentials will not be loaded if this argument is provided."),
    value(
        "ca-bundle",
        "The CA certificate bundle to use when verifying SSL certificates. Overrides config/env settings.",
    ),
    value(
        "cli-read-timeout",
        "The maximum socket read time in seconds. If the value is set to 0, the socket read will be blocking and not \
         timeout. The default value is 60 seconds.",
    )
    .typed("int"),
    value(
        "cli-connect-timeout",
        "The maximum socket connect time in seconds. If the value is set to 0, the socket connect will be blocking \
         and not timeout. The default value is 60 seconds.",
    )
    .typed("int"),
    choice(
        "cli-binary-format",
        &["base64", "raw-in-base64-out"],
        "The formatting style to be used for binary blobs. The default format is base64. The base64 format expects \
         binary blobs to be provided as a base64 encoded string. The raw-in-base64-out format preserves \
         compatibility with AWS CLI V1 behavior and binary values must be passed literally. When providing contents \
         from a file that map to a binary blob fileb:// will always be treated as binary and use the file contents \
         directly regardless of the cli-binary-format setting. When using file:// the file contents will need to \
         properly formatted for the configured cli-binary-format.",
    ),
    flag("no-cli-pager", "Disable cli pager for output."),
    flag("cli-auto-prompt", "Automatically prompt for CLI input parameters."),
    flag("no-cli-auto-prompt", "Disable automatically prompt for CLI input parameters."),
    choice(
        "cli-error-format",
        &["legacy", "json", "yaml", "text", "table", "enhanced"],
        "The formatting style for error output. By default, errors are displayed in enhanced format.",
    ),
];

/// The global options of a command line, read once: every other part of the program reads them
/// from here, never from the parser's matches or the raw arguments. Values are kept as given;
/// they are checked where the AWS CLI checks them (an invalid `--cli-read-timeout` only when a
/// request is about to be made). A new global option goes into [`GLOBALS`] and here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GlobalOptions {
    /// `--debug`.
    pub debug: bool,
    /// `--endpoint-url`.
    pub endpoint_url: Option<String>,
    /// `--no-verify-ssl`.
    pub no_verify_ssl: bool,
    /// `--no-paginate`.
    pub no_paginate: bool,
    /// `--output`.
    pub output: Option<String>,
    /// `--query`.
    pub query: Option<String>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--version`.
    pub version: bool,
    /// `--color`.
    pub color: Option<String>,
    /// `--no-sign-request`.
    pub no_sign_request: bool,
    /// `--ca-bundle`.
    pub ca_bundle: Option<String>,
    /// `--cli-read-timeout`, as given.
    pub cli_read_timeout: Option<String>,
    /// `--cli-connect-timeout`, as given.
    pub cli_connect_timeout: Option<String>,
    /// `--cli-binary-format`.
    pub cli_binary_format: Option<String>,
    /// `--no-cli-pager`.
    pub no_cli_pager: bool,
    /// `--cli-auto-prompt`.
    pub cli_auto_prompt: bool,
    /// `--no-cli-auto-prompt`.
    pub no_cli_auto_prompt: bool,
    /// `--cli-error-format`.
    pub cli_error_format: Option<String>,
}

impl GlobalOptions {
    /// Sets the global option `name` (a name of [`GLOBALS`]): a flag is set by `None`, an option
    /// with a value by `Some`. False for a name that is not a global option.
    fn set(&mut self, name: &str, value: Option<String>) -> bool {
        let text = |slot: &mut Option<String>| *slot = value.clone();
        match name {
            "debug" => self.debug = true,
            "endpoint-url" => text(&mut self.endpoint_url),
            "no-verify-ssl" => self.no_verify_ssl = true,
            "no-paginate" => self.no_paginate = true,
            "output" => text(&mut self.output),
            "query" => text(&mut self.query),
            "profile" => text(&mut self.profile),
            "region" => text(&mut self.region),
            "version" => self.version = true,
            "color" => text(&mut self.color),
            "no-sign-request" => self.no_sign_request = true,
            "ca-bundle" => text(&mut self.ca_bundle),
            "cli-read-timeout" => text(&mut self.cli_read_timeout),
            "cli-connect-timeout" => text(&mut self.cli_connect_timeout),
            "cli-binary-format" => text(&mut self.cli_binary_format),
            "no-cli-pager" => self.no_cli_pager = true,
            "cli-auto-prompt" => self.cli_auto_prompt = true,
            "no-cli-auto-prompt" => self.no_cli_auto_prompt = true,
            "cli-error-format" => text(&mut self.cli_error_format),
            _ => return false,
        }
        true
    }

    /// The setting `key` of the profile this command line uses (`--profile`, else `AWS_PROFILE`,
    /// else `default`): the one way every profile setting the command line needs is read
    /// (`output`, `cli_error_format`, `cli_auto_prompt`, `cli_pager`), so that they come from the
    /// profile the request uses.
    pub fn profile_setting(&self, key: &str) -> Option<String> {
        connect_core::wire::client::profile_setting(self.profile.as_deref(), key)
    }

    /// The global options of a command line that clap has parsed.
    pub(crate) fn from_matches(matches: &ArgMatches) -> GlobalOptions {
        let mut globals = GlobalOptions::default();
        for g in GLOBALS {
            if g.takes_value {
                if let Some(v) = matches.get_one::<String>(g.name) {
                    globals.set(g.name, Some(v.clone()));
                }
            } else if matches.contains_id(g.name) {
                globals.set(g.name, None);
            }
        }
        globals
    }

    /// The global options of a command line that may not parse (to report its error in the
    /// asked format, or to decide whether to prompt), found as the parser finds them: by exact
    /// name or unambiguous prefix ([`resolve_global`]), before or after the operation, the last
    /// one winning. On a command line that parses, the same as what [`crate::command::parse`] gives.
    pub fn scan(args: &[String]) -> GlobalOptions {
        let mut globals = GlobalOptions::default();
        let mut i = 0;
        while i < args.len() {
            let arg = &args[i];
            i += 1;
            let Some(rest) = arg.strip_prefix("--") else { continue };
            let (name, inline) = rest.split_once('=').map_or((rest, None), |(n, v)| (n, Some(v.to_owned())));
            let Some(g) = resolve_global(name) else { continue };
            if !g.takes_value {
                globals.set(g.name, None);
            } else if let Some(v) = inline {
                globals.set(g.name, Some(v));
            } else if let Some(v) = args.get(i) {
                globals.set(g.name, Some(v.clone()));
                i += 1;
            }
        }
        globals
    }
}

/// The global option that `--name` stands for: the one named exactly so, else the only one whose
/// name it begins (argparse's `allow_abbrev`, on in the AWS CLI, where the global options are
/// parsed first and on their own, so `--p` is `--profile` even for an operation with a
/// `--page-size`).
pub fn resolve_global(name: &str) -> Option<&'static Global> {
    if name.is_empty() {
        return None;
    }
    let exact = GLOBALS.iter().find(|g| g.name == name);
    exact.or_else(|| {
        let mut prefixed = GLOBALS.iter().filter(|g| g.name.starts_with(name));
        match (prefixed.next(), prefixed.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    })
}

/// The arguments with every abbreviated global option spelled out (`--prof x` becomes
/// `--profile x`), so that clap, and everything after it, sees the global options as the AWS
/// CLI's first parser does. The values of global options are left as they are.
pub(crate) fn spell_out_globals(args: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let Some(rest) = arg.strip_prefix("--") else {
            out.push(arg.clone());
            continue;
        };
        let (name, inline) = rest.split_once('=').map_or((rest, None), |(n, v)| (n, Some(v)));
        let Some(g) = resolve_global(name) else {
            out.push(arg.clone());
            continue;
        };
        match inline {
            Some(v) => out.push(format!("--{}={v}", g.name)),
            None => out.push(format!("--{}", g.name)),
        }
        if g.takes_value && inline.is_none() {
            if let Some(v) = args.get(i) {
                out.push(v.clone());
                i += 1;
            }
        }
    }
    out
}

/// The global options as clap arguments, accepted before or after the operation.
pub(crate) fn global_args() -> Vec<Arg> {
    GLOBALS
        .iter()
        .map(|g| {
            let arg = Arg::new(g.name).long(g.name).global(true);
            if g.takes_value {
                let arg = arg.num_args(1).allow_hyphen_values(true).action(ArgAction::Set).value_name("value");
                if g.choices.is_empty() { arg } else { arg.value_parser(g.choices.to_vec()) }
            } else {
                // A flag with no default (unlike `SetTrue`'s `false`): clap then has nothing to
                // fill in and copy to the operation's matches when it is absent, which is most of
                // the parse of a short command line.
                arg.num_args(0).default_missing_value("true").action(ArgAction::Set)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_global_option_has_a_field() {
        for g in GLOBALS {
            let value = g.takes_value.then(|| "v".to_owned());
            let mut globals = GlobalOptions::default();
            assert!(globals.set(g.name, value), "--{} has no field in GlobalOptions", g.name);
            assert_ne!(globals, GlobalOptions::default(), "--{}", g.name);
        }
    }

    #[test]
    fn only_unambiguous_prefixes_name_a_global_option() {
        assert_eq!(resolve_global("prof").map(|g| g.name), Some("profile"));
        assert_eq!(resolve_global("p").map(|g| g.name), Some("profile"));
        assert_eq!(resolve_global("output").map(|g| g.name), Some("output"));
        // --no-verify-ssl, --no-paginate, --no-sign-request, --no-cli-pager, ...
        assert!(resolve_global("no").is_none());
        assert!(resolve_global("cli").is_none());
        assert!(resolve_global("").is_none());
        assert!(resolve_global("profiles").is_none());
    }
}
