//! Against a third real third-party SCIM server: django-scim2 0.23.0 (PyPI) on Django 5.2,
//! installed by `tests/real-servers/install.sh` and started on 127.0.0.1 by `django_scim2_server`
//! (`tests/real-servers/django-scim2/serve.py`: Django's own user model with the library's SCIM
//! mixins, its default adapters, views and filter parser, one bearer token). Drives the real
//! `preflight` binary read-only for every IdP and in write mode for every dialect.
//!
//! Every finding is asserted exactly, and each one is a real deviation of django-scim2 from
//! RFC 7643/7644 or from what an IdP needs (the letters below; the comments say which). A new
//! finding fails the test, so a check tuned to one server's habits shows up here.
//!
//! django-scim2 deviations seen (django-scim2 0.23.0, scim2-filter-parser 0.7.0):
//! * A — every view, discovery included, is behind the auth check: 401 without a token on
//!   /ServiceProviderConfig, /ResourceTypes, /Schemas (RFC 7643 §5: SHOULD be readable) → warn.
//! * B — the /ResourceTypes and /Schemas ListResponses carry no `totalResults`, which
//!   RFC 7644 §3.4.2 makes REQUIRED in every ListResponse (§4 returns them as ListResponses).
//! * C — filters: only `userName`, `name.*` and `active` are mapped to columns, by their exact
//!   spelling. `externalId eq` finds nothing (RFC 7643 §3.1: clients locate resources by it) and
//!   `USERNAME eq` finds nothing although attribute names are case-insensitive
//!   (RFC 7644 §3.4.2.2) → `scim/filter-unsupported`.
//! * D — an unparsable filter is a 400 without `scimType: invalidFilter` (RFC 7644 §3.4.2.2,
//!   §3.12) → warn.
//! * E — `startIndex=0` is refused with 400; RFC 7644 §3.4.2.4 says a value below 1 SHALL be
//!   read as 1.
//! * F — Error bodies carry `status` as a JSON number; RFC 7644 §3.12 says a string.
//! * G — `excludedAttributes=members` on /Groups still returns members; RFC 7644 §3.9 says
//!   service providers MUST support `attributes`/`excludedAttributes`. The same holds for one
//!   user (`attributes=userName`, `excludedAttributes=emails`) → J.
//! * H — every answer is `application/scim+json`, also when the client asks for
//!   `application/json` (allowed by RFC 7644 §3.8; OneLogin's guide asks for JSON) → a
//!   OneLogin-only warning.
//! * I — `userName` is unique only case-sensitively (Django's username column), although
//!   RFC 7643 §4.1.1 makes it case-insensitive with server uniqueness → warn.
//! * K — PUT drops `displayName` (the adapter derives it from the name) although /Schemas
//!   declares it readWrite; RFC 7644 §3.5.1 replaces every readWrite attribute.
//! * L — PATCH `replace` of `displayName` (User and Group) answers 501 whatever the op's case;
//!   /Schemas declares it readWrite (RFC 7644 §3.5.2.3). The op's case itself is ignored
//!   (`"Replace"` works on `name.givenName`), so `scim/users-patch-op-case` passes.
//! * M — PATCH `"active": "False"` (a string, as Entra sends without `aadOptscim062020`) is
//!   refused with 400: right per RFC 7643 §2.3.2 but it breaks Entra's default deactivation —
//!   a fail for `entra-default`, a warning for dialects that never send it.
//! * N — PATCH errors are 500s: `remove` without `path` (RFC 7644 §3.5.2.2: 400 `noTarget`) and
//!   a malformed path (RFC 7644 §3.12: 400 `invalidPath`).
//! * O — group members cannot be removed with `members[value eq "id"]` (501), the form
//!   RFC 7644 §3.5.2.2 defines and Okta, OneLogin and Entra (with the flag) send; a group PUT
//!   ignores `members` (RFC 7644 §3.5.1), which breaks Okta OIN's group push.
//! * P — PATCH `add` on the read-only `groups` attribute answers 501 instead of 400
//!   `mutability` (RFC 7644 §3.5.2, §3.12).
//! * Q — Entra's `aadOptscim062020` update (one pathless replace with `displayName` and
//!   `name.givenName`) is refused with 501 — L again, through the pathless form.

use serde_json::{Value, json};

mod django_scim2_server;
mod real_server_support;

use django_scim2_server::{Server, start};
use real_server_support::{
    assert_no_leak_in_files, assert_read_only_run, assert_short_urls_name_the_base,
    assert_write_run, assert_wrong_token_named, check_named, diagnoses, seed_users,
};

/// Findings every run has, read-only or not (A–F, and G on /Groups).
const COMMON: &[&str] = &[
    // Plain HTTP on loopback: the usual warning.
    "warn:url/https=tls/plain-http",
    // A
    "warn:scim/discovery-unauthenticated=auth/discovery-requires-auth",
    // B
    "fail:scim/discovery-shape=scim/schema-mismatch",
    // C
    "fail:scim/users-filter-eq=scim/filter-unsupported",
    // D
    "warn:scim/users-filter-invalid=scim/error-shape",
    // E
    "fail:scim/users-paging=scim/pagination",
    // F
    "fail:scim/error-body-shape=scim/error-shape",
    // G
    "fail:scim/groups-list-shape=scim/list-response-shape",
];

/// A directory as an IdP finds it: users to search for and a group with a member.
fn seed(server: &Server) {
    let ids = seed_users(server, false);
    let group = server.create(
        "/Groups",
        &json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Seed Engineering"
        }),
    );
    // A create ignores `members` (O), so the member is added the way the library supports.
    let (status, body) = server.request(
        "PATCH",
        &format!("/Groups/{group}"),
        Some(&json!({
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": ids[0]}]}]
        })),
    );
    assert_eq!(status, 200, "adding the seeded member: {body}");
}

/// Read-only for every IdP, a wrong token and base URLs that stop short of `/scim/v2`.
#[test]
fn preflight_reads_django_scim2_for_every_idp() {
    let canary = format!("preflight-django-scim2-canary-{}", std::process::id());
    let Some(server) = start(&canary) else { return };
    seed(&server);
    let data = std::env::temp_dir().join(format!("preflight-django-read-{}", std::process::id()));

    for idp in ["entra", "okta", "onelogin", "generic"] {
        let mut expected = COMMON.to_vec();
        if idp == "onelogin" {
            // H
            expected.push("warn:onelogin/test-connection=scim/content-type");
        }
        let r = assert_read_only_run(server.base_url(), &canary, idp, &expected, &data);
        // The IdP's own connection test passes: the token works and /Users lists users.
        let idp_test = match idp {
            "entra" => Some("entra/test-connection"),
            "okta" => Some("okta/test-api-credentials"),
            _ => None,
        };
        if let Some(id) = idp_test {
            assert_eq!(check_named(&r, id)["status"], "pass", "--idp {idp}: {id}");
        }
    }

    // A wrong token: django-scim2 answers 401 with an empty body (labelled text/html by Django)
    // and a Bearer challenge. That is a refused token — not a web page, not a wrong URL.
    let r = assert_wrong_token_named(server.base_url(), &canary, &data);
    assert_eq!(check_named(&r, "scim/endpoint-reachable")["status"], "pass");
    let codes = diagnoses(&r);
    assert!(!codes.contains(&"url/not-scim"), "{codes:?}");

    // The server root and `/scim`: Django's 404 page there; one or two segments deeper
    // discovery asks for a token — Preflight names the missing segment and the URL that works.
    assert_short_urls_name_the_base(&server.root_url(), server.base_url(), &canary, &data);
    assert_no_leak_in_files(&data, &canary);
    let _ = std::fs::remove_dir_all(&data);
}

/// `--write` for every dialect: each run creates, changes and deletes its own test objects.
#[test]
fn preflight_writes_to_django_scim2_for_every_dialect() {
    let canary = format!("preflight-django-scim2-write-canary-{}", std::process::id());
    let Some(server) = start(&canary) else { return };
    seed(&server);
    let before = server.counts();
    assert_eq!(before, (Some(3), Some(1)));
    let data = std::env::temp_dir().join(format!("preflight-django-write-{}", std::process::id()));
    let dialects = [
        ("entra-default", "entra/provision-on-demand"),
        (
            "entra-aadoptscim062020",
            "entra/aadoptscim062020-user-cycle",
        ),
        ("okta-patch", "okta/assign-user"),
        ("okta-oin", "okta/assign-user-put"),
        ("onelogin", "onelogin/provision-user"),
        ("generic-rfc7644", "scim/rfc7644-user-lifecycle"),
    ];
    for (dialect, user_flow) in dialects {
        let mut expected = COMMON.to_vec();
        expected.extend([
            // I
            "warn:scim/users-create-duplicate=scim/uniqueness-not-enforced",
            // J (G for one user)
            "fail:scim/users-read=scim/schema-mismatch",
            // K
            "fail:scim/users-put-replace=scim/put-replace",
            // L: the check's first step, a replace of displayName with a path, is a 501.
            "fail:scim/users-patch-pathless=scim/server-error",
            // N
            "fail:scim/users-patch-errors=scim/server-error",
            // O
            "fail:scim/groups-members=scim/patch-members",
            // P
            "fail:scim/users-groups-readonly=scim/schema-mismatch",
        ]);
        // M: an error only for the dialect that sends "False" as a string.
        expected.push(if dialect == "entra-default" {
            "fail:scim/users-patch-boolean-string=scim/patch-boolean-string"
        } else {
            "warn:scim/users-patch-boolean-string=scim/patch-boolean-string"
        });
        // The IdP's own flows: where each one breaks on this server.
        expected.extend(match dialect {
            // L: the update replaces displayName; "replace" in lower case is refused too, so
            // the op's case is not blamed. The group rename (Replace displayName) likewise.
            "entra-default" => vec![
                "fail:entra/provision-on-demand=scim/schema-mismatch",
                "fail:entra/provision-group=scim/schema-mismatch",
            ],
            // Q, and O for the member removal.
            "entra-aadoptscim062020" => vec![
                "fail:entra/aadoptscim062020-user-cycle=scim/schema-mismatch",
                "fail:entra/aadoptscim062020-group-cycle=scim/patch-members",
            ],
            // O: the members PATCH; the user flows pass.
            "okta-patch" => vec!["fail:okta/push-group=scim/patch-members"],
            // O: the group PUT drops members.
            "okta-oin" => vec!["fail:okta/push-group-put=scim/patch-members"],
            "onelogin" => vec!["fail:onelogin/push-group=scim/patch-members"],
            // L and O.
            "generic-rfc7644" => vec![
                "fail:scim/rfc7644-user-lifecycle=scim/schema-mismatch",
                "fail:scim/rfc7644-group-lifecycle=scim/patch-members",
            ],
            _ => unreachable!("every dialect is listed"),
        });
        let r = assert_write_run(server.base_url(), &canary, dialect, &expected, &data);
        // The op's case is ignored by django-scim2: proven on name.givenName, not blamed.
        assert_eq!(
            check_named(&r, "scim/users-patch-op-case")["status"],
            "pass",
            "--dialect {dialect}"
        );
        // Okta's and OneLogin's user flows work end to end on this server.
        if matches!(dialect, "okta-patch" | "okta-oin" | "onelogin") {
            assert_eq!(
                check_named(&r, user_flow)["status"],
                "pass",
                "--dialect {dialect}: {user_flow}"
            );
        }
        // Every test object was removed at the end of the run, counted through django-scim2's
        // own API; the seeded ones are intact.
        assert_eq!(
            server.counts(),
            before,
            "--dialect {dialect} left objects behind or removed seeded ones"
        );
        let (status, left) = server.request(
            "GET",
            "/Users?filter=userName%20sw%20%22preflight-test-%22",
            None,
        );
        assert_eq!(status, 200, "the leftover search: {left}");
        assert_eq!(
            serde_json::from_str::<Value>(&left).unwrap()["totalResults"],
            0,
            "--dialect {dialect} left a preflight-test- user: {left}"
        );
    }
    assert_no_leak_in_files(&data, &canary);
    let _ = std::fs::remove_dir_all(&data);
}
