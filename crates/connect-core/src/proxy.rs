//! The proxy for an endpoint, chosen as botocore chooses it (`botocore.utils.get_environ_proxies`
//! over Python's `urllib.request`): `https_proxy` for HTTPS endpoints and `http_proxy` for HTTP,
//! each also in upper case (the lower-case variable wins, even when empty), unless `no_proxy`
//! names the endpoint's host or a domain above it, or is `*`. `ALL_PROXY` is not used. The
//! container credentials endpoint is reached directly, as botocore's `ContainerMetadataFetcher`
//! does.

/// A proxy chosen for an endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    /// The proxy URL, with `http://` added when it names no scheme (as botocore does).
    pub url: String,
}

impl Proxy {
    /// The proxy for `endpoint` (a URL), reading variables with `var`.
    pub fn for_endpoint(endpoint: &str, var: impl Fn(&str) -> Option<String>) -> Option<Proxy> {
        let (scheme, rest) = endpoint.split_once("://")?;
        let netloc = rest.split(['/', '?', '#']).next().unwrap_or_default();
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
        let container = match var("AWS_CONTAINER_CREDENTIALS_FULL_URI").filter(|v| !v.is_empty()) {
            Some(full) => Some(full),
            None => var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").map(|_| "http://169.254.170.2".to_owned()),
        };
        if container.is_some_and(|c| origin(&c) == origin(url)) {
            return None;
        }
        Proxy::for_endpoint(url, var)
    }

    /// The URL with its user name and password replaced by `***`, for messages
    /// (`botocore.httpsession.mask_proxy_url`).
    pub fn masked(&self) -> String {
        let Some((_, rest)) = self.url.split_once("://") else { return self.url.clone() };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let Some((userinfo, _)) = authority.rsplit_once('@') else { return self.url.clone() };
        let (user, password) = match userinfo.split_once(':') {
            Some((u, p)) => (u, Some(p)),
            None => (userinfo, None),
        };
        let mut masked = self.url.clone();
        // As botocore: the first occurrence of each, wherever it is.
        if !user.is_empty() {
            masked = masked.replacen(user, "***", 1);
        }
        if let Some(p) = password.filter(|p| !p.is_empty()) {
            masked = masked.replacen(p, "***", 1);
        }
        masked
    }
}

/// `scheme://host[:port]` of a URL, in lower case.
fn origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let netloc = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{netloc}").to_lowercase()
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
    no_proxy.split(',').map(|n| n.trim().trim_start_matches('.').to_lowercase()).filter(|n| !n.is_empty()).any(|name| {
        let dotted = format!(".{name}");
        host_only == name || host == name || host_only.ends_with(&dotted) || host.ends_with(&dotted)
    })
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
    fn masked_hides_the_credentials() {
        let masked = |url: &str| Proxy { url: url.to_owned() }.masked();
        assert_eq!(masked("http://user:secret@p:1"), "http://***:***@p:1");
        assert_eq!(masked("http://user@p:1"), "http://***@p:1");
        assert_eq!(masked("http://p:1"), "http://p:1");
    }
}
