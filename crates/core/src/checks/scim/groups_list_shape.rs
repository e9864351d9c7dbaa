use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{TOKEN_GATE, outcome, unexpected};
use crate::probe::Req;
use crate::scim::{endpoint_names, list_shape, member};

/// `/Groups` without members, as Entra and Okta read it before pushing groups.
pub struct GroupsListShape;

static DOC: CheckDoc = CheckDoc {
    id: "scim/groups-list-shape",
    title: "/Groups returns a ListResponse (members excluded)",
    what: "Sends `GET /Groups?excludedAttributes=members&startIndex=1&count=1` and checks the ListResponse. \
           Skipped when `/ResourceTypes` shows the target has no Group resource.",
    why: "Group push starts with a `/Groups` search; Entra always asks for it without members so large groups do \
          not time out. If it fails, groups never sync although users do.",
    fix: "For the SCIM service provider: serve `/Groups` as a ListResponse and honour `excludedAttributes=members`. \
          If the target has no groups, turn off group provisioning in the IdP (Entra: Mappings > Provision \
          Microsoft Entra ID Groups > Enabled: No; Okta: uncheck Push Groups).",
    references: &[
        "RFC 7644 §3.4.2",
        "RFC 7644 §3.4.2.5",
        "https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups",
    ],
    diagnoses: &["scim/list-response-shape"],
};

#[async_trait]
impl Check for GroupsListShape {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[TOKEN_GATE]) {
            return blocked;
        }
        let types = ctx
            .probe
            .fetch(Req::get("/ResourceTypes").purpose("discovery with the token"))
            .await;
        let no_groups = types
            .response
            .as_ref()
            .filter(|r| r.status == 200)
            .and_then(|r| r.json())
            .map(|j| list_shape(&j).resources)
            .is_some_and(|rts| {
                // "Groups", "/Groups" or the full path under the base URL (`endpoint_names`).
                let base_path = ctx.target().base_url.path();
                !rts.is_empty()
                    && !rts.iter().any(|rt| {
                        member(rt, "endpoint")
                            .and_then(|e| e.as_str())
                            .is_some_and(|e| endpoint_names(e, "Groups", base_path))
                    })
            });
        if no_groups {
            return Verdict::Skip("the target declares no Group resource type".into());
        }
        let x = ctx
            .probe
            .fetch(
                Req::get("/Groups?excludedAttributes=members&startIndex=1&count=1")
                    .purpose("list groups without members"),
            )
            .await;
        let expected = "a ListResponse of groups";
        let Some(json) = x
            .response
            .as_ref()
            .filter(|r| r.status == 200)
            .and_then(|r| r.json())
        else {
            return match x.response.as_ref() {
                Some(r) if r.status == 200 && !r.looks_like_html() => {
                    Verdict::fail(expected, "200 with a body that is not JSON", vec![x.id.clone()], Cause::new("scim/list-response-shape"))
                }
                // Not "unknown id" (scim/not-found-status): the collection itself is missing.
                Some(r) if r.status == 404 && !r.looks_like_html() => Verdict::fail(
                    expected,
                    outcome(&x),
                    vec![x.id.clone()],
                    Cause::new("scim/list-response-shape").detail("/Groups is not served. If the target has no groups, turn off group provisioning in the IdP."),
                ),
                _ => unexpected(&x, expected),
            };
        };
        let shape = list_shape(&json);
        let mut problems = shape.problems.clone();
        if shape.resources.iter().any(|g| {
            g.get("members")
                .is_some_and(|m| m.as_array().is_some_and(|a| !a.is_empty()))
        }) {
            problems.push("members were returned although excludedAttributes=members".into());
        }
        if problems.is_empty() {
            Verdict::pass(vec![x.id.clone()])
        } else {
            Verdict::fail(
                expected,
                problems.join("; "),
                vec![x.id.clone()],
                Cause::new("scim/list-response-shape"),
            )
        }
    }
}
