//! Sending one operation: configuration and credentials (aws-config's default chains), endpoint
//! resolution, SigV4 signing, retries and timeouts, all through aws-smithy-runtime's orchestrator
//! driven by the generic restJson1 serializer.
//!
//! Nothing here runs unless a request is sent: commands that only print build none of it.

mod config;
mod connector;
mod credentials;
mod debug;
mod error;
mod gate;

pub use config::{DebugSink, Settings, check_configuration, profile_setting};
pub use error::SendError;
pub use gate::{AttemptGate, AttemptOutcome, GATE_CLOSED, is_throttling};

use config::{Configured, configure};
use connector::{Insecure, LazyClient, Proxies};
use credentials::{Primed, REFRESH_WINDOW};
use debug::ClientInterceptor;
use error::{OperationError, error_chain};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_runtime::auth::SigV4OperationSigningConfig;
use aws_runtime::auth::sigv4::{SCHEME_ID as SIGV4, SigV4AuthScheme};
use aws_runtime::invocation_id::InvocationIdInterceptor;
use aws_runtime::request_info::RequestInfoInterceptor;
use aws_runtime::retries::classifiers::AwsErrorCodeClassifier;
use aws_smithy_runtime::client::identity::IdentityCache;
use aws_smithy_runtime::client::orchestrator::operation::Operation as SmithyOperation;
use aws_smithy_runtime::client::retries::classifiers::{HttpStatusCodeClassifier, TransientErrorClassifier};
use aws_smithy_runtime_api::client::auth::AuthSchemeOptionResolverParams;
use aws_smithy_runtime_api::client::auth::static_resolver::StaticAuthSchemeOptionResolver;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_runtime_api::client::runtime_plugin::StaticRuntimePlugin;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::Layer;
use aws_smithy_types::error::metadata::ErrorMetadata;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_types::SigningName;
use aws_types::region::SigningRegion;

use crate::wire::proxy::Proxy;
use aws_types::service_config::ServiceConfigKey;
use serde_json::{Map, Value};

use crate::model::{Operation, Service};
use crate::wire::endpoint::{self, EndpointParams};
use crate::wire::paginate::{self, PageError, Paged, Paging};
use crate::wire::rest_json::{self};

/// Sends `op` with the (validated) `input` and returns the output document.
pub fn send(
    service: &'static Service,
    op: &'static Operation,
    input: &Map<String, Value>,
    settings: &Settings,
) -> Result<Map<String, Value>, SendError> {
    send_pages(service, op, input.clone(), settings, None).map(|paged| paged.full)
}

/// Sends `op`, fetching every page when `paging` is given and the operation is paginated (see
/// [`crate::wire::paginate`]); returns the (merged) output document, and the pages when `paging`
/// keeps them.
pub fn send_pages(
    service: &'static Service,
    op: &'static Operation,
    input: Map<String, Value>,
    settings: &Settings,
    paging: Option<&Paging>,
) -> Result<Paged, SendError> {
    // Client-side problems come before any configuration is read.
    rest_json::serialize(op, &input)?;
    Session::open(service, op, settings, None)?.send_paged(input, paging)
}

/// An operation ready to be sent many times from one thread: the configuration, credentials and
/// endpoint are read once, and connections are kept between requests.
pub struct Session<'a> {
    runtime: tokio::runtime::Runtime,
    prepared: Prepared,
    op: &'static Operation,
    settings: &'a Settings,
}

impl<'a> Session<'a> {
    /// Prepares `op`; `gate`, when given, runs around every attempt of every request.
    pub fn open(
        service: &'static Service,
        op: &'static Operation,
        settings: &'a Settings,
        gate: Option<Arc<dyn AttemptGate>>,
    ) -> Result<Session<'a>, SendError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .enable_io()
            .build()
            .map_err(|e| SendError::Other(format!("cannot start the I/O runtime: {e}")))?;
        let prepared = runtime.block_on(prepare(service, op, settings, gate))?;
        Ok(Session { runtime, prepared, op, settings })
    }

    /// Sends the (validated) `input`, fetching every page when `paging` is given and the
    /// operation is paginated (see [`crate::wire::paginate`]); returns the (merged) output.
    pub fn send(&self, input: Map<String, Value>, paging: Option<&Paging>) -> Result<Map<String, Value>, SendError> {
        self.send_paged(input, paging).map(|paged| paged.full)
    }

    /// [`Session::send`], with the pages when `paging` asks to keep them ([`Paged`]).
    pub fn send_paged(&self, input: Map<String, Value>, paging: Option<&Paging>) -> Result<Paged, SendError> {
        let op = self.op;
        let call = |input: &Map<String, Value>| self.runtime.block_on(self.prepared.invoke(op, input, self.settings));
        match paging {
            Some(paging) => paginate::pages(op, input, paging, call).map_err(|e| match e {
                PageError::Send(e) => e,
                other => SendError::Other(other.to_string()),
            }),
            None => call(&input).map(|full| Paged { full, ..Paged::default() }),
        }
    }
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
    gate: Option<Arc<dyn AttemptGate>>,
) -> Result<Prepared, SendError> {
    let Configured { ca_bundle, sdk, region, proxy_failure, profile, region_source, credentials } =
        configure(settings).await?;
    let log = |line: String| {
        if let Some(sink) = &settings.debug {
            sink(&line);
        }
    };
    log(format!("Operation: {} ({} {})", op.name(), op.http().method, op.http().uri));
    let profile_source = if settings.profile.is_some() {
        "given with --profile"
    } else if std::env::var_os("AWS_PROFILE").is_some_and(|v| !v.is_empty()) {
        "from AWS_PROFILE"
    } else {
        "the default"
    };
    log(format!("Profile: {profile} ({profile_source})"));
    log(format!("Region: {region} (from {region_source})"));

    // The endpoint: --endpoint-url, else the configured ones, then the model's rules.
    let configured = settings.endpoint_url.clone().or_else(|| {
        sdk.service_config().and_then(|c| {
            c.load_config(
                ServiceConfigKey::builder()
                    .service_id(service.sdk_id())
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
        endpoint::resolve(service.endpoint_rule_set(), &params).map_err(|e| SendError::Endpoint(e.to_string()))?;
    let base_url = endpoint.url.trim_end_matches('/').to_owned();
    log(format!(
        "Endpoint: {base_url} ({})",
        match (&settings.endpoint_url, &params.endpoint) {
            (Some(_), _) => "from --endpoint-url",
            (None, Some(_)) => "from AWS_ENDPOINT_URL_CONNECT, AWS_ENDPOINT_URL or the profile's endpoint_url",
            (None, None) => "from the model's endpoint rules",
        }
    ));

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
        .service_name(service.sdk_id())
        .operation_name(op.name())
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
        .interceptor(ClientInterceptor {
            user_agent: settings.user_agent.clone(),
            attempts: attempts.clone(),
            max_attempts,
            debug: settings.debug.clone().map(|sink| (sink, shown.clone())),
            mode: retry.mode(),
            op,
        });
    if let Some(gate) = gate {
        builder = builder.interceptor(gate::GateInterceptor(gate));
    }
    if settings.unsigned {
        builder = builder.no_auth();
    } else {
        let chain = credentials.ok_or(SendError::NoCredentials)?;
        let first = chain.provide_credentials().await.map_err(|e| match e {
            CredentialsError::CredentialsNotLoaded(_) => SendError::NoCredentials,
            // As botocore's ProxyConnectionError, raised by the STS or SSO client.
            other => match proxy_failure.lock().unwrap_or_else(|e| e.into_inner()).take() {
                Some(url) => SendError::Proxy { url },
                None => SendError::Credentials(error_chain(&other)),
            },
        })?;
        log(format!("Credentials: supplied by the {} provider", chain.supplier().unwrap_or("unknown")));
        let credentials = Primed::new(chain, first);
        let mut layer = Layer::new("aws-connect-sigv4");
        layer.store_put(AuthSchemeOptionResolverParams::new(()));
        layer.store_put(SigV4OperationSigningConfig {
            region: Some(SigningRegion::from(region.clone())),
            name: Some(SigningName::from_static(service.signing_name())),
            ..Default::default()
        });
        let components = RuntimeComponentsBuilder::new("aws-connect-sigv4")
            .with_auth_scheme(SigV4AuthScheme::new())
            .with_auth_scheme_option_resolver(Some(StaticAuthSchemeOptionResolver::new(vec![SIGV4])))
            .with_identity_resolver(SIGV4, SharedCredentialsProvider::new(credentials))
            .with_identity_cache(Some(IdentityCache::lazy().buffer_time(REFRESH_WINDOW).build()));
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
                return rest_json::parse_output(op, &headers, body)
                    .map_err(|e| OrchestratorError::other(error::MalformedResponse(e)));
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
            let redacted = match op.input() {
                Some(shape) => rest_json::redact(shape, &Value::Object(input.clone())),
                None => Value::Object(input.clone()),
            };
            // A value that cannot be redacted (a sensitive timestamp, say) is never shown as is.
            let not_shown = || rest_json::Request {
                method: op.http().method,
                target: op.http().uri.to_owned(),
                headers: Vec::new(),
                body: Some(b"<not shown: the input could not be redacted>".to_vec()),
            };
            let shown = match redacted.as_object() {
                Some(redacted) => rest_json::serialize(op, redacted).unwrap_or_else(|_| not_shown()),
                None => not_shown(),
            };
            *self.shown.lock().unwrap_or_else(|e| e.into_inner()) = Some(shown);
        }
        let full_url = format!("{}{}", self.base_url, request.target);
        self.attempts.store(0, Ordering::SeqCst);
        let result = self.operation.invoke(request).await;
        let attempts = self.attempts.load(Ordering::SeqCst).max(1);
        let max_attempts = self.max_attempts;
        result.map_err(|e| error::classify(e, op.name(), full_url, self.proxy.as_ref(), attempts, max_attempts))
    }
}
