//! The proxy for an endpoint, chosen as botocore chooses it (`botocore.utils.get_environ_proxies`
//! over Python's `urllib.request`): `https_proxy` for HTTPS endpoints and `http_proxy` for HTTP,
//! each also in upper case (the lower-case variable wins, even when empty), unless `no_proxy`
//! names the endpoint's host or a domain above it, or is `*`. `ALL_PROXY` is not used. The
//! container credentials endpoint is reached directly, as botocore's `ContainerMetadataFetcher`
//! does.

/// A proxy chosen for an endpoint. Its Debug form masks the credentials, as [`Proxy::masked`].
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The proxy URL, with `http://` added when it names no scheme (as botocore does).
    pub url: String,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy").field("url", &self.masked()).finish()
    }
}

impl Proxy {
    /// The proxy for `endpoint` (a URL), reading variables with `var`.
    pub fn for_endpoint(endpoint: &str, var: impl Fn(&str) -> Option<String>) -> Option<Proxy> {
        if !endpoint.contains("://") {
            return None;
        }
        let Parts { scheme, host: netloc, .. } = Parts::of(endpoint);
        // Python ignores HTTP_PROXY (upper case) in a CGI script, where a client could set it.
        let cgi = var("REQUEST_METHOD").is_some();
        let setting = |name: &str| -> Option<String> {
            let lower = format!("{name}_proxy");
            match var(&lower) {
                Some(value) => Some(value).filter(|v| !v.is_empty()),
                None if name == "http" && cgi => None,
                None => var(&lower.to_uppercase()).filter(|v| !v.is_empty()),
            }
        };
        let url = setting(&scheme.to_ascii_lowercase())?;
        if setting("no").is_some_and(|no_proxy| bypass(&no_proxy, netloc)) {
            return None;
        }
        let url = if url.starts_with("http:") || url.starts_with("https:") {
            url
        } else if url.starts_with("//") {
            format!("http:{url}")
        } else {
            format!("http://{url}")
        };
        Some(Proxy { url })
    }

    /// The proxy for a request the configuration makes (SSO, STS, instance metadata): as for an
    /// endpoint, but none for the container credentials endpoint.
    pub fn for_configuration_request(url: &str, var: impl Fn(&str) -> Option<String>) -> Option<Proxy> {
        // The relative URI wins when both are set, as in botocore and aws-config.
        let container = match var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            Some(_) => Some("http://169.254.170.2".to_owned()),
            None => var("AWS_CONTAINER_CREDENTIALS_FULL_URI").filter(|v| !v.is_empty()),
        };
        if container.is_some_and(|c| origin(&c) == origin(url)) {
            return None;
        }
        Proxy::for_endpoint(url, var)
    }

    /// The URL to connect through: the user name and password percent-encoded, and kept only
    /// when both are given (botocore sends `Proxy-Authorization` only then).
    pub fn connect_url(&self) -> String {
        let parts = Parts::of(&self.url);
        match parts.credentials() {
            Some((user, password)) => {
                format!("{}://{}:{}@{}{}", parts.scheme, encode(&user), encode(&password), parts.host, parts.rest)
            }
            None => format!("{}://{}{}", parts.scheme, parts.host, parts.rest),
        }
    }

    /// The URL with its user name and password replaced by `***`, for messages (as
    /// `botocore.httpsession.mask_proxy_url`, but by position, so that no part of a password can
    /// show): everything between `://` and the last `@`.
    pub fn masked(&self) -> String {
        let Some((scheme, rest)) = self.url.split_once("://") else { return self.url.clone() };
        let Some((userinfo, host)) = rest.rsplit_once('@') else { return self.url.clone() };
        let stars = if userinfo.contains(':') { "***:***" } else { "***" };
        format!("{scheme}://{stars}@{host}")
    }
}

/// A URL taken apart as Python's `urlparse` does: the user information is what comes before
/// the last `@` of the network location, the password what follows its first `:`.
struct Parts<'a> {
    scheme: &'a str,
    userinfo: Option<&'a str>,
    host: &'a str,
    rest: &'a str,
}

impl<'a> Parts<'a> {
    fn of(url: &'a str) -> Parts<'a> {
        let (scheme, after) = url.split_once("://").unwrap_or(("http", url));
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        let (netloc, rest) = after.split_at(end);
        let (userinfo, host) = match netloc.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, netloc),
        };
        Parts { scheme, userinfo, host, rest }
    }

    /// The decoded user name and password, when both are non-empty.
    fn credentials(&self) -> Option<(String, String)> {
        let (user, password) = self.userinfo?.split_once(':')?;
        let (user, password) = (decode(user), decode(password));
        (!user.is_empty() && !password.is_empty()).then_some((user, password))
    }
}

/// Percent-decoding, as Python's `unquote` (invalid UTF-8 replaced).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|b| hex(*b)), bytes.get(i + 2).and_then(|b| hex(*b))) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encoding of everything but RFC 3986's unreserved characters.
fn encode(text: &str) -> String {
    crate::wire::endpoint::uri_encode(text)
}

/// `scheme://host[:port]` of a URL, in lower case.
fn origin(url: &str) -> String {
    let Parts { scheme, host, .. } = Parts::of(url);
    format!("{scheme}://{host}").to_lowercase()
}

/// Python's `proxy_bypass_environment`: whether `no_proxy` exempts `netloc` (`host[:port]`).
fn bypass(no_proxy: &str, netloc: &str) -> bool {
    if no_proxy == "*" {
        return true;
    }
    let host = netloc.to_lowercase();
    let host_only = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h.to_owned(),
        _ => host.clone(),
    };
    // As Python: an empty entry is skipped, then leading dots go (so "." matches names ending in a dot).
    no_proxy.split(',').map(str::trim).filter(|n| !n.is_empty()).map(|n| n.trim_start_matches('.').to_lowercase()).any(
        |name| {
            let dotted = format!(".{name}");
            host_only == name || host == name || host_only.ends_with(&dotted) || host.ends_with(&dotted)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(endpoint: &str, vars: &[(&str, &str)]) -> Option<String> {
        let var = |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned());
        Proxy::for_endpoint(endpoint, var).map(|p| p.url)
    }

    const HTTPS: &str = "https://connect.us-east-1.amazonaws.com/users/x";

    #[test]
    fn the_variable_of_the_endpoint_scheme_lower_case_first() {
        assert_eq!(proxy(HTTPS, &[("HTTPS_PROXY", "http://p:1")]).as_deref(), Some("http://p:1"));
        assert_eq!(
            proxy(HTTPS, &[("https_proxy", "http://a:1"), ("HTTPS_PROXY", "http://b:1")]).as_deref(),
            Some("http://a:1")
        );
        // An empty lower-case variable turns the proxy off.
        assert_eq!(proxy(HTTPS, &[("https_proxy", ""), ("HTTPS_PROXY", "http://b:1")]), None);
        assert_eq!(proxy(HTTPS, &[("HTTP_PROXY", "http://p:1"), ("ALL_PROXY", "http://p:2")]), None);
        assert_eq!(proxy("http://127.0.0.1:5000", &[("HTTP_PROXY", "http://p:1")]).as_deref(), Some("http://p:1"));
        assert_eq!(proxy("http://127.0.0.1:5000", &[("HTTP_PROXY", "http://p:1"), ("REQUEST_METHOD", "GET")]), None);
        assert_eq!(
            proxy("http://127.0.0.1:5000", &[("http_proxy", "http://p:1"), ("REQUEST_METHOD", "GET")]).as_deref(),
            Some("http://p:1")
        );
    }

    #[test]
    fn a_url_without_scheme_gets_http() {
        assert_eq!(proxy(HTTPS, &[("HTTPS_PROXY", "p:3128")]).as_deref(), Some("http://p:3128"));
        assert_eq!(proxy(HTTPS, &[("HTTPS_PROXY", "//p:3128")]).as_deref(), Some("http://p:3128"));
        assert_eq!(proxy(HTTPS, &[("HTTPS_PROXY", "https://p:3128")]).as_deref(), Some("https://p:3128"));
    }

    #[test]
    fn no_proxy_matches_hosts_and_domains() {
        let with = |no: &str| proxy(HTTPS, &[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", no)]);
        for bypassed in ["*", "amazonaws.com", ".amazonaws.com", "x, AMAZONAWS.COM", "connect.us-east-1.amazonaws.com"]
        {
            assert_eq!(with(bypassed), None, "{bypassed}");
        }
        for kept in ["", "*.amazonaws.com", "zonaws.com", "example.com", "connect.us-east-1.amazonaws.com:80"] {
            assert!(with(kept).is_some(), "{kept}");
        }
        let local = |no: &str| proxy("http://127.0.0.1:5000/x", &[("HTTP_PROXY", "http://p:1"), ("no_proxy", no)]);
        assert_eq!(local("127.0.0.1"), None);
        assert_eq!(local("127.0.0.1:5000"), None);
        assert!(local("127.0.0.2").is_some());
    }

    #[test]
    fn the_container_credentials_endpoint_is_reached_directly() {
        let vars = |extra: (&'static str, &'static str)| {
            move |k: &str| {
                [("HTTP_PROXY", "http://p:1"), extra].iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
            }
        };
        let full = vars(("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds"));
        assert_eq!(Proxy::for_configuration_request("http://127.0.0.1:9/creds", full), None);
        assert!(Proxy::for_configuration_request("http://127.0.0.1:10/x", full).is_some());
        let relative = vars(("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"));
        assert_eq!(Proxy::for_configuration_request("http://169.254.170.2/v2/creds", relative), None);
        assert!(Proxy::for_configuration_request("http://169.254.169.254/latest", relative).is_some());
    }

    #[test]
    fn debug_form_hides_the_credentials() {
        let proxy = Proxy { url: "http://user:s3cr3t@p:1".to_owned() };
        let shown = format!("{proxy:?} {:?}", Some(&proxy));
        assert!(!shown.contains("s3cr3t") && !shown.contains("user"), "{shown}");
        assert!(shown.contains("***:***@p:1"), "{shown}");
    }

    #[test]
    fn masked_hides_the_credentials() {
        let masked = |url: &str| Proxy { url: url.to_owned() }.masked();
        assert_eq!(masked("http://user:secret@p:1"), "http://***:***@p:1");
        assert_eq!(masked("http://user@p:1"), "http://***@p:1");
        assert_eq!(masked("http://p:1"), "http://p:1");
        // Where botocore's first-occurrence replacement would show the password `h`.
        assert_eq!(masked("http://admin:h@proxy"), "http://***:***@proxy");
        assert_eq!(masked("http://user:a/b@proxy"), "http://***:***@proxy");
    }

    #[test]
    fn credentials_are_split_as_python_splits_them() {
        let connect = |url: &str| Proxy { url: url.to_owned() }.connect_url();
        assert_eq!(connect("http://p:3128"), "http://p:3128");
        assert_eq!(connect("http://u:p@ss@p:3128/"), "http://u:p%40ss@p:3128/");
        assert_eq!(connect("http://u%20x:p%3Aw@p:3128"), "http://u%20x:p%3Aw@p:3128");
        // Without both a user name and a password, no credentials are sent.
        assert_eq!(connect("http://user@p:3128"), "http://p:3128");
        assert_eq!(connect("http://:pw@p:3128"), "http://p:3128");
        assert_eq!(connect("http://user:@p:3128"), "http://p:3128");
    }
}
