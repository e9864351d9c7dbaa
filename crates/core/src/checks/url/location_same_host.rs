use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::TOKEN_GATE;
use crate::probe::Req;

/// Resources should say they live where we asked for them.
pub struct LocationSameHost;

static DOC: CheckDoc = CheckDoc {
    id: "url/location-same-host",
    title: "Resources point back to the same host",
    what: "Reads `meta.location` of the users returned by `/Users` and compares its host with the base URL's.",
    why: "A `meta.location` on another host usually means the URL and the token belong to different tenants or \
          environments (staging vs production) behind a shared gateway — users would land in the wrong place.",
    fix: "Make sure the base URL and the token come from the same tenant and environment in the vendor's portal. \
          If the vendor deliberately reports another host, note it for support.",
    references: &["RFC 7643 §3.1 (meta.location)"],
    diagnoses: &["url/wrong-tenant"],
};

#[async_trait]
impl Check for LocationSameHost {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[TOKEN_GATE]) {
            return blocked;
        }
        let x = ctx
            .probe
            .fetch(Req::get("/Users?startIndex=1&count=2").purpose("list users"))
            .await;
        let Some(list) = x.response.as_ref().and_then(|r| r.json()) else {
            return Verdict::Skip("no user list to inspect".into());
        };
        let ours = ctx
            .target()
            .base_url
            .host_str()
            .unwrap_or("")
            .to_ascii_lowercase();
        let locations: Vec<String> = list
            .get("Resources")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
            .filter_map(|u| {
                u.pointer("/meta/location")
                    .and_then(|l| l.as_str())
                    .map(str::to_string)
            })
            .collect();
        if locations.is_empty() {
            return Verdict::Skip("no user with meta.location to compare".into());
        }
        let foreign: Vec<&String> = locations
            .iter()
            .filter(|l| {
                url::Url::parse(l)
                    .ok()
                    .and_then(|u| u.host_str().map(|h| h.to_ascii_lowercase()))
                    .is_some_and(|h| h != ours)
            })
            .collect();
        match foreign.first() {
            None => Verdict::pass(vec![x.id.clone()]),
            Some(first) => Verdict::warn(
                format!("meta.location on {ours}"),
                format!("meta.location is {first}"),
                vec![x.id.clone()],
                Cause::new("url/wrong-tenant"),
            ),
        }
    }
}
