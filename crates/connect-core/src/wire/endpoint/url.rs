//! `parseURL` and `isValidHostLabel`: URLs and host names as the endpoint rules see them.

use serde_json::{Map, Value};

/// The result of `parseURL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    /// `http` or `https`.
    pub scheme: String,
    /// Host and port, as written.
    pub authority: String,
    /// The path, as written.
    pub path: String,
    /// The path ending in `/` (`/` for an empty path).
    pub normalized_path: String,
    /// Whether the host is an IPv4 or IPv6 address.
    pub is_ip: bool,
}

impl Url {
    pub(super) fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("scheme".into(), Value::from(self.scheme.as_str()));
        m.insert("authority".into(), Value::from(self.authority.as_str()));
        m.insert("path".into(), Value::from(self.path.as_str()));
        m.insert("normalizedPath".into(), Value::from(self.normalized_path.as_str()));
        m.insert("isIp".into(), Value::from(self.is_ip));
        Value::Object(m)
    }
}

/// `parseURL`: splits an `http` or `https` URL; `None` when it is not one, or has a query or a
/// fragment.
pub fn parse_url(input: &str) -> Option<Url> {
    let (scheme, rest) = input.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    if rest.contains(['?', '#']) || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let host_port = match authority.rsplit_once('@') {
        Some((_, hp)) => hp,
        None => authority,
    };
    let (host, port, is_ip) = if let Some(v6) = host_port.strip_prefix('[') {
        let (addr, after) = v6.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        if addr.is_empty() || !addr.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
            return None;
        }
        (addr, port, true)
    } else {
        let (host, port) = match host_port.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        };
        let host_ok = host.chars().all(|c| c.is_ascii_alphanumeric() || "-._~%!$&'()*+,;=".contains(c));
        if !host_ok {
            return None;
        }
        (host, port, is_ipv4(host))
    };
    if host.is_empty() {
        return None;
    }
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err() {
            return None;
        }
    }
    let normalized_path = if path.is_empty() {
        "/".to_string()
    } else if path.ends_with('/') {
        path.to_string()
    } else {
        format!("{path}/")
    };
    Some(Url { scheme, authority: authority.to_string(), path: path.to_string(), normalized_path, is_ip })
}

/// Whether `host` is a dotted-quad IPv4 address.
pub(super) fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// `isValidHostLabel`: 1 to 63 ASCII letters, digits and hyphens, not starting with a hyphen;
/// with `allow_subdomains`, dot-separated labels of that form.
pub fn is_valid_host_label(label: &str, allow_subdomains: bool) -> bool {
    if allow_subdomains {
        return label.split('.').all(|l| is_valid_host_label(l, false));
    }
    let bytes = label.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes[0].is_ascii_alphanumeric()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_url_cases() {
        let u = parse_url("https://example.com").unwrap();
        assert_eq!(
            u,
            Url {
                scheme: "https".into(),
                authority: "example.com".into(),
                path: "".into(),
                normalized_path: "/".into(),
                is_ip: false
            }
        );
        let u = parse_url("http://example.com:8443/foo/bar").unwrap();
        assert_eq!(
            (u.authority.as_str(), u.path.as_str(), u.normalized_path.as_str()),
            ("example.com:8443", "/foo/bar", "/foo/bar/")
        );
        let u = parse_url("https://example.com/").unwrap();
        assert_eq!((u.path.as_str(), u.normalized_path.as_str()), ("/", "/"));
        assert!(parse_url("http://127.0.0.1:8000/p/").unwrap().is_ip);
        assert!(parse_url("https://[fe80::1]").unwrap().is_ip);
        assert!(parse_url("https://[fe80::1]:443/x").unwrap().is_ip);
        assert!(!parse_url("https://127.0.0.256").unwrap().is_ip);
        assert!(!parse_url("https://1.2.3").unwrap().is_ip);
        for bad in [
            "example.com",
            "ftp://example.com",
            "https://example.com?x=1",
            "https://example.com/a?b",
            "https://example.com#frag",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "https://example.com:",
            "https://example.com:99999",
            "https://example.com:8a",
            "https://[fe80::1",
            "https://[zz]",
            "",
        ] {
            assert_eq!(parse_url(bad), None, "{bad}");
        }
    }

    #[test]
    fn host_labels() {
        assert!(is_valid_host_label("us-east-1", false));
        assert!(is_valid_host_label("a", false));
        assert!(is_valid_host_label(&"a".repeat(63), false));
        assert!(!is_valid_host_label(&"a".repeat(64), false));
        assert!(!is_valid_host_label("", false));
        assert!(!is_valid_host_label("-abc", false));
        assert!(!is_valid_host_label("a.b", false));
        assert!(is_valid_host_label("a.b", true));
        assert!(!is_valid_host_label("a..b", true));
        assert!(!is_valid_host_label("a_b", false));
        assert!(!is_valid_host_label("ünï", false));
    }
}
