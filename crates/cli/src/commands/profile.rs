//! `preflight profile add|set|list|show|remove|lint`: saved targets. Settings go to `profiles.json` in
//! the config directory, the token or client secret to the OS keyring — never to a file, never
//! on the command line, never printed back.

use std::sync::Arc;

use clap::{Args, Subcommand};

use super::profile_lint::{self, LintArgs};
use super::profile_sign_in::{self, SignInArgs};
use crate::exit;
use crate::token_source;
use preflight_core::profile::{
    Loaded, Profile, ProfileAuth, ProfileError, ProfileId, ProfileStore, ProfileWarning, Upsert,
    parse_expiry,
};
use preflight_core::secrets::{
    KeyringStore, SecretStore, SecretStoreError, TimeLimited, blocking_with_timeout,
};
use preflight_core::target::{Credential, Idp, Target};

/// How long to wait for the keyring. A locked keyring may be showing an unlock dialog; past
/// this Preflight gives up with a message instead of hanging.
pub const KEYRING_TIMEOUT_SECS: u64 = 30;

#[derive(Subcommand, Debug)]
pub enum ProfileCommand {
    /// Save a SCIM target: settings in profiles.json, the token or client secret in the OS keyring.
    Add(AddArgs),
    /// List the saved profiles (settings only; the keyring is not opened).
    List,
    /// Show a profile's settings and whether its secret is in the keyring (never the secret).
    Show {
        /// Profile id (or the name it was made from).
        id: String,
    },
    /// Delete a profile and its secrets in the keyring.
    Remove {
        /// Profile id (or the name it was made from).
        id: String,
    },
    /// Record or change a profile's SSO sign-in facts (the keyring is not touched).
    Set(SetArgs),
    /// Check every saved profile for shared app names, client IDs, tenants and redirect URIs
    /// (sso/tenant-routing-unique); exit codes and --format as for `check`.
    Lint(LintArgs),
}

#[derive(Args, Debug)]
pub struct SetArgs {
    /// Profile id (or the name it was made from).
    pub id: String,
    #[command(flatten)]
    pub sign_in: SignInArgs,
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// A name for the target, e.g. "Acme production". The id is made from it (acme-production).
    #[arg(long)]
    pub name: String,
    /// The profile id used with `--profile` ([a-z0-9-], at most 64), if not the one made from --name.
    #[arg(long)]
    pub id: Option<String>,
    /// SCIM base URL, e.g. https://scim.example.com/scim/v2
    #[arg(long)]
    pub url: String,
    /// The IdP whose client you are setting up: entra, okta, onelogin or generic.
    #[arg(long, default_value = "generic")]
    pub idp: String,
    /// Known SCIM vendor id, if any.
    #[arg(long)]
    pub vendor: Option<String>,
    /// Read the bearer token from standard input (otherwise from PREFLIGHT_TOKEN).
    #[arg(long, conflicts_with = "token_url")]
    pub token_stdin: bool,
    /// OAuth 2.0 token endpoint (client-credentials grant); the secret comes from PREFLIGHT_CLIENT_SECRET.
    #[arg(long, requires = "client_id")]
    pub token_url: Option<String>,
    /// OAuth client ID for --token-url.
    #[arg(long, requires = "token_url")]
    pub client_id: Option<String>,
    /// OAuth scope for --token-url.
    #[arg(long, requires = "token_url")]
    pub scope: Option<String>,
    /// When the bearer token expires, if it is not a JWT that says so itself.
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with = "token_url")]
    pub token_expires: Option<String>,
    #[command(flatten)]
    pub sign_in: SignInArgs,
}

/// Exit code 0, or 2 with one line naming the flag or setting and the fix (`lint`: the
/// exit codes of a report).
pub async fn run(cmd: ProfileCommand) -> i32 {
    let result = match cmd {
        ProfileCommand::Add(args) => add(args),
        ProfileCommand::Set(args) => set(args),
        ProfileCommand::List => list(),
        ProfileCommand::Show { id } => show(&id),
        ProfileCommand::Remove { id } => remove(&id),
        ProfileCommand::Lint(args) => return profile_lint::run(args).await,
    };
    match result {
        Ok(()) => exit::OK,
        Err(message) => exit::usage(message),
    }
}

/// Saved profile `id` (settings only, no keyring), its load warnings printed on stderr; `Err`
/// is a one-line `--profile: …` message for exit 2.
pub fn saved_profile(id: &str) -> Result<Profile, String> {
    let profiles = ProfileStore::open_default().map_err(|e| format!("--profile: {e}"))?;
    warned(profiles.get(id)).map_err(|e| format!("--profile: {e}"))
}

/// The run target of `check`/`scan --profile ID`, its credential in the contract's order:
/// `--token-stdin`, then `PREFLIGHT_TOKEN` (each as a bearer token with the profile's other
/// settings), else the profile's own secret from the keyring. `Err` is a one-line message for
/// exit 2.
pub fn target_of_profile(id: &str, token_stdin: bool) -> Result<Target, String> {
    if token_stdin || token_source::token_env_set() {
        let token = token_source::bearer_token(token_stdin)?;
        return saved_profile(id)?
            .to_target_with(Credential::Bearer(token))
            .map_err(|e| format!("--profile: {e}"));
    }
    target_from_profile(id)
}

/// The run target of `--profile ID`: the profile's settings plus its secret from the
/// keyring. Blocking (up to [`KEYRING_TIMEOUT_SECS`]); `Err` is a one-line message for exit 2.
pub fn target_from_profile(id: &str) -> Result<Target, String> {
    let profile = saved_profile(id)?;
    let keyring = open_keyring().map_err(|e| format!("--profile {}: {e}", profile.id))?;
    profile
        .to_target(&keyring)
        .map_err(|e| format!("--profile: {e}"))
}

fn add(args: AddArgs) -> Result<(), String> {
    let id = match &args.id {
        Some(id) => ProfileId::parse(id).map_err(|e| format!("--id: {e}"))?,
        None => {
            ProfileId::from_name(&args.name).map_err(|e| format!("--name: {e}; or pass --id"))?
        }
    };
    let idp: Idp = args.idp.parse().map_err(|e| format!("--idp: {e}"))?;
    let auth = match &args.token_url {
        Some(token_url) => ProfileAuth::ClientCredentials {
            token_url: token_url.trim().to_string(),
            client_id: args
                .client_id
                .clone()
                .unwrap_or_default()
                .trim()
                .to_string(),
            scope: args.scope.clone().filter(|s| !s.trim().is_empty()),
        },
        None => ProfileAuth::Bearer,
    };
    let mut profile = Profile::new(id, &args.name, &args.url, idp, auth).map_err(flag_error)?;
    profile.vendor = args
        .vendor
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    if let Some(raw) = &args.token_expires {
        parse_expiry(raw).map_err(|e| format!("--token-expires: {e}"))?;
        profile.token_expires_at = Some(raw.trim().to_string());
    }
    let profiles = ProfileStore::open_default().map_err(|e| e.to_string())?;
    // Re-adding a profile (e.g. with a new token) keeps the sign-in facts it recorded; the
    // flags given replace theirs.
    let recorded = match warned(profiles.get(profile.id.as_str())) {
        Ok(saved) => saved.sign_in,
        Err(ProfileError::NotFound { .. }) => Default::default(),
        Err(e) => return Err(e.to_string()),
    };
    profile.sign_in = args.sign_in.apply(&recorded);
    profile.validate().map_err(flag_error)?;
    // Every setting is valid: only now read the secret and open the keyring.
    let secret = match &profile.auth {
        ProfileAuth::Bearer => read_token(args.token_stdin)?,
        ProfileAuth::ClientCredentials { .. } => token_source::client_secret()?,
    };
    let keyring = open_keyring()?;
    let outcome =
        warned(profiles.save(profile.clone(), &secret, &keyring)).map_err(|e| e.to_string())?;
    let verb = if outcome == Upsert::Added {
        "Added"
    } else {
        "Updated"
    };
    println!(
        "{verb} profile '{}' in {}; its {} is stored in {}. Use it with `preflight check --profile {}`",
        profile.id,
        profiles.path().display(),
        profile.secret_kind().noun(),
        keyring.backend_name(),
        profile.id
    );
    Ok(())
}

/// Change only the sign-in facts of a saved profile: settings file only, no secret needed.
fn set(args: SetArgs) -> Result<(), String> {
    if args.sign_in.is_empty() {
        return Err(
            "nothing to set: give --redirect-uri, --sso-client-id, --sso-issuer, --sso-tenant or --sso-app-name".into(),
        );
    }
    let profiles = ProfileStore::open_default().map_err(|e| e.to_string())?;
    let mut profile = warned(profiles.get(&args.id)).map_err(|e| e.to_string())?;
    profile.sign_in = args.sign_in.apply(&profile.sign_in);
    profile.validate().map_err(flag_error)?;
    warned(profiles.upsert(profile.clone())).map_err(|e| e.to_string())?;
    println!(
        "Updated the sign-in settings of profile '{}' in {}. Check all profiles with `preflight profile lint`",
        profile.id,
        profiles.path().display()
    );
    Ok(())
}

fn list() -> Result<(), String> {
    let profiles = ProfileStore::open_default().map_err(|e| e.to_string())?;
    let all = warned(profiles.list()).map_err(|e| e.to_string())?;
    if all.is_empty() {
        eprintln!(
            "No profiles yet. Add one with `preflight profile add --name NAME --url URL --token-stdin`."
        );
        return Ok(());
    }
    let id_w = all
        .iter()
        .map(|p| p.id.as_str().len())
        .max()
        .unwrap_or(0)
        .max(2);
    let name_w = all
        .iter()
        .map(|p| p.name.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    println!(
        "{:id_w$}  {:name_w$}  {:8}  {:24}  URL",
        "ID", "NAME", "IDP", "AUTH"
    );
    for p in &all {
        println!(
            "{:id_w$}  {:name_w$}  {:8}  {:24}  {}",
            p.id.as_str(),
            p.name,
            p.idp.as_str(),
            p.auth.describe(),
            p.base_url
        );
    }
    Ok(())
}

fn show(id: &str) -> Result<(), String> {
    let profiles = ProfileStore::open_default().map_err(|e| e.to_string())?;
    let p = warned(profiles.get(id)).map_err(|e| e.to_string())?;
    println!("id:            {}", p.id);
    println!("name:          {}", p.name);
    println!("url:           {}", p.base_url);
    println!("idp:           {} ({})", p.idp, p.idp.display_name());
    if let Some(vendor) = &p.vendor {
        println!("vendor:        {vendor}");
    }
    println!("auth:          {}", p.auth.describe());
    if let ProfileAuth::ClientCredentials {
        token_url,
        client_id,
        scope,
    } = &p.auth
    {
        println!("token url:     {token_url}");
        println!("client id:     {client_id}");
        println!("scope:         {}", scope.as_deref().unwrap_or("(none)"));
    }
    if let Some(expires) = &p.token_expires_at {
        println!("token expires: {expires}");
    }
    for line in profile_sign_in::show_lines(&p.sign_in) {
        println!("{line}");
    }
    println!("created:       {}", p.created_at);
    println!("file:          {}", profiles.path().display());
    let label = format!("{}:", p.secret_kind().noun());
    let keyring = open_keyring()?;
    match keyring.contains(&p.secret_account()) {
        Ok(true) => println!("{label:14} stored in {}", keyring.backend_name()),
        Ok(false) => {
            let hint = match p.secret_kind() {
                preflight_core::secrets::SecretKind::Token => {
                    "pipe it to `preflight profile add … --token-stdin`"
                }
                preflight_core::secrets::SecretKind::ClientSecret => {
                    "set PREFLIGHT_CLIENT_SECRET and run `preflight profile add … --token-url … --client-id …`"
                }
            };
            println!("{label:14} missing from {}; {hint}", keyring.backend_name());
        }
        Err(e) => return Err(e.to_string()),
    }
    Ok(())
}

fn remove(id: &str) -> Result<(), String> {
    let profiles = ProfileStore::open_default().map_err(|e| e.to_string())?;
    let keyring = open_keyring()?;
    let removed = warned(profiles.remove(id, &keyring)).map_err(|e| e.to_string())?;
    println!(
        "Removed profile '{}' and its secrets in {}",
        removed.id,
        keyring.backend_name()
    );
    Ok(())
}

/// The OS keyring, every call bounded by [`KEYRING_TIMEOUT_SECS`].
fn open_keyring() -> Result<TimeLimited, String> {
    let store = blocking_with_timeout(KeyringStore::open, KEYRING_TIMEOUT_SECS)
        .map_err(|e: SecretStoreError| e.to_string())?;
    Ok(TimeLimited::new(Arc::new(store), KEYRING_TIMEOUT_SECS))
}

/// The bearer token to store: `--token-stdin`, else `PREFLIGHT_TOKEN`.
fn read_token(from_stdin: bool) -> Result<preflight_core::Secret, String> {
    if !from_stdin && std::env::var_os(token_source::TOKEN_ENV).is_none() {
        return Err(format!(
            "no token to store: pipe it in with --token-stdin (e.g. `pass show scim | preflight profile add … \
             --token-stdin`) or set {}",
            token_source::TOKEN_ENV
        ));
    }
    token_source::bearer_token(from_stdin)
}

/// A settings error with the flag it came from.
fn flag_error(error: ProfileError) -> String {
    if let Some(flag) = profile_sign_in::flag_of(&error) {
        return format!("{flag}: {error}");
    }
    match error {
        ProfileError::InvalidUrl(e) => format!("--url: {e}"),
        ProfileError::InvalidTokenUrl(e) => format!("--token-url: {e}"),
        ProfileError::EmptyClientId => format!("--client-id: {error}"),
        ProfileError::InvalidExpiry { .. } => format!("--token-expires: {error}"),
        ProfileError::InvalidId { .. } => format!("--id: {error}"),
        other => format!("--name: {other}"),
    }
}

/// Print the warnings of a profile-file operation to stderr and keep its value.
fn warned<T>(result: Result<Loaded<T>, ProfileError>) -> Result<T, ProfileError> {
    let Loaded { value, warnings } = result?;
    for warning in &warnings {
        print_warning(warning);
    }
    Ok(value)
}

fn print_warning(warning: &ProfileWarning) {
    eprintln!("warning: {warning}");
}
