use async_trait::async_trait;

use super::config;
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::target::Target;

/// Every allowed / login domain entry is a bare domain name.
pub struct DomainAllowlistValid;

static DOC: CheckDoc = CheckDoc {
    id: "sso/domain-allowlist-valid",
    title: "Every allowed login domain is a bare domain name",
    what: "Lints each entry of the app's allowed / login domains (`--allowed-domain`, repeatable). Fails on an entry \
           that is empty or has an `@`, a scheme (`https://`), a path, whitespace (also leading or trailing), a \
           wildcard `*`, or characters a domain name cannot have. Warns on upper case (domains are case-insensitive, \
           but an app that compares text exactly misses `contoso.com` against `Contoso.com`), non-ASCII (IDN) names \
           (users' addresses may use the `xn--` form; list both), a name without a dot, a trailing dot, and \
           duplicates. The wildcard, case and IDN rules are Preflight's policy, not a documented vendor rule.",
    why: "Apps route a user to SSO by the part of their email after the `@`. An entry that cannot equal that part never \
          matches: those users get a password prompt or a \"SSO not configured\" message and never reach the IdP.",
    fix: "Enter each domain as the bare part after the `@`: `yourcompany.com`, not `@yourcompany.com`, \
          `https://yourcompany.com` or `*.yourcompany.com`; lower case, no spaces; one entry per email domain \
          (subsidiaries and renamed domains included).",
    references: &["https://explore.airia.com/contact-us/sso-troubleshooting-guide"],
    diagnoses: &["sso/domain-allowlist"],
};

/// Problems of one entry: (is an error, what is wrong).
pub(crate) fn lint(entry: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let shown = format!("`{entry}`");
    if entry.trim().is_empty() {
        out.push((true, "an empty entry".into()));
        return out;
    }
    if entry.chars().any(char::is_whitespace) {
        out.push((true, format!("{shown} contains whitespace")));
    }
    let bare = entry.trim();
    if let Some((_, after)) = bare.split_once("://") {
        out.push((
            true,
            format!("{shown} has a scheme; enter `{}`", host_part(after)),
        ));
    } else if let Some(at) = bare.rfind('@') {
        out.push((
            true,
            format!("{shown} has an `@`; enter `{}`", &bare[at + 1..]),
        ));
    } else if bare.contains('/') {
        out.push((
            true,
            format!("{shown} has a path; enter `{}`", host_part(bare)),
        ));
    }
    if bare.contains('*') {
        out.push((
            true,
            format!("{shown} has a wildcard; list each domain users' addresses use"),
        ));
    }
    let odd: Vec<char> = bare
        .chars()
        .filter(|c| {
            c.is_ascii()
                && !c.is_ascii_alphanumeric()
                && !matches!(c, '.' | '-' | '@' | '*' | '/' | ':')
                && !c.is_whitespace()
        })
        .collect();
    if !odd.is_empty() {
        out.push((
            true,
            format!("{shown} has characters no domain name has: {odd:?}"),
        ));
    }
    if out.iter().any(|(e, _)| *e) {
        return out;
    }
    if bare.chars().any(|c| c.is_ascii_uppercase()) {
        out.push((
            false,
            format!(
                "{shown} has upper case; enter `{}`",
                bare.to_ascii_lowercase()
            ),
        ));
    }
    if !bare.is_ascii() {
        out.push((
            false,
            format!(
                "{shown} is an internationalised (IDN) name; add its `xn--` (punycode) form too"
            ),
        ));
    }
    if bare.ends_with('.') {
        out.push((
            false,
            format!(
                "{shown} ends with a dot; enter `{}`",
                bare.trim_end_matches('.')
            ),
        ));
    } else if !bare.contains('.') {
        out.push((false, format!("{shown} has no dot: not a full domain name")));
    }
    out
}

fn host_part(s: &str) -> String {
    let host = s.split(['/', '?', '#']).next().unwrap_or(s);
    host.rsplit('@').next().unwrap_or(host).to_ascii_lowercase()
}

#[async_trait]
impl Check for DomainAllowlistValid {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        match config(target) {
            Some(c) if !c.allowed_domains.is_empty() => Ok(()),
            _ => Err("no allowed domains given (--allowed-domain)".into()),
        }
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let domains = config(ctx.target())
            .map(|c| c.allowed_domains.clone())
            .unwrap_or_default();
        let mut problems: Vec<(bool, String)> = domains.iter().flat_map(|d| lint(d)).collect();
        let mut seen = std::collections::HashSet::new();
        for d in &domains {
            if !seen.insert(d.trim().to_lowercase()) {
                problems.push((false, format!("`{d}` is listed twice")));
            }
        }
        if problems.is_empty() {
            return Verdict::pass_with_note(
                Vec::new(),
                format!("{} domain(s): {}", domains.len(), domains.join(", ")),
            );
        }
        let errors = problems.iter().any(|(e, _)| *e);
        let text: Vec<String> = problems.into_iter().map(|(_, p)| p).collect();
        let verdict = Verdict::fail(
            "bare, lower-case domain names such as `yourcompany.com`",
            text.join("; "),
            Vec::new(),
            Cause::new("sso/domain-allowlist"),
        );
        if errors { verdict } else { verdict.soften() }
    }
}

#[cfg(test)]
mod tests {
    use super::lint;

    fn errors(entry: &str) -> usize {
        lint(entry).iter().filter(|(e, _)| *e).count()
    }

    #[test]
    fn malformed_entries_are_errors_and_style_issues_warnings() {
        assert!(lint("contoso.com").is_empty());
        assert!(lint("sub.contoso.co.uk").is_empty());
        for bad in [
            "@contoso.com",
            "https://contoso.com",
            "contoso .com",
            " contoso.com",
            "*.contoso.com",
            "contoso.com/login",
            "",
            "con_toso.com",
        ] {
            assert!(errors(bad) > 0, "{bad:?} should be an error");
        }
        assert!(
            lint("https://contoso.com/x")[0]
                .1
                .contains("enter `contoso.com`")
        );
        assert!(
            lint("alice@contoso.com")[0]
                .1
                .contains("enter `contoso.com`")
        );
        for warn in ["Contoso.com", "bücher.example", "contoso", "contoso.com."] {
            let l = lint(warn);
            assert!(!l.is_empty() && errors(warn) == 0, "{warn:?}: {l:?}");
        }
    }
}
