//! The configuration a request is sent with: the command line's settings, the AWS configuration
//! files and aws-config's chains (profile, region, credentials, CA bundle).

use aws_config::provider_config::ProviderConfig;

use super::connector::{LazyClient, Proxies};
use super::credentials::Chain;
use super::error::SendError;
use std::sync::Arc;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_smithy_types::retry::RetryConfig;
use aws_types::region::Region;

/// Where log lines of `--debug` go.
pub type DebugSink = Arc<dyn Fn(&str) + Send + Sync>;

/// Settings from the command line; everything left `None` comes from the environment and the
/// AWS configuration files, as in the AWS CLI.
#[derive(Clone, Default)]
pub struct Settings {
    /// `--profile`: the profile to read settings and credentials from.
    pub profile: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// `--endpoint-url`, already checked to have a scheme.
    pub endpoint_url: Option<String>,
    /// `--no-sign-request` clears this.
    pub unsigned: bool,
    /// `None`: the AWS CLI's default of 60 seconds; `Some(ZERO)`: no timeout.
    pub connect_timeout: Option<Duration>,
    /// The same for reading a response (`--cli-read-timeout`).
    pub read_timeout: Option<Duration>,
    /// `--ca-bundle`: a PEM file of the only certificates to trust.
    pub ca_bundle: Option<String>,
    /// `--no-verify-ssl`: accept any server certificate.
    pub insecure: bool,
    /// Where warnings go (`--no-verify-ssl`'s `InsecureRequestWarning`).
    pub warn: Option<DebugSink>,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Where the `--debug` log goes, if anywhere (secrets redacted).
    pub debug: Option<DebugSink>,
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
pub(super) fn check_profile(profiles: &aws_config::profile::ProfileSet, explicit: bool) -> Result<(), SendError> {
    let name = profiles.selected_profile();
    if explicit && profiles.get_profile(name).is_none() {
        return Err(SendError::ProfileNotFound(name.to_owned()));
    }
    Ok(())
}

/// Whether the AWS configuration or credentials file may set `key`: false only when both files
/// are missing or neither contains the name.
pub(super) fn config_files_mention(key: &str) -> bool {
    // The loader's rule: HOME, and on Windows then USERPROFILE, then HOMEDRIVE + HOMEPATH.
    let home =
        aws_runtime::fs_util::home_dir(&aws_types::os_shim_internal::Env::real(), aws_runtime::fs_util::Os::real());
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

/// What the configuration gives before a request is built.
pub(super) struct Configured {
    pub(super) ca_bundle: Option<String>,
    pub(super) sdk: aws_types::SdkConfig,
    pub(super) region: Region,
    /// The (masked) proxy through which a configuration request last failed to connect.
    pub(super) proxy_failure: ProxyFailure,
    /// The selected profile's name.
    pub(super) profile: String,
    /// Where the region came from, for `--debug`.
    pub(super) region_source: String,
    /// botocore's credential chain; `None` with `--no-sign-request`.
    pub(super) credentials: Option<Chain>,
}

/// Where a client notes the proxy through which a connection failed.
pub(super) type ProxyFailure = Arc<std::sync::Mutex<Option<String>>>;

/// The profile, CA bundle, SDK configuration and region, with the errors botocore raises while it
/// creates a client: a region that is not a host label (before the profile is read when the
/// command line or the environment gives it), an unknown profile, no region.
pub(super) async fn configure(settings: &Settings) -> Result<Configured, SendError> {
    // aws-config's region chain begins with these variables and ends at the first that is set;
    // given one, the chain is not made (its instance-metadata provider costs more to make and drop
    // than the rest of configuring).
    let given = settings
        .region
        .clone()
        .or_else(|| std::env::var("AWS_REGION").or_else(|_| std::env::var("AWS_DEFAULT_REGION")).ok());
    if let Some(region) = &given {
        check_region_name(region)?;
    }
    let profiles = match aws_config::profile::load(
        &aws_types::os_shim_internal::Fs::real(),
        &aws_types::os_shim_internal::Env::real(),
        &aws_runtime::env_config::file::EnvConfigFiles::default(),
        settings.profile.clone().map(Into::into),
    )
    .await
    {
        Ok(set) => Some(set),
        // A file that is not INI is botocore's `ConfigParseError`, raised before anything else
        // is read from it.
        Err(e @ aws_config::profile::ProfileFileLoadError::ParseError { .. }) => {
            let detail = std::error::Error::source(&e).map(ToString::to_string).unwrap_or_default();
            return Err(SendError::Other(format!("Unable to parse config file: {}", parse_error_path(&detail))));
        }
        Err(_) => None,
    };
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

    let mut loader = aws_config::defaults(BehaviorVersion::latest()).http_client(config_client.clone());
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = given {
        loader = loader.region(Region::new(region));
    }
    loader = loader.retry_config(retry_config(profiles.as_ref())?);
    // Credentials come from botocore's chain (below), not from aws-config's default one.
    loader = loader.no_credentials();
    let sdk = loader.load().await;
    let region = sdk.region().cloned().ok_or(SendError::NoRegion)?;
    check_region_name(region.as_ref())?;
    let profile = profiles.as_ref().map_or("default", |p| p.selected_profile()).to_owned();
    let region_source = region_source(settings, profiles.as_ref(), &profile);
    let credentials = if settings.unsigned {
        None
    } else {
        let mut conf =
            ProviderConfig::without_region().with_region(Some(region.clone())).with_http_client(config_client);
        if let Some(sleep) = aws_smithy_async::rt::sleep::default_async_sleep() {
            conf = conf.with_sleep_impl(sleep);
        }
        Some(Chain::new(&profile, settings.profile.is_some(), &conf).await)
    };
    Ok(Configured { ca_bundle, sdk, region, proxy_failure, profile, region_source, credentials })
}

/// The file a parse error of aws-config names (`error parsing PATH on line N: …`).
fn parse_error_path(message: &str) -> &str {
    let rest = message.strip_prefix("error parsing ").unwrap_or(message);
    rest.split(" on line ").next().unwrap_or(rest)
}

/// The retry settings as the AWS CLI reads them, before it sends anything: `AWS_MAX_ATTEMPTS`,
/// else the profile's `max_attempts` (Python's `int()`, at least 1; 3 when unset), and
/// `AWS_RETRY_MODE`, else `retry_mode` (`standard` or `adaptive`, exactly; `standard` when
/// unset). They are read here and handed to aws-config, whose own reader panics on a value it
/// cannot parse.
fn retry_config(profiles: Option<&aws_config::profile::ProfileSet>) -> Result<RetryConfig, SendError> {
    let setting =
        |env: &str, key: &str| std::env::var(env).ok().or_else(|| profiles.and_then(|p| p.get(key)).map(str::to_owned));
    let max_attempts = match setting("AWS_MAX_ATTEMPTS", "max_attempts") {
        None => 3,
        Some(text) => {
            let n = crate::compat::repr::int(&text).map_err(|e| SendError::Other(e.to_string()))?;
            match n.as_u64().filter(|n| *n >= 1) {
                Some(n) => u32::try_from(n).unwrap_or(u32::MAX),
                None => {
                    return Err(SendError::Other(format!(
                        "Value provided to \"max_attempts\": {n} must be an integer greater than or equal to one."
                    )));
                }
            }
        }
    };
    let config = match setting("AWS_RETRY_MODE", "retry_mode").as_deref() {
        None | Some("standard") => RetryConfig::standard(),
        Some("adaptive") => RetryConfig::adaptive(),
        Some(other) => {
            return Err(SendError::Other(format!(
                "Invalid value provided to \"mode\": \"{other}\" must be one of: \"standard\" or \"adaptive\""
            )));
        }
    };
    Ok(config.with_max_attempts(max_attempts))
}

/// botocore's `validate_region_name`: a region is a host label of at most 63 letters, digits and
/// hyphens, not only digits, neither beginning nor ending with a hyphen (the empty name passes, as
/// there). Python's `$` would also let one trailing newline through; that is refused here.
fn check_region_name(region: &str) -> Result<(), SendError> {
    let label = region.len() <= 63
        && region.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && (region.is_empty() || region.bytes().any(|b| !b.is_ascii_digit()))
        && !region.starts_with('-')
        && !region.ends_with('-');
    if label { Ok(()) } else { Err(SendError::InvalidRegion(region.to_owned())) }
}

/// Where the region came from, in the order of the AWS CLI's region chain.
fn region_source(settings: &Settings, profiles: Option<&aws_config::profile::ProfileSet>, profile: &str) -> String {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.is_empty());
    if settings.region.is_some() {
        "--region".to_owned()
    } else if set("AWS_REGION") {
        "the environment variable AWS_REGION".to_owned()
    } else if set("AWS_DEFAULT_REGION") {
        "the environment variable AWS_DEFAULT_REGION".to_owned()
    } else if profiles.and_then(|p| p.get_profile(profile)).and_then(|p| p.get("region")).is_some() {
        format!("the region setting of profile {profile}")
    } else {
        "the instance metadata service".to_owned()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names_are_host_labels() {
        for ok in ["us-east-1", "", "a", "cn-north-1", "x1", &"a".repeat(63)] {
            assert!(check_region_name(ok).is_ok(), "{ok:?}");
        }
        for bad in ["x y", "123", "-a", "a-", "us_east_1", "us-east-1\n", "é", &"a".repeat(64)] {
            let e = check_region_name(bad).unwrap_err();
            assert_eq!(e.to_string(), format!("Provided region_name '{bad}' doesn't match a supported format."));
        }
    }
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
