//! Where the credential comes from, in the contract's order: `--token-stdin`, then
//! `PREFLIGHT_TOKEN`. Never from a flag (shell history, `ps`).

use preflight_core::Secret;
use std::io::Read;

pub const TOKEN_ENV: &str = "PREFLIGHT_TOKEN";
pub const CLIENT_SECRET_ENV: &str = "PREFLIGHT_CLIENT_SECRET";

/// Read the bearer token; `Err` is a one-line message for exit code 2.
pub fn bearer_token(from_stdin: bool) -> Result<Secret, String> {
    if from_stdin {
        let mut raw = String::new();
        std::io::stdin()
            .take(64 * 1024)
            .read_to_string(&mut raw)
            .map_err(|e| format!("--token-stdin: cannot read standard input: {e}"))?;
        let token = strip_one_newline(&raw);
        if token.is_empty() {
            return Err("--token-stdin: standard input was empty; pipe the token in, e.g. `pass show scim | preflight check …`".into());
        }
        return Ok(Secret::new(token));
    }
    match std::env::var(TOKEN_ENV) {
        Ok(v) if !v.is_empty() => Ok(Secret::new(v)),
        Ok(_) => Err(format!(
            "{TOKEN_ENV} is set but empty; put the SCIM token in it or use --token-stdin"
        )),
        // `--no-token` exists only on `check`, which adds that hint itself.
        Err(_) => Err(format!(
            "no token: pipe it with --token-stdin or set {TOKEN_ENV}"
        )),
    }
}

/// Does `PREFLIGHT_TOKEN` hold a token? An empty variable counts as unset, so that with
/// `--profile` the keyring is next in line: CI systems export an empty string for a secret
/// that is not configured, and that must not hide the profile's credential.
pub fn token_env_set() -> bool {
    std::env::var_os(TOKEN_ENV).is_some_and(|v| !v.is_empty())
}

pub fn client_secret() -> Result<Secret, String> {
    match std::env::var(CLIENT_SECRET_ENV) {
        Ok(v) if !v.is_empty() => Ok(Secret::new(v)),
        _ => Err(format!(
            "--token-url needs the client secret in {CLIENT_SECRET_ENV}"
        )),
    }
}

/// `echo token |` adds one newline that is not part of the token; anything more is kept so
/// the token lint can report it.
fn strip_one_newline(raw: &str) -> String {
    raw.strip_suffix("\r\n")
        .or_else(|| raw.strip_suffix('\n'))
        .unwrap_or(raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::strip_one_newline;

    #[test]
    fn only_one_trailing_newline_is_removed() {
        assert_eq!(strip_one_newline("abc\n"), "abc");
        assert_eq!(strip_one_newline("abc\r\n"), "abc");
        assert_eq!(strip_one_newline("abc\n\n"), "abc\n");
        assert_eq!(strip_one_newline(" abc"), " abc");
    }
}
