use async_trait::async_trait;

use super::{config, load_response, unreadable};
use crate::check::{Cause, Check, CheckDoc, RunCtx, RunOptions, Verdict};
use crate::target::Target;

/// `Destination` and bearer `Recipient` equal the ACS URL.
pub struct ResponseDestination;

static DOC: CheckDoc = CheckDoc {
    id: "saml/response-destination-match",
    title: "The response's Destination and Recipient are the SP's ACS URL",
    what: "Compares the Response `Destination` and the bearer SubjectConfirmationData `Recipient` with the ACS URL \
           (`--acs-url`) byte for byte. A signed response posted to an SP must carry Destination.",
    why: "SPs discard responses whose Destination or Recipient is not the URL they were received at — a defence \
          against responses meant for another SP. The usual cause is a Reply URL at the IdP that differs from the \
          SP's ACS URL in scheme, host, path or trailing slash (behind a proxy: http vs https).",
    fix: "Set the IdP's Reply URL (ACS) to exactly the SP's ACS URL (Entra: Basic SAML Configuration > Reply URL); \
          behind a reverse proxy, make the SP build its ACS URL from the public https address.",
    references: &[
        "SAML 2.0 Core §3.2.2",
        "SAML 2.0 Bindings §3.5.5.2",
        "SAML 2.0 Profiles §4.1.4.3",
    ],
    diagnoses: &["saml/destination-mismatch"],
};

#[async_trait]
impl Check for ResponseDestination {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    fn applies(&self, target: &Target, _: &RunOptions) -> Result<(), String> {
        match config(target) {
            Some(c) if c.response.is_some() && c.acs_url.is_some() => Ok(()),
            _ => Err("give --response-file and --acs-url".into()),
        }
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let Some((_, r)) = load_response(ctx) else {
            return unreadable();
        };
        let acs = config(ctx.target())
            .and_then(|c| c.acs_url.clone())
            .unwrap_or_default();
        let mut problems = Vec::new();
        match &r.destination {
            Some(d) if d == &acs => {}
            Some(d) => problems.push(format!("Destination is {d}")),
            None if r.response_signed => {
                problems.push("no Destination on a signed response".into())
            }
            None => {}
        }
        match &r.recipient {
            Some(rc) if rc == &acs => {}
            Some(rc) => problems.push(format!("Recipient is {rc}")),
            None => problems.push("no Recipient in SubjectConfirmationData".into()),
        }
        if problems.is_empty() {
            Verdict::pass(Vec::new())
        } else {
            let detail = problems.iter().find_map(|p| {
                let got = p.rsplit(' ').next()?;
                crate::federation::redirect::compare(&acs, got)
                    .map(|d| format!("Compared with the ACS URL: {}.", d.describe()))
            });
            let mut cause = Cause::new("saml/destination-mismatch");
            if let Some(d) = detail {
                cause = cause.detail(d);
            }
            Verdict::fail(
                format!("Destination and Recipient = {acs}"),
                problems.join("; "),
                Vec::new(),
                cause,
            )
        }
    }
}
