//! The AWS functions of the endpoint rules besides `aws.partition`: `aws.parseArn` and
//! `aws.isVirtualHostableS3Bucket`.

use serde_json::{Map, Value};

use super::url::{is_ipv4, is_valid_host_label};

/// `aws.isVirtualHostableS3Bucket`: whether `bucket` can be a virtual host label: a valid host
/// label (or dot-separated labels with `allow_subdomains`) whose labels are 3 to 63 lower-case
/// letters, digits and hyphens, start and end with a letter or digit, and do not look like an
/// IPv4 address.
pub fn is_virtual_hostable_s3_bucket(bucket: &str, allow_subdomains: bool) -> bool {
    let segment_ok = |s: &str| {
        let b = s.as_bytes();
        let edge = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        (3..=63).contains(&b.len())
            && b.first().is_some_and(edge)
            && b.last().is_some_and(edge)
            && b.iter().all(|c| edge(c) || *c == b'-' || *c == b'.')
            && !s.contains(".-")
            && !s.contains("-.")
            && !is_ipv4(s)
    };
    if !is_valid_host_label(bucket, allow_subdomains) {
        return false;
    }
    if allow_subdomains { bucket.split('.').all(segment_ok) } else { segment_ok(bucket) }
}

/// The result of `aws.parseArn`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    /// The partition (`aws`).
    pub partition: String,
    /// The service namespace (`connect`).
    pub service: String,
    /// The region, empty for global resources.
    pub region: String,
    /// The account, empty where the ARN has none.
    pub account_id: String,
    /// The resource, split at every `:` and `/`.
    pub resource_id: Vec<String>,
}

impl Arn {
    pub(super) fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("partition".into(), Value::from(self.partition.as_str()));
        m.insert("service".into(), Value::from(self.service.as_str()));
        m.insert("region".into(), Value::from(self.region.as_str()));
        m.insert("accountId".into(), Value::from(self.account_id.as_str()));
        m.insert("resourceId".into(), Value::Array(self.resource_id.iter().map(|s| Value::from(s.as_str())).collect()));
        Value::Object(m)
    }
}

/// `aws.parseArn`: `arn:partition:service:region:account-id:resource`, where partition, service
/// and resource are not empty; `None` otherwise.
pub fn parse_arn(input: &str) -> Option<Arn> {
    let mut parts = input.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let (partition, service, region, account_id, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    Some(Arn {
        partition: partition.into(),
        service: service.into(),
        region: region.into(),
        account_id: account_id.into(),
        resource_id: resource.split([':', '/']).map(String::from).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_buckets() {
        assert!(is_virtual_hostable_s3_bucket("my-bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("ab", false));
        assert!(!is_virtual_hostable_s3_bucket("My-Bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("bucket-", false));
        assert!(!is_virtual_hostable_s3_bucket("my.bucket", false));
        assert!(is_virtual_hostable_s3_bucket("abc.bucket.xyz", true));
        // Every label must itself be a bucket name of at least 3 characters.
        assert!(!is_virtual_hostable_s3_bucket("my.bucket.abc", true));
        assert!(!is_virtual_hostable_s3_bucket("192.168.0.1", true));
        assert!(!is_virtual_hostable_s3_bucket("abc.-def", true));
    }

    #[test]
    fn arns() {
        let a = parse_arn("arn:aws:s3:us-west-2:123456789012:accesspoint/myendpoint:x").unwrap();
        assert_eq!(a.partition, "aws");
        assert_eq!(a.region, "us-west-2");
        assert_eq!(a.account_id, "123456789012");
        assert_eq!(a.resource_id, ["accesspoint", "myendpoint", "x"]);
        let a = parse_arn("arn:aws:iam:::role/r").unwrap();
        assert_eq!((a.region.as_str(), a.account_id.as_str()), ("", ""));
        for bad in
            ["", "arn", "arn:aws:s3:r:a", "arn::s3:r:a:res", "arn:aws::r:a:res", "arn:aws:s3:r:a:", "urn:aws:s3:r:a:x"]
        {
            assert_eq!(parse_arn(bad), None, "{bad}");
        }
    }
}
