//! HTTP connectors: rustls with ring, built on the first request, per proxy; the
//! `--no-verify-ssl` connector; the note of a proxy through which a connection failed.

use super::config::{DebugSink, ProxyFailure};
use std::sync::Arc;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;

use crate::wire::proxy::Proxy;

/// `--no-verify-ssl`, with where its warning goes.
#[derive(Clone)]
pub(super) struct Insecure(pub(super) Option<DebugSink>);

impl std::fmt::Debug for Insecure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Insecure")
    }
}

/// The HTTP client: rustls with ring, proxies ([`crate::wire::proxy`]), and the trusted roots, all built
/// on the first request: credentials from the environment never
/// connect anywhere, and a plain-HTTP endpoint (`plain_http`) never loads certificates at all.
#[derive(Debug, Clone)]
pub(super) struct LazyClient {
    pub(super) ca_bundle: Option<String>,
    pub(super) plain_http: bool,
    pub(super) proxies: Proxies,
    /// `--no-verify-ssl`: HTTPS goes through [`crate::wire::insecure`] instead.
    pub(super) insecure: Option<Insecure>,
    /// The clients built so far, by proxy.
    pub(super) built: Arc<std::sync::Mutex<ByProxy<SharedHttpClient>>>,
    /// The proxy through which a connection last failed.
    pub(super) proxy_failure: ProxyFailure,
}

impl LazyClient {
    pub(super) fn new(
        ca_bundle: Option<String>,
        plain_http: bool,
        proxies: Proxies,
        insecure: Option<Insecure>,
    ) -> LazyClient {
        LazyClient { ca_bundle, plain_http, proxies, insecure, built: Arc::default(), proxy_failure: Arc::default() }
    }

    /// The client for requests through `proxy` (or none).
    fn client(&self, proxy: &Option<Proxy>) -> SharedHttpClient {
        let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, client)) = built.iter().find(|(p, _)| p == proxy) {
            return client.clone();
        }
        let client = self.build(proxy.clone());
        built.push((proxy.clone(), client.clone()));
        client
    }

    fn build(&self, proxy: Option<Proxy>) -> SharedHttpClient {
        use aws_smithy_http_client::tls::{self, TlsContext, TrustStore};
        use aws_smithy_http_client::{Connector, proxy::ProxyConfig};
        let (ca_bundle, plain_http) = (self.ca_bundle.clone(), self.plain_http);
        aws_smithy_http_client::Builder::new().build_with_connector_fn(move |settings, components| {
            let mut builder = Connector::builder();
            builder.set_connector_settings(settings.cloned());
            if let Some(components) = components {
                builder.set_sleep_impl(components.sleep_impl());
            }
            // The proxy was chosen for the destination (NO_PROXY included); one that is not a
            // valid URL is used all the same, so that connecting fails as through an unreachable one.
            let proxy_config = match &proxy {
                Some(p) => ProxyConfig::all(p.connect_url()).unwrap_or_else(|_| unreachable_proxy()),
                None => ProxyConfig::disabled(),
            };
            let builder = builder.proxy_config(proxy_config);
            if plain_http {
                return builder.build_http();
            }
            // --ca-bundle and friends: only that bundle is trusted, as in the AWS CLI. A bundle
            // that cannot be read trusts nothing, so that the request fails rather than trusting
            // more (its presence was checked before).
            let trust = match &ca_bundle {
                Some(path) => TrustStore::empty()
                    .with_native_roots(false)
                    .with_pem_certificate(std::fs::read(path).unwrap_or_default()),
                None => TrustStore::default(),
            };
            let context = TlsContext::builder().with_trust_store(trust).build().unwrap_or_default();
            builder
                .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::Ring))
                .tls_context(context)
                .build()
        })
    }
}

/// Things made per proxy (a process meets one or two).
pub(super) type ByProxy<T> = Vec<(Option<Proxy>, T)>;

/// Which proxies a client uses, chosen as botocore chooses them ([`crate::wire::proxy`]).
#[derive(Debug, Clone)]
pub(super) enum Proxies {
    /// The operation's endpoint's, chosen once.
    Endpoint(Option<Proxy>),
    /// Each request's own: for the configuration's requests (SSO, STS, instance metadata),
    /// which go to several hosts.
    PerRequest,
}

/// A proxy nothing listens on: what an invalid proxy URL becomes (port 0 refuses connections).
pub(super) fn unreachable_proxy() -> aws_smithy_http_client::proxy::ProxyConfig {
    aws_smithy_http_client::proxy::ProxyConfig::all("http://127.0.0.1:0").expect("a valid URL")
}

impl HttpClient for LazyClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(LazyConnector {
            client: self.clone(),
            settings: settings.clone(),
            components: components.clone(),
            connectors: std::sync::Mutex::default(),
        })
    }
}

#[derive(Debug)]
pub(super) struct LazyConnector {
    client: LazyClient,
    settings: HttpConnectorSettings,
    components: RuntimeComponents,
    /// The connectors made so far, by proxy.
    connectors: std::sync::Mutex<ByProxy<SharedHttpConnector>>,
}

impl HttpConnector for LazyConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let proxy = match &self.client.proxies {
            Proxies::Endpoint(proxy) => proxy.clone(),
            Proxies::PerRequest => Proxy::for_configuration_request(request.uri(), |name| std::env::var(name).ok()),
        };
        let connector = {
            let mut connectors = self.connectors.lock().unwrap_or_else(|e| e.into_inner());
            match connectors.iter().find(|(p, _)| *p == proxy) {
                Some((_, connector)) => connector.clone(),
                None => {
                    let connector = match &self.client.insecure {
                        Some(Insecure(warn)) if !self.client.plain_http => SharedHttpConnector::new(
                            crate::wire::insecure::InsecureConnector::new(&self.settings, proxy.as_ref(), warn.clone()),
                        ),
                        _ => self.client.client(&proxy).http_connector(&self.settings, &self.components),
                    };
                    connectors.push((proxy.clone(), connector.clone()));
                    connector
                }
            }
        };
        let Some(proxy) = proxy else { return connector.call(request) };
        let failure = self.client.proxy_failure.clone();
        let sent = connector.call(request);
        HttpConnectorFuture::new(async move {
            let result = sent.await;
            if result.as_ref().is_err_and(|e| e.is_io()) {
                *failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(proxy.masked());
            }
            result
        })
    }
}
