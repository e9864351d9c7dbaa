//! Against a second real third-party SCIM server: SCIMMY (npm `scimmy` 1.3.5 with
//! `scimmy-routers` 1.3.2 on Express), installed by `tests/real-servers/install.sh` and started
//! on 127.0.0.1 by `scimmy_server` (`tests/real-servers/scimmy/server.mjs`). Drives the real
//! `preflight` binary read-only for every IdP and in write mode for every dialect.
//!
//! Every finding is asserted exactly, and each one is a real deviation of SCIMMY from
//! RFC 7643/7644 or from what an IdP needs (the comments say which); a new finding fails the
//! test, so a check tuned to `scim2-server`'s habits shows up here as a false failure.
//!
//! SCIMMY deviations seen (scimmy 1.3.5, scimmy-routers 1.3.2):
//! * A — the router runs the auth handler before every route, discovery included: 401 without
//!   a token on /ServiceProviderConfig, /ResourceTypes, /Schemas. RFC 7643 §5 says the
//!   authentication schemes SHOULD be readable unauthenticated → warn.
//! * B — its 401 carries a SCIM Error body but no `WWW-Authenticate` header, which RFC 7644 §2
//!   and RFC 6750 §3 require (MUST) → `auth/challenge-missing`.
//! * C — `Filter.match` compares string values with `===`, so `userName eq "ALICE"` misses
//!   `alice`, although `userName` is caseExact=false (RFC 7643 §4.1.1) and filters compare per
//!   caseExact (RFC 7644 §3.4.2.2). Attribute names are matched case-insensitively (correct).
//! * D — `POST` answers 201 with the resource but no `Location` header (RFC 7644 §3.3, SHALL).
//! * E — PATCH `replace` with `"active": "False"` (a string, as Entra sends without the
//!   `aadOptscim062020` flag) is refused with 400: correct per RFC 7643 §2.3.2, but it breaks
//!   Entra's default deactivation — a fail for `entra-default`, a warning for the dialects that
//!   never send it.
//! * F — every answer is `application/scim+json`, also when the client asks for
//!   `application/json`; allowed by RFC 7644 §3.8, but OneLogin's guide asks for
//!   `application/json` → a OneLogin-only warning.

use serde_json::json;

mod real_server_support;
mod scimmy_server;

use real_server_support::{
    DIALECTS, assert_no_leak_in_files, assert_read_only_run, assert_short_urls_name_the_base,
    assert_write_run, assert_wrong_token_named, seed_users,
};
use scimmy_server::{Server, start};

/// A directory as an IdP finds it: users to search for and a group with a member.
fn seed(server: &Server) {
    let ids = seed_users(server, true);
    server.create(
        "/Groups",
        &json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "displayName": "Seed Engineering",
            "members": [{"value": ids[0]}]
        }),
    );
}

/// Read-only for every IdP, a wrong token and a base URL that stops short of `/scim/v2`.
#[test]
fn preflight_reads_scimmy_for_every_idp() {
    let canary = format!("preflight-scimmy-canary-{}", std::process::id());
    let Some(server) = start(&canary) else { return };
    seed(&server);
    let data = std::env::temp_dir().join(format!("preflight-scimmy-read-{}", std::process::id()));

    for idp in ["entra", "okta", "onelogin", "generic"] {
        let mut expected = vec![
            // Plain HTTP on loopback: the usual warning.
            "warn:url/https=tls/plain-http",
            // A: discovery behind the token (RFC 7643 §5, SHOULD).
            "warn:scim/discovery-unauthenticated=auth/discovery-requires-auth",
            // B: 401 without WWW-Authenticate (RFC 7644 §2, RFC 6750 §3).
            "warn:auth/users-requires-credential=auth/challenge-missing",
            // C: `userName eq` is case-sensitive (RFC 7644 §3.4.2.2, RFC 7643 §4.1.1).
            "fail:scim/users-filter-eq=scim/filter-case-sensitive",
        ];
        if idp == "onelogin" {
            // F: scim+json although OneLogin's connection test asks for application/json.
            expected.push("warn:onelogin/test-connection=scim/content-type");
        }
        // The case-sensitive filter is a fail: exit 1, nothing blocked.
        assert_read_only_run(server.base_url(), &canary, idp, &expected, &data);
    }

    // A wrong token: named as rejected, and — SCIMMY guards discovery with the token — the
    // unreadable discovery documents are blamed on the token too, not on the vendor's schemas.
    assert_wrong_token_named(server.base_url(), &canary, &data);

    // The server root and `/scim`: nothing SCIM answers there (Express's 404 page), one or two
    // segments deeper does — Preflight names the missing segment and the URL that works.
    assert_short_urls_name_the_base(&server.root_url(), server.base_url(), &canary, &data);
    assert_no_leak_in_files(&data, &canary);
    let _ = std::fs::remove_dir_all(&data);
}

/// `--write` for every dialect: each run creates, changes and deletes its own test objects.
#[test]
fn preflight_writes_to_scimmy_for_every_dialect() {
    let canary = format!("preflight-scimmy-write-canary-{}", std::process::id());
    let Some(server) = start(&canary) else { return };
    // Users and a group already in the directory, so the read-only checks have data to read.
    seed(&server);
    let before = server.counts();
    assert_eq!(before, (Some(3), Some(1)));
    let data = std::env::temp_dir().join(format!("preflight-scimmy-write-{}", std::process::id()));
    for dialect in DIALECTS {
        let mut expected = vec![
            "warn:url/https=tls/plain-http",
            // A, B, C as in the read-only run.
            "warn:scim/discovery-unauthenticated=auth/discovery-requires-auth",
            "warn:auth/users-requires-credential=auth/challenge-missing",
            "fail:scim/users-filter-eq=scim/filter-case-sensitive",
            // D: 201 without a Location header (RFC 7644 §3.3). Creating itself works, so the
            // later write checks still run (and pass).
            "fail:scim/users-create=scim/created-response",
        ];
        if dialect == "entra-default" {
            // E: Entra without the flag deactivates with "active": "False"; SCIMMY refuses it.
            expected.push("fail:scim/users-patch-boolean-string=scim/patch-boolean-string");
            expected.push("fail:entra/provision-on-demand=scim/patch-boolean-string");
        } else {
            // E, for a dialect that never sends the string: a warning only.
            expected.push("warn:scim/users-patch-boolean-string=scim/patch-boolean-string");
        }
        // Everything else passes: 409 on a duplicate userName, PUT, pathless and filtered
        // PATCH, Entra's capitalised ops and member removal, groups, 404 after delete.
        assert_write_run(server.base_url(), &canary, dialect, &expected, &data);
        // Every test object was removed at the end of the run; the seeded ones are intact.
        assert_eq!(
            server.counts(),
            before,
            "--dialect {dialect} left objects behind or removed seeded ones"
        );
    }
    assert_no_leak_in_files(&data, &canary);
    let _ = std::fs::remove_dir_all(&data);
}
