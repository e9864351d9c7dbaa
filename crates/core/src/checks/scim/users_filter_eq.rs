use async_trait::async_trait;
use serde_json::Value;

use crate::check::{Cause, Check, CheckDoc, RunCtx, Verdict};
use crate::checks::judge::{TOKEN_GATE, outcome};
use crate::probe::Req;
use crate::scim::{encode_query_value, eq_filter, list_shape, member};

/// Filters on an existing user: exact userName, upper-cased attribute and value, externalId.
pub struct UsersFilterEq;

static DOC: CheckDoc = CheckDoc {
    id: "scim/users-filter-eq",
    title: "userName and externalId filters find an existing user",
    what: "Takes a user from `GET /Users` and searches for it with `userName eq`, with the attribute name and value \
           upper-cased (`USERNAME eq \"ALICE@…\"`, which must still match: attribute names and `userName` are \
           case-insensitive), and with `externalId eq` when the user has one. Read-only: skipped when the \
           directory is empty (run with --write to create a test user).",
    why: "Entra and Okta match every person by a `userName` (Entra also `externalId`) filter before creating. If \
          the filter misses an existing user, the IdP tries to create it again and gets 409, or links a duplicate.",
    fix: "For the SCIM service provider: implement `eq` on `userName` (case-insensitive) and `externalId`, with \
          case-insensitive attribute names (RFC 7644 §3.4.2.2).",
    references: &["RFC 7644 §3.4.2.2", "RFC 7643 §4.1.1"],
    diagnoses: &["scim/filter-unsupported", "scim/filter-case-sensitive"],
};

#[async_trait]
impl Check for UsersFilterEq {
    fn doc(&self) -> &'static CheckDoc {
        &DOC
    }

    async fn run(&self, ctx: &RunCtx<'_>) -> Verdict {
        if let Some(blocked) = ctx.blocked_by(&[TOKEN_GATE]) {
            return blocked;
        }
        let list = ctx
            .probe
            .fetch(Req::get("/Users?startIndex=1&count=2").purpose("list users"))
            .await;
        let first = list
            .response
            .as_ref()
            .and_then(|r| r.json())
            .and_then(|j| list_shape(&j).resources.into_iter().next());
        let Some(user) = first else {
            return Verdict::Skip(
                "the directory has no user to search for (use --write to create a test user)"
                    .into(),
            );
        };
        let (Some(id), Some(user_name)) = (
            member(&user, "id").and_then(Value::as_str),
            member(&user, "userName").and_then(Value::as_str),
        ) else {
            return Verdict::Skip("the first user has no id or userName".into());
        };
        // The third field: does a miss mean only that case is compared (the lookup itself works)?
        let mut probes = vec![
            ("userName eq", eq_filter("userName", user_name), false),
            (
                "USERNAME eq (upper-cased value)",
                eq_filter("USERNAME", &user_name.to_uppercase()),
                true,
            ),
        ];
        if let Some(external) = member(&user, "externalId").and_then(Value::as_str) {
            probes.push(("externalId eq", eq_filter("externalId", external), false));
        }
        let mut evidence = vec![list.id.clone()];
        let mut unsupported = Vec::new();
        let mut case_only = Vec::new();
        for (label, filter, case_probe) in probes {
            let x = ctx
                .probe
                .send(
                    Req::get(format!(
                        "/Users?filter={}",
                        encode_query_value(&filter, false)
                    ))
                    .purpose(format!("filter: {label}")),
                )
                .await;
            evidence.push(x.id.clone());
            let found = x
                .response
                .as_ref()
                .filter(|r| r.status == 200)
                .and_then(|r| r.json())
                .is_some_and(|j| {
                    list_shape(&j)
                        .resources
                        .iter()
                        .any(|u| member(u, "id").and_then(Value::as_str) == Some(id))
                });
            if !found {
                let line = format!("{label} → {}", outcome(&x));
                if case_probe {
                    case_only.push(line)
                } else {
                    unsupported.push(line)
                }
            }
        }
        let expected = format!("each filter returns the user {user_name}");
        if !unsupported.is_empty() {
            // The lookup itself fails: the case probe cannot tell anything more.
            unsupported.extend(case_only);
            return Verdict::fail(
                expected,
                unsupported.join("; "),
                evidence,
                Cause::new("scim/filter-unsupported"),
            );
        }
        if !case_only.is_empty() {
            return Verdict::fail(
                expected,
                case_only.join("; "),
                evidence,
                Cause::new("scim/filter-case-sensitive"),
            );
        }
        Verdict::pass(evidence)
    }
}
