//! `preflight scan`: a read-only inventory of the tenant, streamed page by page. Memory stays
//! bounded: a page is parsed and dropped (its exchange is only kept for the first page), and
//! only 64-bit hashes of what duplicate and reference detection need are kept — never the
//! users themselves.

use serde_json::Value;
use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

use crate::check::{Cause, CheckDoc, Verdict};
use crate::checks::judge::unexpected;
use crate::exchange::Exchange;
use crate::probe::{Probe, Req, TokenOutcome, Transport};
use crate::redact::Redactor;
use crate::scim::{list_shape, member};
use crate::target::{Credential, Target};

/// Examples named in a finding; the counts are always complete.
const EXAMPLES: usize = 10;
/// Dangling member references remembered until all groups are read (counted beyond that).
const MAX_PENDING_REFS: usize = 100_000;

macro_rules! doc {
    ($name:ident, $id:expr, $title:expr, $what:expr, $why:expr, $fix:expr, $diag:expr) => {
        pub static $name: CheckDoc = CheckDoc {
            id: $id,
            title: $title,
            what: $what,
            why: $why,
            fix: $fix,
            references: &["RFC 7644 §3.4.2.4", "RFC 7643 §4.1"],
            diagnoses: $diag,
        };
    };
}

doc!(
    INVENTORY,
    "scan/tenant-inventory",
    "Users and groups can be read page by page",
    "Reads every user and group with `startIndex`/`count` paging and counts them.",
    "An IdP's import reads the whole directory this way; a page that fails stops the import.",
    "For the SCIM service provider: answer every page of `/Users` and `/Groups` with a ListResponse.",
    &["scim/pagination", "scim/list-response-shape"]
);
doc!(
    DUPLICATE_USERNAMES,
    "scan/users-duplicate-username",
    "No two users share a userName (ignoring case)",
    "Compares every `userName`, lower-cased.",
    "IdPs match existing accounts by `userName eq`; with duplicates the match is ambiguous and the IdP links or updates the wrong account.",
    "Merge or rename the duplicate accounts in the app, and make the server enforce case-insensitive uniqueness (409 `uniqueness`).",
    &["scim/uniqueness-not-enforced"]
);
doc!(
    DUPLICATE_EMAILS,
    "scan/users-duplicate-email",
    "No two users share an email address (ignoring case)",
    "Compares every email `value`, lower-cased.",
    "Where the IdP matches on email (a common custom matching attribute), shared addresses make matches ambiguous.",
    "Clean up shared addresses in the app before matching on email.",
    &["scim/uniqueness-not-enforced"]
);
doc!(
    PRIMARY_EMAIL,
    "scan/users-primary-email",
    "Every user has a primary email",
    "Counts users whose `emails` is empty or has no `primary: true` entry (a single email counts as primary).",
    "Okta and Entra send a work email on create and compare it on import; accounts without one show up as unmatched or differ on every cycle.",
    "Fill in the email of these accounts in the app (or in the IdP, which then sends it).",
    &["scim/primary-email-missing"]
);
doc!(
    INACTIVE,
    "scan/users-inactive",
    "Inactive users are counted",
    "Counts users with `active: false`.",
    "Inactive accounts still count for matching: re-assigning a person in the IdP reactivates the old account rather than creating a new one.",
    "Nothing to fix; review the list before the first full cycle.",
    &[]
);
doc!(
    MEMBER_REFS,
    "scan/groups-member-references",
    "Group members point to existing users",
    "Checks every group member `value` against the ids of the users (and groups) read.",
    "Members that name deleted users make group pushes and imports fail or show phantom members.",
    "For the SCIM service provider: remove a user from its groups when the user is deleted.",
    &["scim/member-reference-dangling"]
);

/// Every scan finding's doc, in report order.
pub fn docs() -> [&'static CheckDoc; 6] {
    [
        &INVENTORY,
        &DUPLICATE_USERNAMES,
        &DUPLICATE_EMAILS,
        &PRIMARY_EMAIL,
        &INACTIVE,
        &MEMBER_REFS,
    ]
}

fn hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.to_lowercase().hash(&mut h);
    h.finish()
}

#[derive(Default)]
struct Tally {
    users: u64,
    groups: u64,
    names: HashSet<u64>,
    emails: HashSet<u64>,
    ids: HashSet<u64>,
    group_ids: HashSet<u64>,
    dup_names: (u64, Vec<String>),
    dup_emails: (u64, Vec<String>),
    no_primary: (u64, Vec<String>),
    inactive: (u64, Vec<String>),
    refs: Vec<(u64, String, String)>,
    refs_overflow: u64,
}

fn note(slot: &mut (u64, Vec<String>), example: String) {
    slot.0 += 1;
    if slot.1.len() < EXAMPLES {
        slot.1.push(example);
    }
}

impl Tally {
    fn user(&mut self, u: &Value) {
        self.users += 1;
        let name = member(u, "userName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Some(id) = member(u, "id").and_then(Value::as_str) {
            self.ids.insert(hash(id));
        }
        if !name.is_empty() && !self.names.insert(hash(&name)) {
            note(&mut self.dup_names, name.clone());
        }
        let emails: Vec<&Value> = member(u, "emails")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        for e in &emails {
            if let Some(v) = member(e, "value").and_then(Value::as_str)
                && !self.emails.insert(hash(v))
            {
                note(&mut self.dup_emails, v.to_string());
            }
        }
        let primary = emails.len() == 1
            || emails
                .iter()
                .any(|e| member(e, "primary").and_then(Value::as_bool) == Some(true));
        if !primary {
            note(&mut self.no_primary, name.clone());
        }
        if member(u, "active").and_then(Value::as_bool) == Some(false) {
            note(&mut self.inactive, name);
        }
    }

    fn group(&mut self, g: &Value) {
        self.groups += 1;
        let name = member(g, "displayName")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Some(id) = member(g, "id").and_then(Value::as_str) {
            self.group_ids.insert(hash(id));
        }
        for m in member(g, "members")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(v) = member(m, "value").and_then(Value::as_str) else {
                continue;
            };
            if self.ids.contains(&hash(v)) {
                continue;
            }
            if self.refs.len() < MAX_PENDING_REFS {
                self.refs.push((hash(v), name.clone(), v.to_string()));
            } else {
                self.refs_overflow += 1;
            }
        }
    }
}

/// How one collection's paging went.
enum Paged {
    Done,
    Failed(Verdict),
    /// Stopped by the user (Ctrl-C, Cancel) before the last page.
    Cancelled,
}

/// Run the scan. Only the first page of each collection is recorded as evidence on `probe`;
/// later pages go through short-lived probes on the same transport and are dropped.
pub async fn scan(
    probe: &Probe,
    transport: Arc<dyn Transport>,
    page_size: u32,
) -> Vec<(&'static CheckDoc, Verdict)> {
    scan_until(probe, transport, page_size, CancellationToken::new()).await
}

/// Like [`scan`], stopping at the next page boundary — or during a page's request — once
/// `cancel` (or the probe's own cancellation) fires; what was read so far is still judged.
pub async fn scan_until(
    probe: &Probe,
    transport: Arc<dyn Transport>,
    page_size: u32,
    cancel: CancellationToken,
) -> Vec<(&'static CheckDoc, Verdict)> {
    let page_credential = match &probe.target().credential {
        Credential::ClientCredentials { .. } => match probe.token_outcome().await {
            TokenOutcome::Issued { token, .. } => Credential::Bearer(token.clone()),
            _ => probe.target().credential.clone(),
        },
        other => other.clone(),
    };
    let mut page_target: Target = probe.target().clone();
    page_target.credential = page_credential;
    let mut tally = Tally::default();
    let mut evidence = Vec::new();
    let pager = Pager {
        probe,
        transport: &transport,
        page_target: &page_target,
        page_size,
        cancel: &cancel,
    };
    let users = pager
        .page_through("/Users", &mut evidence, |t, r| t.user(r), &mut tally)
        .await;
    let groups = match users {
        Paged::Done => {
            pager
                .page_through("/Groups", &mut evidence, |t, r| t.group(r), &mut tally)
                .await
        }
        Paged::Failed(_) => Paged::Done,
        Paged::Cancelled => Paged::Cancelled,
    };
    let cancelled = matches!(users, Paged::Cancelled) || matches!(groups, Paged::Cancelled);
    let failed = match (users, groups) {
        (Paged::Failed(v), _) | (_, Paged::Failed(v)) => Some(v),
        _ => None,
    };
    let mut out: Vec<(&'static CheckDoc, Verdict)> = Vec::new();
    if let Some(v) = failed {
        out.push((&INVENTORY, v));
        for doc in &docs()[1..] {
            out.push((doc, Verdict::Blocked(INVENTORY.id.into())));
        }
        return out;
    }
    out.push((
        &INVENTORY,
        if cancelled {
            Verdict::Skip(format!(
                "interrupted after {} users and {} groups; the findings below cover only those",
                tally.users, tally.groups
            ))
        } else {
            Verdict::pass_with_note(
                evidence.clone(),
                format!("{} users, {} groups", tally.users, tally.groups),
            )
        },
    ));
    let finding = |slot: &(u64, Vec<String>), what: &str, code: &str, warn: bool| -> Verdict {
        if slot.0 == 0 {
            return Verdict::pass_with_note(
                evidence.clone(),
                format!("{} users checked", tally.users),
            );
        }
        let actual = format!("{} {what}, e.g. {}", slot.0, slot.1.join(", "));
        let v = Verdict::fail(
            format!("no {what}"),
            actual,
            evidence.clone(),
            Cause::new(code),
        );
        if warn { v.soften() } else { v }
    };
    out.push((
        &DUPLICATE_USERNAMES,
        finding(
            &tally.dup_names,
            "duplicate userNames",
            "scim/uniqueness-not-enforced",
            false,
        ),
    ));
    out.push((
        &DUPLICATE_EMAILS,
        finding(
            &tally.dup_emails,
            "duplicate email addresses",
            "scim/uniqueness-not-enforced",
            true,
        ),
    ));
    out.push((
        &PRIMARY_EMAIL,
        finding(
            &tally.no_primary,
            "users without a primary email",
            "scim/primary-email-missing",
            true,
        ),
    ));
    out.push((
        &INACTIVE,
        Verdict::pass_with_note(
            evidence.clone(),
            format!(
                "{} of {} users inactive{}",
                tally.inactive.0,
                tally.users,
                examples(&tally.inactive.1)
            ),
        ),
    ));
    let dangling: Vec<&(u64, String, String)> = tally
        .refs
        .iter()
        .filter(|(h, _, _)| !tally.ids.contains(h) && !tally.group_ids.contains(h))
        .collect();
    let count = dangling.len() as u64 + tally.refs_overflow;
    out.push((
        &MEMBER_REFS,
        if count == 0 {
            Verdict::pass_with_note(evidence.clone(), format!("{} groups checked", tally.groups))
        } else {
            let ex: Vec<String> = dangling
                .iter()
                .take(EXAMPLES)
                .map(|(_, g, v)| format!("{g} → {v}"))
                .collect();
            Verdict::warn(
                "every member value is the id of a user or group",
                format!(
                    "{count} member references to unknown ids, e.g. {}",
                    ex.join(", ")
                ),
                evidence.clone(),
                Cause::new("scim/member-reference-dangling"),
            )
        },
    ));
    out
}

fn examples(list: &[String]) -> String {
    if list.is_empty() {
        String::new()
    } else {
        format!(", e.g. {}", list.join(", "))
    }
}

/// What every page request of one scan shares.
struct Pager<'a> {
    probe: &'a Probe,
    transport: &'a Arc<dyn Transport>,
    page_target: &'a Target,
    page_size: u32,
    cancel: &'a CancellationToken,
}

impl Pager<'_> {
    fn cancelled(&self) -> bool {
        self.cancel.is_cancelled() || self.probe.is_cancelled()
    }

    async fn page_through(
        &self,
        collection: &str,
        evidence: &mut Vec<String>,
        each: fn(&mut Tally, &Value),
        tally: &mut Tally,
    ) -> Paged {
        let (probe, page_size) = (self.probe, self.page_size);
        let mut start: u64 = 1;
        let mut first = true;
        loop {
            if self.cancelled() {
                return Paged::Cancelled;
            }
            let req = Req::get(format!("{collection}?startIndex={start}&count={page_size}"))
                .purpose("scan: read one page");
            let x: Exchange = if first {
                let x = probe.send(req).await;
                evidence.push(x.id.clone());
                x
            } else {
                // A fresh probe per page: its exchange (and body) is dropped with it.
                let page_probe = Probe::new(
                    self.transport.clone(),
                    self.page_target.clone(),
                    Redactor::new(),
                )
                .with_cancel(self.cancel.clone());
                page_probe.send(req).await
            };
            if self.cancelled() {
                return Paged::Cancelled;
            }
            let expected = format!("{collection} page at startIndex {start} as a ListResponse");
            let Some(json) = x
                .response
                .as_ref()
                .filter(|r| r.status == 200)
                .and_then(|r| r.json())
            else {
                if !first {
                    // Keep the failing page as evidence: it is the one the admin needs to see.
                    let kept = probe
                        .send(
                            Req::get(format!("{collection}?startIndex={start}&count={page_size}"))
                                .purpose("scan: the page that failed"),
                        )
                        .await;
                    evidence.push(kept.id.clone());
                    return Paged::Failed(unexpected(&kept, &expected));
                }
                return Paged::Failed(unexpected(&x, &expected));
            };
            let shape = list_shape(&json);
            drop(json);
            if !shape.problems.is_empty() && shape.resources.is_empty() {
                return Paged::Failed(Verdict::fail(
                    expected,
                    shape.problems.join("; "),
                    vec![x.id.clone()],
                    Cause::new("scim/list-response-shape"),
                ));
            }
            let n = shape.resources.len() as u64;
            for r in &shape.resources {
                each(tally, r);
            }
            let total = shape.total_results.unwrap_or(0);
            first = false;
            // Paging ignored (more than asked for) means this was everything; stop.
            if n == 0 || n > page_size as u64 || start + n > total {
                return Paged::Done;
            }
            start += n;
        }
    }
}

/// The scan as a report of the same shape as `check` (each finding a check result).
pub async fn report(
    probe: &Probe,
    transport: Arc<dyn Transport>,
    page_size: u32,
) -> crate::report::Report {
    report_until(probe, transport, page_size, CancellationToken::new()).await
}

/// [`report`] that stops when `cancel` fires (Ctrl-C): the partial report is still whole in
/// shape, with the inventory marked as interrupted.
pub async fn report_until(
    probe: &Probe,
    transport: Arc<dyn Transport>,
    page_size: u32,
    cancel: CancellationToken,
) -> crate::report::Report {
    let started = time::OffsetDateTime::now_utc();
    let clock = std::time::Instant::now();
    let findings = scan_until(probe, transport, page_size, cancel).await;
    let results = findings
        .iter()
        .map(|(doc, v)| crate::report::CheckResult::from_verdict(doc, v, 0))
        .collect();
    crate::report::Report::new(
        probe.target(),
        started,
        clock.elapsed().as_millis() as u64,
        results,
        probe.exchanges(),
    )
}
