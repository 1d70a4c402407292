//! AWS partition data and the `aws.partition` lookup, with the tiny regex matcher it needs.
//!
//! The table holds public facts about the AWS partitions, taken from botocore's `partitions.json`
//! (version 1.1). A region resolves to the partition that lists it, else to the first partition
//! whose `regionRegex` matches it, else to `aws`.

use serde_json::{Map, Value};

/// One AWS partition: the outputs of `aws.partition` plus how regions are matched to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// The partition id, such as `aws-cn`; `aws.partition` returns it as `name`.
    pub name: &'static str,
    /// The regular expression that matches the partition's region names.
    pub region_regex: &'static str,
    /// The region names the partition lists, sorted.
    pub regions: &'static [&'static str],
    pub dns_suffix: &'static str,
    pub dual_stack_dns_suffix: &'static str,
    pub supports_fips: bool,
    pub supports_dual_stack: bool,
    pub implicit_global_region: &'static str,
}

/// The partitions, in the order of botocore's `partitions.json`; the first is the default `aws`.
pub static PARTITIONS: &[Partition] = &[
    Partition {
        name: "aws",
        region_regex: r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$",
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-east-1",
    },
    Partition {
        name: "aws-cn",
        region_regex: r"^cn\-\w+\-\d+$",
        regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "cn-northwest-1",
    },
    Partition {
        name: "aws-eusc",
        region_regex: r"^eusc\-(de)\-\w+\-\d+$",
        regions: &["eusc-de-east-1"],
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "eusc-de-east-1",
    },
    Partition {
        name: "aws-iso",
        region_regex: r"^us\-iso\-\w+\-\d+$",
        regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-iso-east-1",
    },
    Partition {
        name: "aws-iso-b",
        region_regex: r"^us\-isob\-\w+\-\d+$",
        regions: &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-isob-east-1",
    },
    Partition {
        name: "aws-iso-e",
        region_regex: r"^eu\-isoe\-\w+\-\d+$",
        regions: &["aws-iso-e-global", "eu-isoe-west-1"],
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "eu-isoe-west-1",
    },
    Partition {
        name: "aws-iso-f",
        region_regex: r"^us\-isof\-\w+\-\d+$",
        regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-isof-south-1",
    },
    Partition {
        name: "aws-us-gov",
        region_regex: r"^us\-gov\-\w+\-\d+$",
        regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-gov-west-1",
    },
];

impl Partition {
    /// The record `aws.partition` returns.
    pub fn outputs(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), Value::from(self.name));
        m.insert("dnsSuffix".into(), Value::from(self.dns_suffix));
        m.insert("dualStackDnsSuffix".into(), Value::from(self.dual_stack_dns_suffix));
        m.insert("supportsFIPS".into(), Value::from(self.supports_fips));
        m.insert("supportsDualStack".into(), Value::from(self.supports_dual_stack));
        m.insert("implicitGlobalRegion".into(), Value::from(self.implicit_global_region));
        Value::Object(m)
    }
}

/// The partition of `region`: the one listing it, else the first whose region regex matches,
/// else `aws`.
pub fn partition_for(region: &str) -> &'static Partition {
    if let Some(p) = PARTITIONS.iter().find(|p| p.regions.binary_search(&region).is_ok()) {
        return p;
    }
    if let Some(p) = PARTITIONS.iter().find(|p| Regex::parse(p.region_regex).is_some_and(|re| re.is_match(region))) {
        return p;
    }
    &PARTITIONS[0]
}

/// A regular expression of the small subset the partition table uses: `^` and `$` anchors,
/// literal characters, the escapes `\w` (ASCII word character), `\d` (ASCII digit) and `\` +
/// punctuation, `.`, the quantifiers `+`, `*` and `?` on single characters, and groups with
/// alternatives `(a|b)`, optionally followed by `?`. Anything else does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regex {
    anchored_start: bool,
    anchored_end: bool,
    alternatives: Vec<Vec<Node>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Node {
    atom: Atom,
    min: usize,
    /// `None`: unbounded.
    max: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Atom {
    Literal(char),
    Word,
    Digit,
    Any,
    Group(Vec<Vec<Node>>),
}

impl Atom {
    fn matches(&self, c: char) -> bool {
        match self {
            Atom::Literal(l) => *l == c,
            Atom::Word => c.is_ascii_alphanumeric() || c == '_',
            Atom::Digit => c.is_ascii_digit(),
            Atom::Any => c != '\n',
            Atom::Group(_) => false,
        }
    }
}

/// Groups nest at most this deep, so parsing a hostile pattern cannot exhaust the stack.
const MAX_GROUP_DEPTH: usize = 8;

impl Regex {
    /// Parses `pattern`; `None` when it uses syntax outside the supported subset.
    pub fn parse(pattern: &str) -> Option<Regex> {
        let mut chars: Vec<char> = pattern.chars().collect();
        let anchored_start = chars.first() == Some(&'^');
        if anchored_start {
            chars.remove(0);
        }
        // A trailing `$` is an anchor unless it is escaped (preceded by an odd number of `\`).
        let mut anchored_end = false;
        if chars.last() == Some(&'$') {
            let backslashes = chars[..chars.len() - 1].iter().rev().take_while(|c| **c == '\\').count();
            if backslashes % 2 == 0 {
                anchored_end = true;
                chars.pop();
            }
        }
        let mut pos = 0;
        let alternatives = parse_alternatives(&chars, &mut pos, 0)?;
        if pos != chars.len() {
            return None;
        }
        Some(Regex { anchored_start, anchored_end, alternatives })
    }

    /// Whether the expression matches `input` (the whole of it when anchored at both ends).
    pub fn is_match(&self, input: &str) -> bool {
        let input: Vec<char> = input.chars().collect();
        let starts: Vec<usize> = if self.anchored_start { vec![0] } else { (0..=input.len()).collect() };
        let end = self.anchored_end;
        starts.into_iter().any(|start| {
            self.alternatives.iter().any(|alt| match_seq(alt, &input, start, &mut |p| !end || p == input.len()))
        })
    }
}

fn parse_alternatives(chars: &[char], pos: &mut usize, depth: usize) -> Option<Vec<Vec<Node>>> {
    let mut alternatives = vec![Vec::new()];
    while let Some(&c) = chars.get(*pos) {
        let atom = match c {
            ')' => break,
            '|' => {
                *pos += 1;
                alternatives.push(Vec::new());
                continue;
            }
            '(' => {
                if depth >= MAX_GROUP_DEPTH {
                    return None;
                }
                *pos += 1;
                let inner = parse_alternatives(chars, pos, depth + 1)?;
                if chars.get(*pos) != Some(&')') {
                    return None;
                }
                Atom::Group(inner)
            }
            '\\' => {
                *pos += 1;
                match chars.get(*pos)? {
                    'w' => Atom::Word,
                    'd' => Atom::Digit,
                    e if e.is_ascii_punctuation() => Atom::Literal(*e),
                    _ => return None,
                }
            }
            '.' => Atom::Any,
            '[' | ']' | '{' | '}' | '+' | '*' | '?' | '^' | '$' => return None,
            c => Atom::Literal(c),
        };
        *pos += 1;
        let (min, max) = match chars.get(*pos) {
            Some('+') => (1, None),
            Some('*') => (0, None),
            Some('?') => (0, Some(1)),
            _ => (1, Some(1)),
        };
        if max != Some(1) || min != 1 {
            *pos += 1;
            // Only `?` may follow a group: repeated groups would need unbounded recursion.
            if matches!(atom, Atom::Group(_)) && max != Some(1) {
                return None;
            }
        }
        alternatives.last_mut()?.push(Node { atom, min, max });
    }
    Some(alternatives)
}

/// Matches `nodes` at `pos`, then calls `rest` with each end position until it accepts one.
/// Recursion depth is bounded by the size of the pattern, not of the input.
fn match_seq(nodes: &[Node], input: &[char], pos: usize, rest: &mut dyn FnMut(usize) -> bool) -> bool {
    let Some((node, tail)) = nodes.split_first() else {
        return rest(pos);
    };
    match &node.atom {
        Atom::Group(alternatives) => {
            let matched = alternatives
                .iter()
                .any(|alt| match_seq(alt, input, pos, &mut |p| match_seq(tail, input, p, &mut *rest)));
            matched || (node.min == 0 && match_seq(tail, input, pos, rest))
        }
        atom => {
            let max = node.max.unwrap_or(usize::MAX);
            let available = input.get(pos..).unwrap_or_default();
            let count = available.iter().take(max).take_while(|c| atom.matches(**c)).count();
            (node.min..=count).rev().any(|n| match_seq(tail, input, pos + n, rest))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &str) -> Regex {
        Regex::parse(p).unwrap_or_else(|| panic!("pattern {p} does not parse"))
    }

    #[test]
    fn every_partition_regex_parses() {
        for p in PARTITIONS {
            assert!(Regex::parse(p.region_regex).is_some(), "{}", p.region_regex);
        }
    }

    #[test]
    fn region_lists_are_sorted_for_binary_search() {
        for p in PARTITIONS {
            assert!(p.regions.windows(2).all(|w| w[0] < w[1]), "{}", p.name);
        }
    }

    #[test]
    fn aws_regex() {
        let r = re(r"^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$");
        for ok in ["us-east-1", "eu-west-3", "mx-central-1", "ap-southeast-12", "us-foo_bar-9"] {
            assert!(r.is_match(ok), "{ok}");
        }
        for bad in [
            "us-east-",
            "us-east-1a",
            "xx-east-1",
            "us-gov-west-1",
            "eu-isoe-west-1",
            "cn-north-1",
            "us-east1",
            "",
            "us-ëast-1",
            "aus-east-1",
            " us-east-1",
        ] {
            assert!(!r.is_match(bad), "{bad}");
        }
    }

    #[test]
    fn other_forms() {
        assert!(re(r"^eusc\-(de)\-\w+\-\d+$").is_match("eusc-de-east-1"));
        assert!(!re(r"^eusc\-(de)\-\w+\-\d+$").is_match("eusc-fr-east-1"));
        assert!(re("ab?c*").is_match("xxa"));
        assert!(re("^a(b|cd)?e$").is_match("ae"));
        assert!(re("^a(b|cd)?e$").is_match("acde"));
        assert!(!re("^a(b|cd)?e$").is_match("abcde"));
        assert!(re("^a.c$").is_match("a-c"));
        assert!(re(r"^a\$$").is_match("a$"));
        assert!(re(r"\d+$").is_match("abc123"));
        assert!(!re(r"^\d+").is_match("abc123"));
    }

    #[test]
    fn unsupported_syntax_does_not_parse() {
        for p in [r"^[a-z]+$", r"(ab)+", r"a{2}", r"\s", "(a", "a)", "+a", r"\", "((((((((((a))))))))))"] {
            assert_eq!(Regex::parse(p), None, "{p}");
        }
    }

    #[test]
    fn long_inputs_do_not_blow_the_stack() {
        let r = re(r"^(us|eu)\-\w+\-\d+$");
        let long = format!("us-{}-1", "a-".repeat(2000));
        assert!(!r.is_match(&long));
        assert!(r.is_match(&format!("us-{}-1", "a".repeat(100_000))));
    }

    #[test]
    fn partitions() {
        let name = |r: &str| partition_for(r).name;
        assert_eq!(name("us-east-1"), "aws");
        assert_eq!(name("aws-global"), "aws");
        assert_eq!(name("eu-south-7"), "aws");
        assert_eq!(name("cn-north-1"), "aws-cn");
        assert_eq!(name("cn-south-9"), "aws-cn");
        assert_eq!(name("us-gov-west-1"), "aws-us-gov");
        assert_eq!(name("us-gov-north-3"), "aws-us-gov");
        assert_eq!(name("us-iso-east-1"), "aws-iso");
        assert_eq!(name("us-isob-east-1"), "aws-iso-b");
        assert_eq!(name("eu-isoe-west-1"), "aws-iso-e");
        assert_eq!(name("us-isof-south-1"), "aws-iso-f");
        assert_eq!(name("eusc-de-east-1"), "aws-eusc");
        assert_eq!(name("xx-foo-1"), "aws");
        assert_eq!(name(""), "aws");
        assert_eq!(partition_for("us-gov-east-1").dns_suffix, "amazonaws.com");
        assert_eq!(partition_for("cn-north-1").dual_stack_dns_suffix, "api.amazonwebservices.com.cn");
    }
}
