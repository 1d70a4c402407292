//! `--no-verify-ssl`: an HTTP connector that accepts any server certificate.
//!
//! aws-smithy-http-client has no switch for this, so this connector is hyper-util's client with
//! hyper-rustls over a rustls configuration (ring) whose certificate verifier accepts every
//! certificate; handshake signatures are still checked against the certificate presented, as
//! OpenSSL does with verification off. The connect timeout is the TCP connector's, the read
//! timeout bounds the wait for the response head. The endpoint's proxy ([`crate::wire::proxy`]) is used
//! as on the verified path: HTTPS goes through it with a `CONNECT` tunnel.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorFuture, HttpConnectorSettings};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioExecutor;
use hyper_util::rt::TokioIo;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::wire::client::DebugSink;

/// The warning urllib3 gives (as `InsecureRequestWarning`) for each host reached without
/// certificate verification.
pub fn warning(host: &str) -> String {
    format!(
        "InsecureRequestWarning: Unverified HTTPS request is being made to host '{host}'. Adding certificate \
         verification is strongly advised. See: https://urllib3.readthedocs.io/en/latest/advanced-usage.html#tls-warnings"
    )
}

/// Accepts any certificate; checks handshake signatures.
#[derive(Debug)]
struct AcceptAnyCertificate(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

type HyperClient = Client<hyper_rustls::HttpsConnector<ProxiedTcp>, SdkBody>;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// TCP to the destination, or through a `CONNECT` tunnel of the endpoint's proxy; TLS then runs
/// inside.
#[derive(Clone)]
struct ProxiedTcp {
    tcp: TcpConnector,
    /// The endpoint's proxy, for every destination (hyper-util's matcher reads the credentials of
    /// its URL for `Proxy-Authorization`).
    proxy: Option<Arc<Matcher>>,
}

impl tower_service::Service<http::Uri> for ProxiedTcp {
    type Response = TokioIo<tokio::net::TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.tcp.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: http::Uri) -> Self::Future {
        let Some(matcher) = &self.proxy else {
            let connecting = self.tcp.call(dst);
            return Box::pin(async move { connecting.await.map_err(Into::into) });
        };
        // A proxy URL the matcher cannot use fails the connection, as on the verified path.
        let Some(proxy) = matcher.intercept(&dst) else {
            return Box::pin(async move { Err("the proxy URL cannot be used".into()) });
        };
        if proxy.uri().scheme_str() == Some("https") {
            let message = format!("an https:// proxy ({}) cannot be used with --no-verify-ssl", proxy.uri());
            return Box::pin(async move { Err(message.into()) });
        }
        let mut tunnel = Tunnel::new(proxy.uri().clone(), self.tcp.clone());
        if let Some(auth) = proxy.basic_auth() {
            tunnel = tunnel.with_auth(auth.clone());
        }
        let connecting = tunnel.call(dst);
        Box::pin(async move { connecting.await.map_err(Into::into) })
    }
}

/// The connector of `--no-verify-ssl`.
#[derive(Clone)]
pub(crate) struct InsecureConnector {
    client: Result<HyperClient, String>,
    read_timeout: Option<Duration>,
    warn: Option<DebugSink>,
}

/// Whether the warning was given: once a process, as Python shows a warning once.
static WARNED: OnceLock<()> = OnceLock::new();

impl std::fmt::Debug for InsecureConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InsecureConnector").field("read_timeout", &self.read_timeout).finish_non_exhaustive()
    }
}

impl InsecureConnector {
    pub(crate) fn new(
        settings: &HttpConnectorSettings,
        proxy: Option<&crate::wire::proxy::Proxy>,
        warn: Option<DebugSink>,
    ) -> InsecureConnector {
        InsecureConnector { client: hyper_client(settings, proxy), read_timeout: settings.read_timeout(), warn }
    }
}

fn hyper_client(
    settings: &HttpConnectorSettings,
    proxy: Option<&crate::wire::proxy::Proxy>,
) -> Result<HyperClient, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = AcceptAnyCertificate(provider.signature_verification_algorithms);
    let config = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider) as Arc<CryptoProvider>)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let mut tcp = TcpConnector::new();
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(settings.connect_timeout());
    let proxy = proxy.map(|p| Arc::new(Matcher::builder().all(p.connect_url()).build()));
    let proxied = ProxiedTcp { tcp, proxy };
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .wrap_connector(proxied);
    Ok(Client::builder(TokioExecutor::new()).build(https))
}

impl HttpConnector for InsecureConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let this = self.clone();
        HttpConnectorFuture::new(async move {
            let client = this.client.as_ref().map_err(|e| ConnectorError::other(e.clone().into(), None))?;
            let request = request.try_into_http1x().map_err(|e| ConnectorError::other(e.into(), None))?;
            if request.uri().scheme_str() == Some("https") {
                if let (Some(sink), Some(host)) = (&this.warn, request.uri().host()) {
                    if WARNED.set(()).is_ok() {
                        sink(&warning(host));
                    }
                }
            }
            let sent = client.request(request);
            let response = match this.read_timeout {
                Some(limit) => tokio::time::timeout(limit, sent)
                    .await
                    .map_err(|_| ConnectorError::timeout("HTTP read timeout occurred".into()))?,
                None => sent.await,
            };
            let response = response.map_err(|e| {
                if e.is_connect() { ConnectorError::io(e.into()) } else { ConnectorError::other(e.into(), None) }
            })?;
            HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                .map_err(|e| ConnectorError::other(e.into(), None))
        })
    }
}
