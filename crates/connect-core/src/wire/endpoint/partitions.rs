//! The `aws.partition` function: which AWS partition a region belongs to, from the partition
//! table that `cargo xtask codegen` writes from `models/partitions.json`.
//!
//! A region resolves to the partition that lists it, else to the first partition whose
//! `regionRegex` matches it, else to the first partition (`aws`). The regular expressions are
//! compiled with `regex-lite` on the first lookup of a region that no partition lists, never at
//! start-up.

use std::sync::OnceLock;

use regex_lite::Regex;
use serde_json::{Map, Value};

pub use crate::generated::partitions::PARTITIONS;

/// One AWS partition: the outputs of `aws.partition` plus how regions are matched to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// The partition id, such as `aws-cn`; `aws.partition` returns it as `name`.
    pub name: &'static str,
    /// The regular expression that matches the partition's region names.
    pub region_regex: &'static str,
    /// The region names the partition lists, sorted.
    pub regions: &'static [&'static str],
    /// The DNS suffix of the partition's endpoints (`dnsSuffix`).
    pub dns_suffix: &'static str,
    /// The DNS suffix of its dual-stack endpoints (`dualStackDnsSuffix`).
    pub dual_stack_dns_suffix: &'static str,
    /// Whether the partition has FIPS endpoints (`supportsFIPS`).
    pub supports_fips: bool,
    /// Whether the partition has dual-stack endpoints (`supportsDualStack`).
    pub supports_dual_stack: bool,
    /// The region that global services of the partition are in (`implicitGlobalRegion`).
    pub implicit_global_region: &'static str,
}

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

/// The partitions' region patterns, compiled once, in the order of [`PARTITIONS`]; `None` for a
/// pattern that does not compile (it matches nothing; a test checks that every pattern compiles).
fn region_regexes() -> &'static [Option<Regex>] {
    static COMPILED: OnceLock<Vec<Option<Regex>>> = OnceLock::new();
    COMPILED.get_or_init(|| PARTITIONS.iter().map(|p| Regex::new(p.region_regex).ok()).collect())
}

/// The partition of `region`: the one listing it, else the first whose region regex matches,
/// else the first (`aws`).
pub fn partition_for(region: &str) -> &'static Partition {
    if let Some(p) = PARTITIONS.iter().find(|p| p.regions.binary_search(&region).is_ok()) {
        return p;
    }
    let matched = PARTITIONS
        .iter()
        .zip(region_regexes())
        .find(|(_, re)| re.as_ref().is_some_and(|re| re.is_match(region)))
        .map(|(p, _)| p);
    matched.unwrap_or(&PARTITIONS[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_partition_regex_compiles() {
        for (p, re) in PARTITIONS.iter().zip(region_regexes()) {
            assert!(re.is_some(), "{}: {}", p.name, p.region_regex);
        }
    }

    #[test]
    fn region_lists_are_sorted_for_binary_search() {
        for p in PARTITIONS {
            assert!(p.regions.windows(2).all(|w| w[0] < w[1]), "{}", p.name);
        }
    }

    /// The `aws` pattern, as regex-lite reads it: `\w` and `\d` are ASCII only, `$` is the end of
    /// the text.
    #[test]
    fn aws_regex() {
        let aws = PARTITIONS.iter().zip(region_regexes()).find(|(p, _)| p.name == "aws").unwrap();
        let r = aws.1.as_ref().unwrap();
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
            "us-east-1\n",
        ] {
            assert!(!r.is_match(bad), "{bad}");
        }
    }

    #[test]
    fn long_regions_are_matched() {
        assert_eq!(partition_for(&format!("us-{}-1", "a-".repeat(2000))).name, "aws");
        assert_eq!(partition_for(&format!("cn-{}-1", "a".repeat(100_000))).name, "aws-cn");
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
        assert_eq!(name("eusc-fr-east-1"), "aws");
        assert_eq!(name("xx-foo-1"), "aws");
        assert_eq!(name(""), "aws");
        assert_eq!(partition_for("us-gov-east-1").dns_suffix, "amazonaws.com");
        assert_eq!(partition_for("cn-north-1").dual_stack_dns_suffix, "api.amazonwebservices.com.cn");
    }
}
