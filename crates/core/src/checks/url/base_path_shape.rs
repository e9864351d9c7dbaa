use async_trait::async_trait;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::target::Idp;

/// The base URL must be the SCIM root, not a resource under it.
pub struct BasePathShape;

static DOC: CheckDoc = CheckDoc {
    id: "url/base-path-shape",
    title: "The base URL is the SCIM root, not a resource",
    what: "Looks at the base URL's path before anything is sent: it must not end in a resource such as `/Users`, \
           `/Groups` or `/ServiceProviderConfig`. For Okta, the host must not contain `_`.",
    why: "IdPs append `/Users` and `/Groups` themselves: a base URL ending in `/Users` becomes `/Users/Users` and \
          every call 404s. Okta refuses base URLs with an underscore.",
    fix: "Remove the resource segment so the URL ends at the SCIM root (often `…/scim/v2`), then update the IdP's \
          Tenant URL / SCIM connector base URL / SCIM Base URL.",
    references: &[
        "RFC 7644 §3.2",
        "https://developer.okta.com/docs/guides/scim-provisioning-integration-prepare/main/",
    ],
    diagnoses: &["url/includes-resource-path"],
};

const RESOURCE_SEGMENTS: &[&str] = &[
    "users",
    "groups",
    "serviceproviderconfig",
    "resourcetypes",
    "schemas",
    "me",
    "bulk",
    ".search",
];

#[async_trait]
impl Check for BasePathShape {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        let url = &ctx.target().base_url;
        let path = url.path().trim_end_matches('/');
        let last = path.rsplit('/').next().unwrap_or("");
        if RESOURCE_SEGMENTS.contains(&last.to_ascii_lowercase().as_str()) {
            let mut root = url.clone();
            root.set_path(&path[..path.len() - last.len()]);
            root.set_query(url.query());
            let suggestion = root.as_str().trim_end_matches('/').to_string();
            return Verdict::fail(
                "a base URL that ends at the SCIM root",
                format!("the path ends in `/{last}`"),
                vec![],
                Cause::new("url/includes-resource-path").detail(format!("Use {suggestion}")),
            );
        }
        if ctx.target().idp == Idp::Okta && url.host_str().is_some_and(|h| h.contains('_')) {
            return Verdict::fail(
                "a host name without `_` (Okta rejects it)",
                format!("host {}", url.host_str().unwrap_or("")),
                vec![],
                Cause::new("url/includes-resource-path").detail("Okta does not accept an underscore in the SCIM base URL; ask the vendor for an alternative host name."),
            );
        }
        Verdict::pass(vec![])
    }
}
