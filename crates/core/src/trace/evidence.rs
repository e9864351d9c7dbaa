//! The hops of traced flows as report exchanges (`id` = `xN`, N = the HAR entry index), so every report format
//! can show the evidence a finding points at. Built from the masked hop views only.

use std::collections::BTreeMap;

use super::model::{Hop, TraceResult};
use crate::exchange::{Exchange, RecordedRequest, RecordedResponse};

/// One exchange per hop of every flow, in entry order, without duplicates.
pub fn exchanges(result: &TraceResult) -> Vec<Exchange> {
    let mut hops: Vec<&Hop> = result.flows.iter().flat_map(|f| f.hops.iter()).collect();
    hops.sort_by_key(|h| h.entry);
    hops.dedup_by_key(|h| h.entry);
    hops.into_iter().map(exchange_of).collect()
}

fn exchange_of(h: &Hop) -> Exchange {
    let mut headers = BTreeMap::new();
    if let Some(to) = &h.redirect_to {
        headers.insert("location".to_string(), to.clone());
    }
    if !h.cookies_set.is_empty() {
        let names: Vec<&str> = h.cookies_set.iter().map(|c| c.name.as_str()).collect();
        headers.insert(
            "set-cookie".to_string(),
            format!("{} (values not shown)", names.join(", ")),
        );
    }
    let mut request_headers = BTreeMap::new();
    if !h.cookies_sent.is_empty() {
        request_headers.insert(
            "cookie".to_string(),
            format!("{} (values not shown)", h.cookies_sent.join(", ")),
        );
    }
    Exchange {
        id: exchange_id(h.entry),
        purpose: Some(format!("HAR entry {} ({:?})", h.entry, h.role).to_lowercase()),
        request: RecordedRequest {
            method: h.method.clone(),
            url: h.url.clone(),
            headers: request_headers,
            body: None,
        },
        response: (h.status != 0).then(|| RecordedResponse {
            status: h.status,
            headers,
            body: h.contents.error_text.clone().unwrap_or_default(),
            body_truncated: false,
            body_not_utf8: false,
        }),
        failure: None,
        ms: h.time_ms.max(0.0) as u64,
        started_at: h.started.clone(),
    }
}

/// The report id of HAR entry `entry` (0-based index into `log.entries`): `x<N>`, the report
/// contract's exchange-id form, so the N is the HAR's own entry index.
pub fn exchange_id(entry: usize) -> String {
    format!("x{entry}")
}
