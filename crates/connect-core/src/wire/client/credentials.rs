//! The credential chain of botocore (`botocore.credentials.create_credential_resolver`), provider
//! by provider and in its order, made of aws-config's providers; it notes which provider
//! supplied the keys (for `--debug`), and refreshes them when they are about to expire.
//!
//! botocore's order, for the selected profile P:
//!
//! 1. `env`: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, left out when the profile was given with
//!    `--profile` (not when it comes from `AWS_PROFILE`);
//! 2. `assume-role`: P has `role_arn` with `source_profile` or `credential_source`;
//! 3. `assume-role-with-web-identity`: a token file and a role from the environment
//!    (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`; not with `--profile`),
//!    else from P;
//! 4. `sso`: P has `sso_start_url` or `sso_session`;
//! 5. `shared-credentials-file`: keys of P in the credentials file;
//! 6. `custom-process`: P's `credential_process` in the config file;
//! 7. `config-file`: keys of P in the config file;
//! 8. `container-role`: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`/`_FULL_URI`;
//! 9. `iam-role`: the instance metadata service (not with `AWS_EC2_METADATA_DISABLED=true`).
//!
//! aws-config's default chain differs: it keeps the environment first even with an explicit
//! profile, asks the environment's web identity after the whole profile, and lets a profile's keys
//! in the config file win over its `credential_process`. botocore's legacy `OriginalEC2Provider`
//! (`AWS_CREDENTIAL_FILE`) and `BotoProvider` (`~/.boto`), which AWS CLI v2 does not have either,
//! and its `login` provider (`aws login` sessions) are not part of this chain.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use aws_config::credential_process::CredentialProcessProvider;
use aws_config::ecs::EcsCredentialsProvider;
use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::imds::credentials::ImdsCredentialsProvider;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileSet};
use aws_config::provider_config::ProviderConfig;
use aws_config::web_identity_token::{StaticConfiguration, WebIdentityTokenCredentialsProvider};
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, future};
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};

/// One source of credentials, named as botocore names its providers in its `--debug` log.
struct Source {
    name: &'static str,
    /// The provider, made when the chain first asks this source: most commands end at the first
    /// one, and aws-config's container and instance-metadata providers cost more to make and drop
    /// than the rest of the chain.
    provider: OnceLock<Box<dyn ProvideCredentials>>,
    make: Box<dyn Fn() -> Box<dyn ProvideCredentials> + Send + Sync>,
}

impl Source {
    fn provider(&self) -> &dyn ProvideCredentials {
        self.provider.get_or_init(|| (self.make)()).as_ref()
    }
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// botocore's credential chain for one profile: the first source that has credentials supplies
/// them; a source that is configured but fails stops the search, as in botocore.
#[derive(Debug, Clone)]
pub(crate) struct Chain {
    sources: Arc<Vec<Source>>,
    /// The name of the source that last supplied credentials.
    supplier: Arc<Mutex<Option<&'static str>>>,
}

/// Settings of one profile, read from one file.
fn profile_value<'a>(set: &'a Option<ProfileSet>, profile: &str, key: &str) -> Option<&'a str> {
    set.as_ref()?.get_profile(profile)?.get(key).filter(|v| !v.is_empty())
}

/// The profiles of one of the two files (`~/.aws/config` or `~/.aws/credentials`), so that a
/// profile's keys can be told apart by the file that holds them.
async fn load_one(credentials_file: bool) -> Option<ProfileSet> {
    let files = EnvConfigFiles::builder()
        .include_default_config_file(!credentials_file)
        .include_default_credentials_file(credentials_file)
        .build();
    aws_config::profile::load(&Fs::real(), &Env::real(), &files, None).await.ok()
}

/// Static keys of a profile in one file, or `None` when it has no access key id.
fn static_keys(set: &Option<ProfileSet>, profile: &str, provider_name: &'static str) -> Option<Credentials> {
    let id = profile_value(set, profile, "aws_access_key_id")?;
    let secret = profile_value(set, profile, "aws_secret_access_key").unwrap_or_default();
    let token = profile_value(set, profile, "aws_session_token")
        .or_else(|| profile_value(set, profile, "aws_security_token"))
        .map(str::to_owned);
    Some(Credentials::new(id, secret, token, None, provider_name))
}

/// A static source that reports keys without a secret as botocore's `PartialCredentialsError`.
#[derive(Debug)]
struct Keys(Credentials);

impl ProvideCredentials for Keys {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let result = if self.0.secret_access_key().is_empty() {
            Err(CredentialsError::invalid_configuration(
                "Partial credentials found in profile, missing: aws_secret_access_key",
            ))
        } else {
            Ok(self.0.clone())
        };
        future::ProvideCredentials::ready(result)
    }
}

impl Chain {
    /// botocore's chain for `profile` (the selected one); `explicit`: given with `--profile`.
    pub(crate) async fn new(profile: &str, explicit: bool, conf: &ProviderConfig) -> Chain {
        let (config, credentials) = (load_one(false).await, load_one(true).await);
        let setting =
            |key: &str| profile_value(&credentials, profile, key).or_else(|| profile_value(&config, profile, key));
        let env = |name: &str| if explicit { None } else { std::env::var(name).ok().filter(|v| !v.is_empty()) };
        let profile_provider = || {
            let (conf, profile) = (conf.clone(), profile.to_owned());
            move || -> Box<dyn ProvideCredentials> {
                Box::new(ProfileFileCredentialsProvider::builder().configure(&conf).profile_name(&profile).build())
            }
        };
        let mut sources = Vec::new();
        let mut add = |name: &'static str, make: Box<dyn Fn() -> Box<dyn ProvideCredentials> + Send + Sync>| {
            sources.push(Source { name, provider: OnceLock::new(), make })
        };

        if !explicit {
            add("env", Box::new(|| Box::new(EnvironmentVariableCredentialsProvider::new())));
        }
        if setting("role_arn").is_some()
            && (setting("source_profile").is_some() || setting("credential_source").is_some())
        {
            add("assume-role", Box::new(profile_provider()));
        }
        let token_file =
            env("AWS_WEB_IDENTITY_TOKEN_FILE").or_else(|| setting("web_identity_token_file").map(str::to_owned));
        let role_arn = env("AWS_ROLE_ARN").or_else(|| setting("role_arn").map(str::to_owned));
        if let (Some(token_file), Some(role_arn)) = (token_file, role_arn) {
            let session_name = env("AWS_ROLE_SESSION_NAME")
                .or_else(|| setting("role_session_name").map(str::to_owned))
                .unwrap_or_else(|| {
                    format!("botocore-session-{}", SystemTime::UNIX_EPOCH.elapsed().map_or(0, |d| d.as_secs()))
                });
            let conf = conf.clone();
            add(
                "assume-role-with-web-identity",
                Box::new(move || {
                    Box::new(
                        WebIdentityTokenCredentialsProvider::builder()
                            .configure(&conf)
                            .static_configuration(StaticConfiguration {
                                web_identity_token_file: token_file.clone().into(),
                                role_arn: role_arn.clone(),
                                session_name: session_name.clone(),
                            })
                            .build(),
                    )
                }),
            );
        }
        if setting("sso_start_url").is_some() || setting("sso_session").is_some() {
            add("sso", Box::new(profile_provider()));
        }
        if let Some(keys) = static_keys(&credentials, profile, "shared-credentials-file") {
            add("shared-credentials-file", Box::new(move || Box::new(Keys(keys.clone()))));
        }
        if let Some(command) = profile_value(&config, profile, "credential_process") {
            let command = command.to_owned();
            add("custom-process", Box::new(move || Box::new(CredentialProcessProvider::new(command.clone()))));
        }
        if let Some(keys) = static_keys(&config, profile, "config-file") {
            add("config-file", Box::new(move || Box::new(Keys(keys.clone()))));
        }
        let container = conf.clone();
        add(
            "container-role",
            Box::new(move || Box::new(EcsCredentialsProvider::builder().configure(&container).build())),
        );
        let instance = conf.clone();
        add("iam-role", Box::new(move || Box::new(ImdsCredentialsProvider::builder().configure(&instance).build())));
        Chain { sources: Arc::new(sources), supplier: Arc::default() }
    }

    /// The name of the source that supplied the credentials last given out.
    pub(crate) fn supplier(&self) -> Option<&'static str> {
        *self.supplier.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn resolve(&self) -> provider::Result {
        for source in self.sources.iter() {
            match source.provider().provide_credentials().await {
                Ok(credentials) => {
                    *self.supplier.lock().unwrap_or_else(|e| e.into_inner()) = Some(source.name);
                    return Ok(credentials);
                }
                Err(CredentialsError::CredentialsNotLoaded(_)) => continue,
                Err(other) => return Err(other),
            }
        }
        Err(CredentialsError::not_loaded("no source in the chain has credentials"))
    }
}

impl ProvideCredentials for Chain {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.resolve())
    }
}

/// botocore's mandatory refresh window: credentials that expire sooner are fetched anew before a
/// request is signed (the identity cache's buffer time).
pub(crate) const REFRESH_WINDOW: Duration = Duration::from_secs(10 * 60);

/// The chain, with the credentials it gave before the first request (fetched early so that their
/// errors come before anything is sent) handed out first; afterwards every call asks the chain.
/// Behind aws-smithy's lazy identity cache with a [`REFRESH_WINDOW`] buffer, credentials are
/// fetched anew when they are about to expire, as botocore's `RefreshableCredentials` are: a long
/// pagination outlives temporary credentials.
#[derive(Debug, Clone)]
pub(crate) struct Primed {
    chain: Chain,
    first: Arc<Mutex<Option<Credentials>>>,
}

impl Primed {
    pub(crate) fn new(chain: Chain, first: Credentials) -> Primed {
        Primed { chain, first: Arc::new(Mutex::new(Some(first))) }
    }

    async fn get(&self) -> provider::Result {
        let first = self.first.lock().unwrap_or_else(|e| e.into_inner()).take();
        match first {
            Some(credentials) => Ok(credentials),
            None => self.chain.provide_credentials().await,
        }
    }
}

impl ProvideCredentials for Primed {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.get())
    }
}
