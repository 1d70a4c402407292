//! Oracle test of `connect_cli::output`: every document below is formatted by our formatters and
//! by the installed AWS CLI's (one `python3` process for all cases), and the outputs must be equal
//! byte for byte. The test fails, listing every difference, when they differ or when the oracle is
//! missing (`.ci/run` installs it).
//!
//! - json, text, table: `awscli.formatter.get_formatter(fmt, args)` of the installed AWS CLI v1,
//!   whose `formatter.py`, `text.py` and `table.py` implement the same algorithms as v2's (v2 @
//!   2.36.7 differs only in string formatting syntax). Colour off; stdout of the oracle is a pipe,
//!   so `determine_terminal_width` gives 80 as for a v2 CLI whose stdout is not a terminal.
//! - table, also in colour and at other widths ([`TABLE_VARIANTS`]): the oracle's
//!   `determine_terminal_width` answers the width a terminal would (the ioctl it makes cannot be
//!   made on a pipe), `--color on` gives the AWS CLI's `ColorizedStyler`, and a table written to
//!   standard output goes through colorama's `AnsiToWin32(..., autoreset=True)` wrapper, which
//!   `colorama.init` puts around stdout, while one written to the pager does not.
//! - yaml, yaml-stream: v1 has no YAML output. The script carries v2's `YAMLDumper`,
//!   `YAMLFormatter` and `StreamedYAMLFormatter` logic over `ruamel.yaml` `YAML(typ='safe')` on
//!   the libyaml C emitter (`ruamel.yaml.clib`), which is what v2 runs. Without ruamel.yaml and
//!   its C emitter the test fails and says what to install.
//! - `--query`: cases with a query compile it with Python's `jmespath` for the oracle and go
//!   through `apply_query` here.
//! - The text formatter streams: when Python raises part way, the output so far and the message
//!   are compared with `try_render`'s error.

use std::io::Write;
use std::process::{Command, Stdio};

use connect_cli::output::{DEFAULT_TERMINAL_WIDTH, Format, Terminal, apply_query, try_render};
use serde_json::{Value, json};

const FORMATS: [(&str, Format); 5] = [
    ("json", Format::Json),
    ("text", Format::Text),
    ("table", Format::Table),
    ("yaml", Format::Yaml),
    ("yaml-stream", Format::YamlStream),
];

/// The table drawn for other terminals: name, width, colour, written straight to stdout (else
/// to the pager).
const TABLE_VARIANTS: [(&str, usize, bool, bool); 9] = [
    ("color on, to the pager", DEFAULT_TERMINAL_WIDTH, true, false),
    ("color on, to stdout", DEFAULT_TERMINAL_WIDTH, true, true),
    ("color on, to stdout, 40 columns", 40, true, true),
    ("0 columns", 0, false, false),
    ("20 columns", 20, false, false),
    ("45 columns", 45, false, false),
    ("100 columns", 100, false, false),
    ("132 columns", 132, false, false),
    ("250 columns, color on, to the pager", 250, true, false),
];

const ORACLE: &str = r#"
import io, json, sys, argparse
import jmespath
import awscli.table
from awscli.formatter import get_formatter
from colorama.ansitowin32 import AnsiToWin32

# colorama.init (a coloured table calls it) replaces sys.stdout; the answer goes to the real one.
out = sys.stdout
# The real one: the oracle's stdout is a pipe, so it gives 80.
determine_terminal_width = awscli.table.determine_terminal_width

try:
    from ruamel.yaml import YAML
    import ruamel.yaml.main
except ImportError as e:
    sys.exit(f'ruamel.yaml is not installed ({e})')
if ruamel.yaml.main.CEmitter is None:
    sys.exit('ruamel.yaml has no C emitter (ruamel.yaml.clib is not installed)')
_yaml = YAML(typ='safe')
_yaml.encoding = None
_yaml.representer.default_flow_style = False
def yaml_dump_collection(value, stream):
    _yaml.dump(value, stream)
yaml_oracle = 'ruamel.yaml %s (C emitter) as in AWS CLI v2' % ruamel.yaml.__version__

# AWS CLI v2 awscli/formatter.py YAMLDumper.dump
def yaml_dump(value, stream):
    if value is None or isinstance(value, (int, float, bool, str)):
        json.dump(value, stream, ensure_ascii=False)
        stream.write('\n')
    else:
        yaml_dump_collection(value, stream)

def run(case, fmt):
    awscli.table.determine_terminal_width = determine_terminal_width
    query = jmespath.compile(case['query']) if case.get('query') is not None else None
    doc = json.loads(json.dumps(case['doc']))
    stream = io.StringIO()
    try:
        if fmt in ('yaml', 'yaml-stream'):
            value = query.search(doc) if query is not None else doc
            if value != {}:
                yaml_dump(value if fmt == 'yaml' else [value], stream)
        else:
            args = argparse.Namespace(query=query, color='off')
            get_formatter(fmt, args)(case['op'], doc, stream=stream)
        return {'output': stream.getvalue(), 'error': None}
    except Exception as e:
        return {'output': stream.getvalue(), 'error': str(e)}

def run_table(case, variant):
    query = jmespath.compile(case['query']) if case.get('query') is not None else None
    doc = json.loads(json.dumps(case['doc']))
    awscli.table.determine_terminal_width = lambda default_width=80: variant['width']
    raw = io.StringIO()
    # What colorama.init wraps stdout in (convert is off where the oracle runs: not Windows).
    stream = AnsiToWin32(raw, strip=False, autoreset=True).stream if variant['stdout'] else raw
    try:
        args = argparse.Namespace(query=query, color='on' if variant['color'] else 'off')
        get_formatter('table', args)(case['op'], doc, stream=stream)
        return {'output': raw.getvalue(), 'error': None}
    except Exception as e:
        return {'output': raw.getvalue(), 'error': str(e)}

cases = json.load(sys.stdin)
results = [
    {
        'formats': {fmt: run(case, fmt) for fmt in case['formats']},
        'tables': [run_table(case, v) for v in case['tables']],
    }
    for case in cases
]
json.dump({'yaml_oracle': yaml_oracle, 'results': results}, out)
"#;

struct Case {
    name: &'static str,
    op: &'static str,
    doc: Value,
    query: Option<&'static str>,
}

fn case(name: &'static str, doc: Value) -> Case {
    Case { name, op: "DescribeThing", doc, query: None }
}

fn query(name: &'static str, doc: Value, q: &'static str) -> Case {
    Case { query: Some(q), ..case(name, doc) }
}

fn cases() -> Vec<Case> {
    let long = "The quick brown fox jumps over the lazy dog and keeps running far beyond the edge of any terminal window that might show it";
    let long_word = "x".repeat(130);
    vec![
        case("empty response", json!({})),
        case(
            "flat scalars in response order",
            json!({"Zeta": "z", "Alpha": 1, "Mid": true, "Beta": null, "Float": 1.5}),
        ),
        case("single scalar key", json!({"UserId": "abc-123"})),
        case(
            "nested map",
            json!({"User": {"Id": "u1", "Arn": "arn:aws:connect:us-east-1:111:instance/i/agent/u1", "IdentityInfo": {"FirstName": "Mary", "LastName": "Major"}}}),
        ),
        case(
            "list of dicts",
            json!({"UserSummaryList": [{"Id": "1", "Username": "alice"}, {"Id": "2", "Username": "bob"}], "NextToken": "tok"}),
        ),
        case(
            "list of dicts with differing keys",
            json!({"Items": [{"A": 1, "B": "two"}, {"B": "b", "C": 3.25}, {"D": false}]}),
        ),
        case(
            "list of dicts with nested values",
            json!({"Queues": [{"Name": "q1", "Tags": {"k": "v"}, "Ids": ["a", "b"]}, {"Name": "q2", "Ids": []}, {"Name": "q3", "Tags": {"x": "y", "z": "w"}}]}),
        ),
        case(
            "list of scalars",
            json!({"Names": ["a", "b", "c"], "Numbers": [1, 2.5, -3], "Flags": [true, false, null]}),
        ),
        case("empty list and dict values", json!({"Empty": [], "Nothing": {}, "Name": "n", "Other": "o"})),
        case("nested lists", json!({"Matrix": [[1, 2], [3, 4]], "Ragged": [["a"], ["b"]], "Mixed": [1, [2, 3], "x"]})),
        case("list of lists of dicts", json!({"Groups": [[{"a": 1}, {"a": 2}], [{"b": "x"}]]})),
        case(
            "unicode",
            json!({"Name": "Zoë Ångström", "City": "東京", "Emoji": "smile \u{1F600}", "Greek": "αβγ", "Key€": "euro", "Combining": "e\u{301}"}),
        ),
        case(
            "numbers",
            json!({"Int": 42, "Neg": -7, "Zero": 0, "Big": 12345678901234567890u64, "Float": 0.1, "Whole": 2.0, "Tiny": 1e-7, "Huge": 1e20, "NegZero": -0.0}),
        ),
        case("booleans and nulls", json!({"T": true, "F": false, "N": null, "List": [null, true]})),
        case("long strings", json!({"Description": long, "Token": long_word, "Short": "s"})),
        case(
            "long strings in a list of dicts",
            json!({"Rows": [{"Name": "first", "Description": long}, {"Name": "second", "Description": "short"}]}),
        ),
        case(
            "wide table turns vertical",
            json!({"Info": {"FirstName": "Maria-Theresa-Walburga-Amalia", "LastName": "Habsburg-Lothringen-Este", "Email": "maria.theresa@example.com", "Mobile": "+4312345678"}}),
        ),
        case(
            "yaml special strings",
            json!({"Bools": ["true", "False", "yes", "no", "on", "off", "y", "n"], "Nums": ["1", "-2", "3.5", "1e5", "0x1F", "0o17", "012", ".inf", ".5", "1_000", "+1"], "Nulls": ["null", "~", "", "NULL"], "Dates": ["2024-01-31", "2024-01-31T12:00:00+00:00", "2024-01-31 12:00:00.5 Z"], "Other": ["<<", "=", "!", "*", "&"]}),
        ),
        case(
            "yaml indicators",
            json!({"Items": ["- dash", "-dash", "a: b", "a:b", "#hash", "x #y", "x#y", "? q", "?q", ":", "@at", "`tick", "'single'", "\"double\"", "%pct", "|pipe", ">gt", "[br", "{br", "a,b", "---", "...", "!bang", "&amp", "*star", " lead", "trail ", "it's"]}),
        ),
        case(
            "yaml multiline and control",
            json!({"Text": "line1\nline2", "Trailing": "end\n", "Tab": "a\tb", "CR": "a\r\nb", "Bell": "\u{7}", "Nel": "a\u{85}b", "Nbsp": "a\u{a0}b", "LS": "a\u{2028}b", "Bom": "\u{feff}x", "Backslash": "a\\b", "Quote": "say \"hi\""}),
        ),
        case("long keys", json!({("K".repeat(130)): "long key", "Multi\nline": "key with newline", "": "empty key"})),
        case(
            "long quoted strings fold",
            json!({"Single": format!("#{long}"), "Double": format!("{long}\t!"), "Spaces": format!("{long}   {long}")}),
        ),
        case("deep nesting", json!({"A": {"B": {"C": {"D": [{"E": {"F": ["g"]}}]}}}})),
        case(
            "scalar key alongside nested",
            json!({"Instance": {"Id": "i-1", "Attributes": {"InboundCalls": true, "OutboundCalls": false}, "Tags": [{"Key": "k", "Value": "v"}]}}),
        ),
        case("top-level list values only", json!({"A": [{"x": [1]}, {"x": [2]}]})),
        case(
            "mixed key in list of dicts",
            json!({"L": [{"k": 1, "n": "a"}, {"k": [1, 2], "n": "b"}, {"k": {"z": 1}, "n": "c"}]}),
        ),
        case("dict items in scalar list", json!({"L": [1, {"a": 2}]})),
        case("falsy nested values", json!({"Zero": 0, "EmptyStr": "", "F": false, "Nested": {"Zero": 0, "Empty": ""}})),
        query("query multi-select hash", json!({}), "{a: `1`, b: 'x'}"),
        query("query null result", json!({"A": 1}), "Missing"),
        query("query string result", json!({"A": "hello"}), "A"),
        query("query number result", json!({"A": 2.5}), "A"),
        query("query list result", json!({"Users": [{"Name": "a"}, {"Name": "b"}]}), "Users[].Name"),
        query("query empty list result", json!({"Users": []}), "Users"),
        query("query boolean result", json!({"A": true}), "A"),
        query("query keeps response order", json!({"User": {"Zeta": 1, "Alpha": 2}}), "User"),
        query("query list of lists", json!({"U": [{"a": 1, "b": 2}, {"a": 3, "b": 4}]}), "U[].[a, b]"),
        case("ragged rows fail in table", json!({"M": [[1, 2], [3]]})),
        case("mixed list fails in text", json!({"A": "first", "L": [{"x": 1}, 2]})),
    ]
}

#[test]
fn formatters_match_the_aws_cli() {
    let cases = cases();
    let input: Vec<Value> = cases
        .iter()
        .map(|c| {
            json!({
                "op": c.op,
                "doc": c.doc,
                "query": c.query,
                "formats": FORMATS.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
                "tables": TABLE_VARIANTS
                    .iter()
                    .map(|(_, width, color, stdout)| json!({"width": width, "color": color, "stdout": stdout}))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let oracle = run_oracle(&serde_json::to_string(&input).expect("cases serialize"));
    let yaml_oracle = oracle["yaml_oracle"].as_str().unwrap_or("?").to_owned();
    let results = oracle["results"].as_array().expect("oracle results");
    assert_eq!(results.len(), cases.len(), "oracle answered a different number of cases");

    let mut failures = Vec::new();
    let mut compared = 0;
    for (c, result) in cases.iter().zip(results) {
        let value = match c.query {
            Some(q) => match apply_query(q, &c.doc) {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!("[{}] query {q}: {e}", c.name));
                    continue;
                }
            },
            None => c.doc.clone(),
        };
        let plain = Terminal::default();
        let tables = TABLE_VARIANTS.iter().zip(result["tables"].as_array().expect("table variants")).map(
            |((variant, width, color, stdout), want)| {
                let terminal = Terminal { width: *width, color: *color, reset_after_writes: *stdout };
                (format!("table, {variant}"), Format::Table, terminal, want)
            },
        );
        let formats = FORMATS.iter().map(|(name, format)| (name.to_string(), *format, plain, &result["formats"][name]));
        for (name, format, terminal, want) in formats.chain(tables) {
            compared += 1;
            let want_output = want["output"].as_str().unwrap_or_default();
            let want_error = want["error"].as_str();
            let (got_output, got_error) = match try_render(format, &value, c.op, &terminal) {
                Ok(text) => (text, None),
                Err(e) => (e.partial, Some(e.message)),
            };
            if got_output != want_output || got_error.as_deref() != want_error {
                failures.push(format!(
                    "[{}] --output {name}{}\n--- aws cli{}:\n{want_output}\n--- ours{}:\n{got_output}\n",
                    c.name,
                    c.query.map(|q| format!(" --query {q}")).unwrap_or_default(),
                    want_error.map(|e| format!(" (error: {e})")).unwrap_or_default(),
                    got_error.map(|e| format!(" (error: {e})")).unwrap_or_default(),
                ));
            }
        }
    }
    eprintln!("compared {compared} outputs of {} documents; yaml oracle: {yaml_oracle}", cases.len());
    assert!(failures.is_empty(), "{} of {compared} outputs differ:\n\n{}", failures.len(), failures.join("\n"));
}

fn run_oracle(input: &str) -> Value {
    let mut child = Command::new("python3")
        .args(["-c", ORACLE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the oracle needs python3 with the AWS CLI and ruamel.yaml: pip install -r .ci/requirements.txt (.ci/run does)");
    // An oracle that is missing a module exits before reading: its message comes first.
    let written = child.stdin.take().expect("stdin").write_all(input.as_bytes());
    let out = child.wait_with_output().expect("oracle output");
    assert!(
        out.status.success(),
        "the oracle failed; it needs the AWS CLI and ruamel.yaml with its C emitter: pip install -r .ci/requirements.txt (.ci/run does):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    written.expect("write cases");
    serde_json::from_slice(&out.stdout).expect("oracle JSON")
}

/// `--query` syntax: every expression below compiles here exactly when Python's `jmespath` (the
/// AWS CLI's) compiles it. The crate we parse with skips a missing comma between the elements of
/// a list or the arguments of a function; Python does not.
#[test]
fn query_syntax_matches_python_jmespath() {
    let exprs = [
        "[a, b]",
        "[a b]",
        "[a @]",
        "[@@]",
        "[a, @, `1`, 'x', \"q\"]",
        "[a 'x']",
        "[a `1`]",
        "[a \"q\"]",
        "[a &b]",
        "[a && b]",
        "[a || b, c]",
        "length(a b)",
        "length(a, b)",
        "sort_by(@, &a)",
        "sort_by(@ &a)",
        "[[a] [b]]",
        "[[a], [b]]",
        "[a[0] b]",
        "[a[] b]",
        "[a.* b]",
        "[a[*] b]",
        "[(a) b]",
        "[{x: a} b]",
        "[a [0]]",
        "[a[?b] c]",
        "{x: a b}",
        "{x: [a b]}",
        "a b",
        "a @",
        "[*] a",
        "a[1:2] b",
        "[a, b][0]",
        "[a ,b]",
        "[a , b ]",
        "[length(a b)]",
        "length([a b])",
        "[length(a) b]",
        "[sort_by(@, &a) &b]",
        "[a,\tb]",
        "[a\nb]",
        "!a",
        "[!a, !b]",
        "[!a !b]",
        "[-1]",
        "a[-1]",
    ];
    let script = "import json, sys, jmespath\n\
        out = []\n\
        for e in json.load(sys.stdin):\n\
        \x20   try:\n\
        \x20       jmespath.compile(e); out.append(True)\n\
        \x20   except Exception:\n\
        \x20       out.append(False)\n\
        json.dump(out, sys.stdout)\n";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the oracle needs python3 with jmespath: pip install -r .ci/requirements.txt (.ci/run does)");
    let _ = child.stdin.take().expect("stdin").write_all(json!(exprs.to_vec()).to_string().as_bytes());
    let out = child.wait_with_output().expect("oracle output");
    assert!(
        out.status.success(),
        "the oracle failed; it needs jmespath: pip install -r .ci/requirements.txt (.ci/run does):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let python: Vec<bool> = serde_json::from_slice(&out.stdout).expect("oracle answer");
    let differ: Vec<String> = exprs
        .iter()
        .zip(&python)
        .filter_map(|(e, &p)| {
            let ours = connect_cli::output::check_query(e);
            (ours.is_ok() != p)
                .then(|| format!("{e:?}: python {}, ours {ours:?}", if p { "compiles" } else { "rejects" }))
        })
        .collect();
    assert!(python.iter().any(|&p| p) && python.iter().any(|&p| !p), "the cases test both outcomes");
    assert!(differ.is_empty(), "{} expressions differ:\n{}", differ.len(), differ.join("\n"));
}
