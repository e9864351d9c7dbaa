//! Limits on what the window may send to a command. The webview is the less trusted side
//! of IPC: a compromised or buggy page could send a 50 MB "URL", a token with a NUL in it or
//! a profile name made of escape sequences. Each command checks its arguments here first,
//! so such input is refused with a clear `{ code, message }` before it reaches the keyring,
//! the disk or the network.

use crate::error::{IpcError, IpcResult};

/// Longest base URL, issuer or redirect URI accepted (browsers and IdPs stop near 2 KB).
pub const MAX_URL_LEN: usize = 2048;
/// Longest token or client secret (Entra access tokens with many groups reach ~8 KB).
pub const MAX_TOKEN_LEN: usize = 16 * 1024;
/// Largest JSON document (a test user, a pasted SAML response is separate) accepted.
pub const MAX_JSON_BYTES: usize = 256 * 1024;
/// Longest pasted text (an IdP error message, a SAML response, PEM, metadata XML).
pub const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;
/// Longest profile display name.
pub const MAX_PROFILE_NAME_LEN: usize = 100;
/// Longest short identifier (IdP, dialect, vendor, secret kind, run id, check id).
pub const MAX_WORD_LEN: usize = 128;
/// Most items in a list argument (e.g. `only` check ids).
pub const MAX_LIST_ITEMS: usize = 256;

fn too_long(what: &str, max: usize, unit: &str) -> IpcError {
    IpcError::new(
        "input/too-large",
        format!("the {what} is longer than {max} {unit}; check what was pasted"),
    )
}

fn invalid(what: &str, why: &str) -> IpcError {
    IpcError::new("input/invalid", format!("the {what} {why}"))
}

/// A URL-shaped argument: bounded, one line, no control characters.
pub fn url(what: &str, value: &str) -> IpcResult<()> {
    if value.len() > MAX_URL_LEN {
        return Err(too_long(what, MAX_URL_LEN, "characters"));
    }
    if value.trim().chars().any(char::is_control) {
        return Err(invalid(
            what,
            "contains control characters; paste it again without them",
        ));
    }
    Ok(())
}

/// A token or client secret: bounded and free of NUL (which no HTTP header can carry).
/// Leading/trailing whitespace is left for the token lint to name precisely.
pub fn secret(value: &str) -> IpcResult<()> {
    if value.len() > MAX_TOKEN_LEN {
        return Err(too_long("token", MAX_TOKEN_LEN, "bytes"));
    }
    if value.contains('\0') {
        return Err(invalid(
            "token",
            "contains a NUL character; copy it again from the IdP",
        ));
    }
    Ok(())
}

/// A JSON document argument: bounded in size and well-formed (empty means "none").
pub fn json(what: &str, text: &str) -> IpcResult<()> {
    if text.len() > MAX_JSON_BYTES {
        return Err(too_long(what, MAX_JSON_BYTES, "bytes"));
    }
    if !text.trim().is_empty() {
        serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| invalid(what, &format!("is not valid JSON: {e}")))?;
    }
    Ok(())
}

/// A pasted configuration document (TOML or JSON, e.g. mapping overrides): bounded like a
/// JSON argument; its syntax is judged by the parser that reads it.
pub fn document(what: &str, text: &str) -> IpcResult<()> {
    if text.len() > MAX_JSON_BYTES {
        return Err(too_long(what, MAX_JSON_BYTES, "bytes"));
    }
    Ok(())
}

/// Pasted free text: bounded in size only (its content is data, judged elsewhere).
pub fn text(what: &str, text: &str) -> IpcResult<()> {
    if text.len() > MAX_TEXT_BYTES {
        return Err(too_long(what, MAX_TEXT_BYTES, "bytes"));
    }
    Ok(())
}

/// A short identifier: bounded, printable ASCII without spaces.
pub fn word(what: &str, value: &str) -> IpcResult<()> {
    if value.len() > MAX_WORD_LEN {
        return Err(too_long(what, MAX_WORD_LEN, "characters"));
    }
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid(
            what,
            "may contain only letters, digits and punctuation, no spaces",
        ));
    }
    Ok(())
}

/// A profile display name: 1–100 characters, no control or bidi-steering characters (the
/// name is shown in the sidebar, the CLI and keyring prompts).
pub fn profile_name(name: &str) -> IpcResult<()> {
    let name = name.trim();
    if name.is_empty() {
        return Err(invalid("profile name", "is empty; give the profile a name"));
    }
    if name.chars().count() > MAX_PROFILE_NAME_LEN {
        return Err(too_long("profile name", MAX_PROFILE_NAME_LEN, "characters"));
    }
    if preflight_core::report::terminal_safe(name) != name {
        return Err(invalid(
            "profile name",
            "contains control or text-direction characters; use plain text",
        ));
    }
    Ok(())
}

/// A list argument: bounded in length, each item a [`word`].
pub fn words(what: &str, items: &[String]) -> IpcResult<()> {
    if items.len() > MAX_LIST_ITEMS {
        return Err(too_long(what, MAX_LIST_ITEMS, "items"));
    }
    items.iter().try_for_each(|item| word(what, item))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: IpcResult<()>) -> &'static str {
        r.err().map(|e| e.code).unwrap_or("ok")
    }

    #[test]
    fn urls() {
        assert_eq!(
            code(url("base URL", "https://scim.example.com/scim/v2")),
            "ok"
        );
        assert_eq!(code(url("base URL", &"a".repeat(MAX_URL_LEN))), "ok");
        assert_eq!(
            code(url("base URL", &"a".repeat(MAX_URL_LEN + 1))),
            "input/too-large"
        );
        assert_eq!(
            code(url("base URL", "https://h/\u{1b}[2J")),
            "input/invalid"
        );
        assert_eq!(code(url("base URL", "https://h/a\nb")), "input/invalid");
        // A trailing newline from a paste is trimmed by the URL parser, not refused here.
        assert_eq!(code(url("base URL", "https://h/scim/v2\n")), "ok");
    }

    #[test]
    fn secrets() {
        assert_eq!(code(secret("eyJ.a.b")), "ok");
        assert_eq!(code(secret("Bearer abc\n")), "ok");
        assert_eq!(code(secret(&"x".repeat(MAX_TOKEN_LEN))), "ok");
        assert_eq!(
            code(secret(&"x".repeat(MAX_TOKEN_LEN + 1))),
            "input/too-large"
        );
        assert_eq!(code(secret("ab\0c")), "input/invalid");
    }

    #[test]
    fn json_documents() {
        assert_eq!(code(json("user", "")), "ok");
        assert_eq!(code(json("user", r#"{"userName":"a"}"#)), "ok");
        assert_eq!(code(json("user", "{not json")), "input/invalid");
        let big = format!("\"{}\"", "a".repeat(MAX_JSON_BYTES));
        assert_eq!(code(json("user", &big)), "input/too-large");
        let e = json("test user", "[1,").unwrap_err();
        assert!(
            e.message.starts_with("the test user is not valid JSON"),
            "{}",
            e.message
        );
    }

    #[test]
    fn words_and_lists() {
        assert_eq!(code(word("IdP", "entra")), "ok");
        assert_eq!(code(word("IdP", "entra okta")), "input/invalid");
        assert_eq!(code(word("IdP", "é")), "input/invalid");
        assert_eq!(
            code(word("IdP", &"a".repeat(MAX_WORD_LEN + 1))),
            "input/too-large"
        );
        let ids = vec!["scim/users-list-shape".to_string(); MAX_LIST_ITEMS];
        assert_eq!(code(words("check id", &ids)), "ok");
        let ids = vec!["x".to_string(); MAX_LIST_ITEMS + 1];
        assert_eq!(code(words("check id", &ids)), "input/too-large");
    }

    #[test]
    fn profile_names() {
        assert_eq!(code(profile_name("Acme prod (EU) — Zoë")), "ok");
        assert_eq!(code(profile_name("   ")), "input/invalid");
        assert_eq!(code(profile_name(&"n".repeat(MAX_PROFILE_NAME_LEN))), "ok");
        assert_eq!(
            code(profile_name(&"n".repeat(MAX_PROFILE_NAME_LEN + 1))),
            "input/too-large"
        );
        assert_eq!(code(profile_name("evil\u{1b}[2J")), "input/invalid");
        assert_eq!(code(profile_name("abc\u{202e}fed")), "input/invalid");
    }

    #[test]
    fn pasted_text() {
        assert_eq!(code(text("SAML response", &"a".repeat(1024))), "ok");
        assert_eq!(
            code(text("SAML response", &"a".repeat(MAX_TEXT_BYTES + 1))),
            "input/too-large"
        );
    }
}
