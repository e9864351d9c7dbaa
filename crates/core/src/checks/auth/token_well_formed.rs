use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::target::Credential;

/// Local lint of the pasted credential — no request is sent.
pub struct TokenWellFormed;

static DOC: CheckDoc = CheckDoc {
    id: "auth/token-well-formed",
    title: "The token looks like a clean copy",
    what: "Inspects the credential before anything is sent: it must not be empty, must not start with `Bearer ` \
           (the IdP adds that itself), and must not contain spaces, line breaks, quotes or other characters a \
           copy from a portal or e-mail tends to drag along.",
    why: "The IdP puts the token field verbatim after `Bearer `. A token pasted as `Bearer abc` goes out as \
          `Bearer Bearer abc`; a trailing newline or quote makes it a different token. The server answers 401 and \
          the IdP's log only says the credentials are invalid.",
    fix: "Copy the token again from the SCIM vendor's portal, paste it into a plain text field first, remove a \
          leading `Bearer ` and any spaces or quotes, then paste it into the IdP's token field.",
    references: &["RFC 6750 §2.1 (b64token syntax)"],
    diagnoses: &[
        "auth/token-missing",
        "auth/token-malformed",
        "auth/bearer-prefix-duplicated",
    ],
};

/// What is wrong with a credential string, if anything.
fn lint(value: &str, label: &str) -> Option<(Cause, String)> {
    if value.trim().is_empty() {
        return Some((
            Cause::new("auth/token-missing"),
            format!("the {label} is empty"),
        ));
    }
    let lower = value.trim_start().to_ascii_lowercase();
    if lower.starts_with("bearer ") || lower.starts_with("bearer\t") {
        return Some((
            Cause::new("auth/bearer-prefix-duplicated")
                .detail("Remove `Bearer ` from the start of the value you paste."),
            format!("the {label} starts with `Bearer `"),
        ));
    }
    let mut problems = Vec::new();
    if value != value.trim() {
        problems.push("leading or trailing whitespace");
    }
    if value.contains('\n') || value.contains('\r') {
        problems.push("a line break");
    }
    if value.trim().contains([' ', '\t']) {
        problems.push("a space inside");
    }
    if value.contains(['"', '\'', '“', '”', '‘', '’', '<', '>']) {
        problems.push("quote or bracket characters");
    }
    if value
        .chars()
        .any(|c| !c.is_ascii() || (c.is_ascii_control() && !c.is_ascii_whitespace()))
    {
        problems.push("non-ASCII or control characters");
    }
    if problems.is_empty() {
        return None;
    }
    Some((
        Cause::new("auth/token-malformed").detail(format!("Found {}.", problems.join(", "))),
        format!("the {label} contains {}", problems.join(", ")),
    ))
}

#[async_trait]
impl Check for TokenWellFormed {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let expected = "a non-empty token without a `Bearer ` prefix, whitespace or quotes";
        let problem = match &ctx.target().credential {
            Credential::None => Some((
                Cause::new("auth/token-missing").detail("Give the token on stdin (--token-stdin), in PREFLIGHT_TOKEN, or from a profile."),
                "no credential was given".to_string(),
            )),
            Credential::Bearer(token) => lint(token.expose(), "token"),
            Credential::ClientCredentials { client_id, client_secret, .. } => {
                lint(client_id, "client ID").or_else(|| lint(client_secret.expose(), "client secret"))
            }
        };
        match problem {
            None => Verdict::pass(vec![]),
            Some((cause, actual)) => Verdict::fail(expected, actual, vec![], cause),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::lint;

    #[test]
    fn lint_names_each_copy_paste_mistake() {
        assert!(lint("scim_abcDEF123", "token").is_none());
        assert_eq!(lint("", "token").unwrap().0.code, "auth/token-missing");
        assert_eq!(
            lint("Bearer abc", "token").unwrap().0.code,
            "auth/bearer-prefix-duplicated"
        );
        assert_eq!(
            lint("abc\n", "token").unwrap().0.code,
            "auth/token-malformed"
        );
        assert_eq!(
            lint("\"abc\"", "token").unwrap().0.code,
            "auth/token-malformed"
        );
        assert_eq!(
            lint("ab c", "token").unwrap().0.code,
            "auth/token-malformed"
        );
    }
}
