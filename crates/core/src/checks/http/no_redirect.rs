use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};

/// No SCIM call of the run was answered with a redirect.
pub struct NoRedirect;

static DOC: CheckDoc = CheckDoc {
    id: "http/no-redirect",
    title: "No request was redirected",
    what: "Looks at every response of this run for a 3xx status. Preflight never follows redirects on SCIM \
           calls, so the redirect itself is the evidence.",
    why: "Whether IdPs follow redirects on SCIM calls is not documented; a 301–303 turns a POST into a GET, and a \
          client that follows a redirect to another origin must not send the token along. A redirect usually \
          means the base URL is an old or non-canonical address (http→https, missing trailing path, a login page).",
    fix: "Use the final URL (the `Location` of the redirect) as the base URL, provided it is the vendor's \
          documented SCIM address.",
    references: &["RFC 9110 §15.4", "RFC 7644 §3.12 (307/308)"],
    diagnoses: &["url/redirects"],
};

#[async_trait]
impl Check for NoRedirect {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let all = ctx.probe.exchanges();
        let redirected: Vec<_> = all
            .iter()
            .filter(|x| x.response.as_ref().is_some_and(|r| r.is_redirect()))
            .collect();
        match redirected.first() {
            None => {
                Verdict::pass_with_note(vec![], format!("{} responses, none redirected", all.len()))
            }
            Some(first) => {
                let to = first
                    .response
                    .as_ref()
                    .and_then(|r| r.header("location"))
                    .unwrap_or("(no Location)");
                Verdict::fail(
                    "no 3xx responses",
                    format!(
                        "{} of {} responses redirected; first: {} → {to}",
                        redirected.len(),
                        all.len(),
                        first.summary()
                    ),
                    redirected.iter().map(|x| x.id.clone()).collect(),
                    Cause::new("url/redirects"),
                )
            }
        }
    }
}
