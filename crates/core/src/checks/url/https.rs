use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};

/// IdPs only call SCIM endpoints over HTTPS.
pub struct Https;

static DOC: CheckDoc = CheckDoc {
    id: "url/https",
    title: "The base URL uses HTTPS",
    what: "Looks at the scheme of the base URL before anything is sent. `http://` fails, except on a loopback \
           address (a local test server), where it only warns.",
    why: "Entra, Okta and OneLogin refuse plain-HTTP SCIM endpoints (Entra requires TLS 1.2), and a bearer token \
          sent over HTTP can be read by anyone on the path.",
    fix: "Use the `https://` URL the SCIM vendor documents. If only an `http://` URL exists, the service must be \
          put behind TLS before an IdP can use it.",
    references: &[
        "RFC 7644 §7.2",
        "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups",
    ],
    diagnoses: &["tls/plain-http"],
};

#[async_trait]
impl Check for Https {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let url = &ctx.target().base_url;
        if url.scheme() == "https" {
            return Verdict::pass(vec![]);
        }
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => false,
        };
        let expected = "an https:// base URL";
        let actual = format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""));
        if loopback {
            Verdict::warn(
                expected,
                actual,
                vec![],
                Cause::new("tls/plain-http")
                    .detail("Fine for a local test server; the IdP will need the HTTPS address."),
            )
        } else {
            Verdict::fail(expected, actual, vec![], Cause::new("tls/plain-http"))
        }
    }
}
