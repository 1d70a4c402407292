//! Sending one operation: configuration and credentials (aws-config's default chains), endpoint
//! resolution, SigV4 signing, retries and timeouts, all through aws-smithy-runtime's orchestrator
//! driven by the generic restJson1 serializer.
//!
//! Nothing here runs unless a request is sent: commands that only print build none of it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_runtime::auth::SigV4OperationSigningConfig;
use aws_runtime::auth::sigv4::{SCHEME_ID as SIGV4, SigV4AuthScheme};
use aws_runtime::invocation_id::InvocationIdInterceptor;
use aws_runtime::request_info::RequestInfoInterceptor;
use aws_runtime::retries::classifiers::AwsErrorCodeClassifier;
use aws_smithy_runtime::client::orchestrator::operation::Operation as SmithyOperation;
use aws_smithy_runtime::client::retries::classifiers::{HttpStatusCodeClassifier, TransientErrorClassifier};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::auth::AuthSchemeOptionResolverParams;
use aws_smithy_runtime_api::client::auth::static_resolver::StaticAuthSchemeOptionResolver;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextMut,
    BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::{RuntimeComponents, RuntimeComponentsBuilder};
use aws_smithy_runtime_api::client::runtime_plugin::StaticRuntimePlugin;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{ConfigBag, Layer};
use aws_smithy_types::error::metadata::{ErrorMetadata, ProvideErrorMetadata};
use aws_smithy_types::retry::{RetryConfig, RetryMode};
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::SigningName;
use aws_types::region::{Region, SigningRegion};

use crate::proxy::Proxy;
use aws_types::service_config::ServiceConfigKey;
use serde_json::{Map, Value};

use crate::endpoint::{self, EndpointParams};
use crate::model::{Operation, Service};
use crate::paginate::{self, PageError, Paging};
use crate::rest_json::{self, ServiceError};

/// Where log lines of `--debug` go.
pub type DebugSink = Arc<dyn Fn(&str) + Send + Sync>;

/// Settings from the command line; everything left `None` comes from the environment and the
/// AWS configuration files, as in the AWS CLI.
#[derive(Clone, Default)]
pub struct Settings {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// `--endpoint-url`, already checked to have a scheme.
    pub endpoint_url: Option<String>,
    /// `--no-sign-request` clears this.
    pub unsigned: bool,
    /// `None`: the AWS CLI's default of 60 seconds; `Some(ZERO)`: no timeout.
    pub connect_timeout: Option<Duration>,
    pub read_timeout: Option<Duration>,
    /// `--ca-bundle`: a PEM file of the only certificates to trust.
    pub ca_bundle: Option<String>,
    /// `--no-verify-ssl`: accept any server certificate.
    pub insecure: bool,
    /// Where warnings go (`--no-verify-ssl`'s `InsecureRequestWarning`).
    pub warn: Option<DebugSink>,
    /// The `User-Agent` header.
    pub user_agent: String,
    pub debug: Option<DebugSink>,
}

/// How sending failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    #[error("You must specify a region. You can also configure your region by running \"aws configure\".")]
    NoRegion,
    #[error("Unable to locate credentials. You can configure credentials by running \"aws login\".")]
    NoCredentials,
    /// `--profile` or `AWS_PROFILE` names a profile that neither configuration file has
    /// (botocore's `ProfileNotFound`, which the AWS CLI reports as a general error).
    #[error("The config profile ({0}) could not be found")]
    ProfileNotFound(String),
    /// A credential source that is configured but failed.
    #[error("{0}")]
    Credentials(String),
    /// The endpoint rules refused the configuration.
    #[error("{0}")]
    Endpoint(String),
    /// The input cannot be put on the wire.
    #[error(transparent)]
    Serialize(#[from] rest_json::SerializeError),
    /// The service answered with an error.
    #[error("An error occurred ({}) when calling the {operation} operation{}: {}", .error.code, retries_note(*.retries_exhausted, *.attempts), .error.message)]
    Service { operation: &'static str, error: ServiceError, attempts: u32, retries_exhausted: bool },
    #[error("Could not connect to the endpoint URL: \"{url}\"")]
    Connect { url: String },
    /// The proxy could not be reached, or refused the tunnel (`url` is masked).
    #[error("Failed to connect to proxy URL: \"{url}\"")]
    Proxy { url: String },
    /// The TLS handshake failed (an untrusted certificate, …).
    #[error("SSL validation failed for {url} {reason}")]
    Ssl { url: String, reason: String },
    #[error("Connect timeout on endpoint URL: \"{url}\"")]
    ConnectTimeout { url: String },
    #[error("Read timeout on endpoint URL: \"{url}\"")]
    ReadTimeout { url: String },
    #[error("Connection was closed before we received a valid response from endpoint URL: \"{url}\".")]
    Closed { url: String },
    #[error("{0}")]
    Other(String),
}

fn retries_note(exhausted: bool, attempts: u32) -> String {
    if exhausted { format!(" (reached max retries: {})", attempts.saturating_sub(1)) } else { String::new() }
}

/// A service error as the retry classifiers see it.
#[derive(Debug)]
struct OperationError {
    meta: ErrorMetadata,
    error: Box<ServiceError>,
}

impl std::fmt::Display for OperationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error.code, self.error.message)
    }
}

impl std::error::Error for OperationError {}

impl ProvideErrorMetadata for OperationError {
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

/// Error codes the AWS CLI's standard retry mode retries (besides 500, 502, 503, 504).
const RETRYABLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
    "RequestTimeout",
    "RequestTimeoutException",
];

fn is_retryable(error: &ServiceError) -> bool {
    matches!(error.status, 500 | 502 | 503 | 504) || RETRYABLE_CODES.contains(&error.code.as_str())
}

/// A setting of the selected profile in the AWS configuration files (`output`,
/// `cli_error_format`, …), read only when asked for.
pub fn profile_setting(profile: Option<&str>, key: &str) -> Option<String> {
    // Reading the files for the key's name is far cheaper than loading them, and most commands
    // ask for settings that are not there.
    if !config_files_mention(key) {
        return None;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().build().ok()?;
    let profiles = runtime
        .block_on(aws_config::profile::load(
            &aws_types::os_shim_internal::Fs::real(),
            &aws_types::os_shim_internal::Env::real(),
            &aws_runtime::env_config::file::EnvConfigFiles::default(),
            profile.map(|p| p.to_owned().into()),
        ))
        .ok()?;
    profiles.get(key).map(str::to_owned)
}

/// botocore's rule: a profile that was asked for (even `default`) must exist in the configuration
/// or credentials file; without one, a missing `default` profile is no error.
fn check_profile(profiles: &aws_config::profile::ProfileSet, explicit: bool) -> Result<(), SendError> {
    let name = profiles.selected_profile();
    if explicit && profiles.get_profile(name).is_none() {
        return Err(SendError::ProfileNotFound(name.to_owned()));
    }
    Ok(())
}

/// Whether the AWS configuration or credentials file may set `key`: false only when both files
/// are missing or neither contains the name.
fn config_files_mention(key: &str) -> bool {
    let home = std::env::var_os("HOME");
    let path = |var: &str, default: &str| -> Option<std::path::PathBuf> {
        match std::env::var(var) {
            Ok(p) => match p.strip_prefix("~/") {
                Some(rest) => home.as_ref().map(|h| std::path::Path::new(h).join(rest)),
                None => Some(p.into()),
            },
            Err(_) => home.as_ref().map(|h| std::path::Path::new(h).join(default)),
        }
    };
    let (Some(config), Some(credentials)) =
        (path("AWS_CONFIG_FILE", ".aws/config"), path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials"))
    else {
        // No home directory to find them in: let the loader decide.
        return true;
    };
    [config, credentials]
        .iter()
        .any(|p| std::fs::read(p).is_ok_and(|bytes| bytes.windows(key.len()).any(|w| w == key.as_bytes())))
}

/// Sends `op` with the (validated) `input` and returns the output document.
pub fn send(
    service: &'static Service,
    op: &'static Operation,
    input: &Map<String, Value>,
    settings: &Settings,
) -> Result<Map<String, Value>, SendError> {
    send_pages(service, op, input.clone(), settings, None)
}

/// Sends `op`, fetching every page when `paging` is given and the operation is paginated (see
/// [`crate::paginate`]), and returns the (merged) output document.
pub fn send_pages(
    service: &'static Service,
    op: &'static Operation,
    input: Map<String, Value>,
    settings: &Settings,
    paging: Option<&Paging>,
) -> Result<Map<String, Value>, SendError> {
    // Client-side problems come before any configuration is read.
    rest_json::serialize(op, &input)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .enable_io()
        .build()
        .map_err(|e| SendError::Other(format!("cannot start the I/O runtime: {e}")))?;
    let prepared = runtime.block_on(prepare(service, op, settings))?;
    let call = |input: &Map<String, Value>| runtime.block_on(prepared.invoke(op, input, settings));
    match paging {
        Some(paging) => paginate::run(op, input, paging, call).map_err(|e| match e {
            PageError::Send(e) => e,
            other => SendError::Other(other.to_string()),
        }),
        None => call(&input),
    }
}

/// What the configuration gives before a request is built.
struct Configured {
    ca_bundle: Option<String>,
    sdk: aws_types::SdkConfig,
    region: Region,
    /// The (masked) proxy through which a configuration request last failed to connect.
    proxy_failure: ProxyFailure,
}

/// Where a client notes the proxy through which a connection failed.
type ProxyFailure = Arc<std::sync::Mutex<Option<String>>>;

/// The profile, CA bundle, SDK configuration and region, with the errors botocore raises while it
/// creates a client: an unknown profile, no region.
async fn configure(settings: &Settings) -> Result<Configured, SendError> {
    let profiles = aws_config::profile::load(
        &aws_types::os_shim_internal::Fs::real(),
        &aws_types::os_shim_internal::Env::real(),
        &aws_runtime::env_config::file::EnvConfigFiles::default(),
        settings.profile.clone().map(Into::into),
    )
    .await
    .ok();
    let explicit_profile = settings.profile.is_some() || std::env::var_os("AWS_PROFILE").is_some_and(|v| !v.is_empty());
    if let Some(set) = &profiles {
        check_profile(set, explicit_profile)?;
    }
    // --ca-bundle, else AWS_CA_BUNDLE, else the profile's ca_bundle: then only that bundle is
    // trusted, as in the AWS CLI; else the system's roots, loaded when a connection needs them.
    let ca_bundle = settings
        .ca_bundle
        .clone()
        .or_else(|| std::env::var("AWS_CA_BUNDLE").ok().filter(|v| !v.is_empty()))
        .or_else(|| profiles.as_ref().and_then(|p| p.get("ca_bundle")).map(str::to_owned));
    if let Some(path) = &ca_bundle {
        std::fs::metadata(path).map_err(|e| SendError::Other(format!("Could not read the CA bundle {path}: {e}")))?;
    }
    // The configuration's own requests (SSO, STS, container and instance metadata) use HTTPS.
    let config_client = LazyClient::new(ca_bundle.clone(), false, Proxies::PerRequest, None);
    let proxy_failure = config_client.proxy_failure.clone();

    let mut loader = aws_config::defaults(BehaviorVersion::latest()).http_client(config_client);
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &settings.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if settings.unsigned {
        loader = loader.no_credentials();
    }
    let sdk = loader.load().await;
    let region = sdk.region().cloned().ok_or(SendError::NoRegion)?;
    Ok(Configured { ca_bundle, sdk, region, proxy_failure })
}

/// Checks what botocore checks when it creates a client, before it validates the parameters of a
/// call: the profile asked for exists, and there is a region. The AWS CLI reports these before a
/// parameter validation error.
pub fn check_configuration(settings: &Settings) -> Result<(), SendError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .enable_io()
        .build()
        .map_err(|e| SendError::Other(format!("cannot start the I/O runtime: {e}")))?;
    runtime.block_on(configure(settings)).map(drop)
}

/// An operation ready to be sent, as often as needed (once per page).
struct Prepared {
    operation: SmithyOperation<rest_json::Request, Map<String, Value>, OperationError>,
    base_url: String,
    /// The proxy requests go through, if any.
    proxy: Option<Proxy>,
    attempts: Arc<AtomicU32>,
    max_attempts: u32,
    /// The request `--debug` shows (with @sensitive values redacted), per invocation.
    shown: Arc<std::sync::Mutex<Option<rest_json::Request>>>,
}

/// Reads the configuration, resolves the endpoint and credentials, and builds the operation.
async fn prepare(
    service: &'static Service,
    op: &'static Operation,
    settings: &Settings,
) -> Result<Prepared, SendError> {
    let Configured { ca_bundle, sdk, region, proxy_failure } = configure(settings).await?;

    // The endpoint: --endpoint-url, else the configured ones, then the model's rules.
    let configured = settings.endpoint_url.clone().or_else(|| {
        sdk.service_config().and_then(|c| {
            c.load_config(
                ServiceConfigKey::builder()
                    .service_id(service.sdk_id)
                    .env("AWS_ENDPOINT_URL")
                    .profile("endpoint_url")
                    .build()
                    .ok()?,
            )
        })
    });
    let params = EndpointParams {
        region: Some(region.to_string()),
        use_fips: sdk.use_fips().unwrap_or(false),
        use_dual_stack: sdk.use_dual_stack().unwrap_or(false),
        endpoint: configured,
    };
    let endpoint =
        endpoint::resolve(service.endpoint_rule_set, &params).map_err(|e| SendError::Endpoint(e.to_string()))?;
    let base_url = endpoint.url.trim_end_matches('/').to_owned();

    let retry = sdk.retry_config().cloned().unwrap_or_else(RetryConfig::standard);
    let max_attempts = retry.max_attempts();
    let timeouts = {
        let default = Duration::from_secs(60);
        let mut b = TimeoutConfig::builder();
        match settings.connect_timeout.unwrap_or(default) {
            Duration::ZERO => b = b.disable_connect_timeout(),
            d => b = b.connect_timeout(d),
        }
        match settings.read_timeout.unwrap_or(default) {
            Duration::ZERO => b = b.disable_read_timeout(),
            d => b = b.read_timeout(d),
        }
        b.build()
    };

    let attempts = Arc::new(AtomicU32::new(0));
    let shown = Arc::new(std::sync::Mutex::new(None));
    let proxy = Proxy::for_endpoint(&base_url, |name| std::env::var(name).ok());
    let mut builder = SmithyOperation::builder()
        .service_name(service.sdk_id)
        .operation_name(op.name)
        .http_client(LazyClient::new(
            ca_bundle,
            base_url.starts_with("http://"),
            Proxies::Endpoint(proxy.clone()),
            settings.insecure.then(|| Insecure(settings.warn.clone())),
        ))
        .endpoint_url(&base_url)
        .timeout_config(timeouts)
        .standard_retry(&retry)
        .retry_classifier(HttpStatusCodeClassifier::default())
        .retry_classifier(TransientErrorClassifier::<OperationError>::new())
        .retry_classifier(AwsErrorCodeClassifier::<OperationError>::new())
        .interceptor(InvocationIdInterceptor::new())
        .interceptor(RequestInfoInterceptor::new())
        .interceptor(Client {
            user_agent: settings.user_agent.clone(),
            attempts: attempts.clone(),
            max_attempts,
            debug: settings.debug.clone().map(|sink| (sink, shown.clone())),
            mode: retry.mode(),
        });
    if settings.unsigned {
        builder = builder.no_auth();
    } else {
        let provider = sdk.credentials_provider().ok_or(SendError::NoCredentials)?;
        let credentials = provider.provide_credentials().await.map_err(|e| match e {
            CredentialsError::CredentialsNotLoaded(_) => SendError::NoCredentials,
            // As botocore's ProxyConnectionError, raised by the STS or SSO client.
            other => match proxy_failure.lock().unwrap_or_else(|e| e.into_inner()).take() {
                Some(url) => SendError::Proxy { url },
                None => SendError::Credentials(error_chain(&other)),
            },
        })?;
        let mut layer = Layer::new("aws-connect-sigv4");
        layer.store_put(AuthSchemeOptionResolverParams::new(()));
        layer.store_put(SigV4OperationSigningConfig {
            region: Some(SigningRegion::from(region.clone())),
            name: Some(SigningName::from_static(service.signing_name)),
            ..Default::default()
        });
        let components = RuntimeComponentsBuilder::new("aws-connect-sigv4")
            .with_auth_scheme(SigV4AuthScheme::new())
            .with_auth_scheme_option_resolver(Some(StaticAuthSchemeOptionResolver::new(vec![SIGV4])))
            .with_identity_resolver(SIGV4, SharedCredentialsProvider::new(credentials));
        builder = builder
            .runtime_plugin(StaticRuntimePlugin::new().with_config(layer.freeze()).with_runtime_components(components));
    }
    let operation = builder
        .serializer(move |req: rest_json::Request| {
            let mut http = http::Request::builder().method(req.method).uri(&req.target);
            for (k, v) in &req.headers {
                http = http.header(k, v);
            }
            let body = match req.body {
                Some(bytes) => {
                    http = http.header("content-length", bytes.len().to_string());
                    SdkBody::from(bytes)
                }
                None => SdkBody::empty(),
            };
            Ok(HttpRequest::try_from(http.body(body)?)?)
        })
        .deserializer(move |resp: &HttpResponse| {
            let status = resp.status().as_u16();
            let headers: Vec<(String, String)> =
                resp.headers().iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
            let body = resp.body().bytes().unwrap_or_default();
            if (200..300).contains(&status) {
                return rest_json::parse_output(op, &headers, body).map_err(OrchestratorError::other);
            }
            let error = rest_json::parse_error(op, status, &headers, body);
            let meta = ErrorMetadata::builder().code(&error.code).message(&error.message).build();
            Err(OrchestratorError::operation(OperationError { meta, error: Box::new(error) }))
        })
        .build();
    Ok(Prepared { operation, base_url, proxy, attempts, max_attempts, shown })
}

impl Prepared {
    /// Sends one request for `input`.
    async fn invoke(
        &self,
        op: &'static Operation,
        input: &Map<String, Value>,
        settings: &Settings,
    ) -> Result<Map<String, Value>, SendError> {
        let request = rest_json::serialize(op, input)?;
        if settings.debug.is_some() {
            let redacted = match op.input {
                Some(shape) => rest_json::redact(shape, &Value::Object(input.clone())),
                None => Value::Object(input.clone()),
            };
            let shown =
                rest_json::serialize(op, redacted.as_object().unwrap_or(input)).unwrap_or_else(|_| request.clone());
            *self.shown.lock().unwrap_or_else(|e| e.into_inner()) = Some(shown);
        }
        let full_url = format!("{}{}", self.base_url, request.target);
        self.attempts.store(0, Ordering::SeqCst);
        let result = self.operation.invoke(request).await;
        let attempts = self.attempts.load(Ordering::SeqCst).max(1);
        let max_attempts = self.max_attempts;
        result.map_err(|e| {
            let context = aws_smithy_types::error::display::DisplayErrorContext(&e).to_string();
            if let SdkError::DispatchFailure(f) = &e {
                if let Some(reason) = f.as_connector_error().and_then(|c| tls_error(c)) {
                    return SendError::Ssl { url: full_url, reason };
                }
            }
            match e {
                SdkError::ServiceError(ctx) => {
                    let error = *ctx.into_err().error;
                    let retries_exhausted = is_retryable(&error) && attempts >= max_attempts;
                    SendError::Service { operation: op.name, error, attempts, retries_exhausted }
                }
                SdkError::TimeoutError(_) => SendError::ReadTimeout { url: full_url },
                // The HTTP client says which phase timed out only in its message.
                SdkError::DispatchFailure(f) if f.is_timeout() && context.contains("HTTP read") => {
                    SendError::ReadTimeout { url: full_url }
                }
                SdkError::DispatchFailure(f) if f.is_timeout() => SendError::ConnectTimeout { url: full_url },
                // As urllib3: a connection that fails while going through a proxy is the proxy's failure.
                SdkError::DispatchFailure(f) if f.is_io() => match &self.proxy {
                    Some(proxy) => SendError::Proxy { url: proxy.masked() },
                    None => SendError::Connect { url: full_url },
                },
                SdkError::ResponseError(_) if context.contains("timed out") || context.contains("timeout") => {
                    SendError::ReadTimeout { url: full_url }
                }
                SdkError::ResponseError(_) => SendError::Closed { url: full_url },
                other => SendError::Other(error_chain(&other)),
            }
        })
    }
}

/// An error and its sources, as `a: b: c` (each said once), without the Debug dump that
/// `DisplayErrorContext` adds: for messages to people.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        if !text.is_empty() && !parts.last().is_some_and(|last| last.ends_with(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// The TLS error behind a failed connection, if that is what failed: the rustls error, as text.
fn tls_error(failure: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(failure);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        // io::Error hides the error it wraps from `source()` (hyper-rustls nests it two deep).
        next = match e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner),
            None => e.source(),
        };
    }
    None
}

/// `--no-verify-ssl`, with where its warning goes.
#[derive(Clone)]
struct Insecure(Option<DebugSink>);

impl std::fmt::Debug for Insecure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Insecure")
    }
}

/// The HTTP client: rustls with ring, proxies ([`crate::proxy`]), and the trusted roots, all built
/// on the first request: credentials from the environment never
/// connect anywhere, and a plain-HTTP endpoint (`plain_http`) never loads certificates at all.
#[derive(Debug, Clone)]
struct LazyClient {
    ca_bundle: Option<String>,
    plain_http: bool,
    proxies: Proxies,
    /// `--no-verify-ssl`: HTTPS goes through [`crate::insecure`] instead.
    insecure: Option<Insecure>,
    /// The clients built so far, by proxy.
    built: Arc<std::sync::Mutex<ByProxy<SharedHttpClient>>>,
    /// The proxy through which a connection last failed.
    proxy_failure: ProxyFailure,
}

impl LazyClient {
    fn new(ca_bundle: Option<String>, plain_http: bool, proxies: Proxies, insecure: Option<Insecure>) -> LazyClient {
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
type ByProxy<T> = Vec<(Option<Proxy>, T)>;

/// Which proxies a client uses, chosen as botocore chooses them ([`crate::proxy`]).
#[derive(Debug, Clone)]
enum Proxies {
    /// The operation's endpoint's, chosen once.
    Endpoint(Option<Proxy>),
    /// Each request's own: for the configuration's requests (SSO, STS, instance metadata),
    /// which go to several hosts.
    PerRequest,
}

/// A proxy nothing listens on: what an invalid proxy URL becomes (port 0 refuses connections).
fn unreachable_proxy() -> aws_smithy_http_client::proxy::ProxyConfig {
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
struct LazyConnector {
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
                            crate::insecure::InsecureConnector::new(&self.settings, proxy.as_ref(), warn.clone()),
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

/// The client's own interceptor: `User-Agent`, attempt counting, and the `--debug` log.
struct Client {
    user_agent: String,
    attempts: Arc<AtomicU32>,
    max_attempts: u32,
    debug: Option<(DebugSink, Arc<std::sync::Mutex<Option<rest_json::Request>>>)>,
    mode: RetryMode,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("user_agent", &self.user_agent).finish_non_exhaustive()
    }
}

impl Client {
    fn log(&self, line: &str) {
        if let Some((sink, _)) = &self.debug {
            sink(line);
        }
    }
}

/// Headers whose values are secrets: never logged.
fn redacted_header(name: &str, value: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "authorization" => match value.find("Signature=") {
            Some(i) => format!("{}Signature=<redacted>", &value[..i]),
            None => "<redacted>".to_owned(),
        },
        "x-amz-security-token" => "<redacted>".to_owned(),
        _ => value.to_owned(),
    }
}

impl Intercept for Client {
    fn name(&self) -> &'static str {
        "AwsConnectClient"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        context.request_mut().headers_mut().insert("user-agent", self.user_agent.clone());
        Ok(())
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let attempt = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        if let Some((_, shown)) = &self.debug {
            let shown = shown.lock().unwrap_or_else(|e| e.into_inner()).clone().unwrap_or_else(|| rest_json::Request {
                method: "",
                target: String::new(),
                headers: Vec::new(),
                body: None,
            });
            let req = context.request();
            let uri = req.uri();
            // The path and query as sent, with @sensitive labels and query values redacted.
            let base = uri.split_once("://").map_or(uri, |(_, rest)| rest);
            let host = base.split('/').next().unwrap_or("");
            let scheme = uri.split_once("://").map_or("https", |(s, _)| s);
            if attempt > 1 {
                self.log(&format!(
                    "Retrying the request ({} retry mode): attempt {attempt} of {}",
                    match self.mode {
                        RetryMode::Adaptive => "adaptive",
                        _ => "standard",
                    },
                    self.max_attempts
                ));
            }
            self.log(&format!("Sending request: {} {scheme}://{host}{}", req.method(), shown.target));
            for (k, v) in req.headers() {
                self.log(&format!("  {k}: {}", redacted_header(k, v)));
            }
            if let Some(body) = &shown.body {
                self.log(&format!("  body: {}", String::from_utf8_lossy(body)));
            }
        }
        Ok(())
    }

    fn read_after_transmit(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.debug.is_some() {
            let resp = context.response();
            self.log(&format!("Response: {}", resp.status().as_u16()));
            for (k, v) in resp.headers() {
                self.log(&format!("  {k}: {v}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_types::os_shim_internal::{Env, Fs};

    fn profiles(aws_profile: Option<&str>, cli_profile: Option<&str>) -> aws_config::profile::ProfileSet {
        let fs = Fs::from_slice(&[
            ("/home/.aws/config", "[profile work]\nregion = eu-west-2\n"),
            ("/home/.aws/credentials", "[creds-only]\naws_access_key_id = a\naws_secret_access_key = b\n"),
        ]);
        let mut vars = vec![("HOME", "/home")];
        vars.extend(aws_profile.map(|p| ("AWS_PROFILE", p)));
        let env = Env::from_slice(&vars);
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime
            .block_on(aws_config::profile::load(
                &fs,
                &env,
                &aws_runtime::env_config::file::EnvConfigFiles::default(),
                cli_profile.map(|p| p.to_owned().into()),
            ))
            .unwrap()
    }

    #[test]
    fn a_profile_asked_for_must_exist() {
        assert!(check_profile(&profiles(None, Some("work")), true).is_ok());
        assert!(check_profile(&profiles(Some("creds-only"), None), true).is_ok());
        // Without a profile asked for, a missing `default` is fine; asked for, it is not.
        assert!(check_profile(&profiles(None, None), false).is_ok());
        let missing = |set, explicit| check_profile(&set, explicit).unwrap_err().to_string();
        assert_eq!(missing(profiles(None, Some("default")), true), "The config profile (default) could not be found");
        assert_eq!(missing(profiles(Some("work"), Some("nope")), true), "The config profile (nope) could not be found");
        assert_eq!(missing(profiles(Some("nope"), None), true), "The config profile (nope) could not be found");
    }
}
