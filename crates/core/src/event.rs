//! Progress of a run as a stream of events. The core never prints: the CLI turns these into
//! a progress line, the desktop shell forwards them over a Tauri channel.

use serde::Serialize;

use crate::report::CheckResult;

#[derive(Clone, Debug, Serialize)]
pub struct CheckHeader {
    pub id: String,
    pub title: String,
}

/// One exchange, summarised for live display (the full, redacted exchange is in the report).
#[derive(Clone, Debug, Serialize)]
pub struct ExchangeSummary {
    pub id: String,
    pub method: String,
    pub url: String,
    pub status: Option<u16>,
    pub failure: Option<String>,
    pub ms: u64,
}

impl From<&crate::exchange::Exchange> for ExchangeSummary {
    /// The live-display line of a recorded exchange; `failure` is the network failure's code.
    fn from(x: &crate::exchange::Exchange) -> ExchangeSummary {
        ExchangeSummary {
            id: x.id.clone(),
            method: x.request.method.clone(),
            url: x.request.url.clone(),
            status: x.status(),
            failure: x.failure.as_ref().map(|f| f.code.clone()),
            ms: x.ms,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunEvent {
    Started {
        run_id: String,
        checks: Vec<CheckHeader>,
    },
    CheckStarted {
        id: String,
        index: usize,
        total: usize,
    },
    Exchange {
        exchange: ExchangeSummary,
    },
    CheckFinished {
        result: Box<CheckResult>,
        index: usize,
        total: usize,
    },
    Done {
        cancelled: bool,
        summary: crate::report::Summary,
    },
}

/// Where events go. Must be cheap and must not block.
pub type EventSink = std::sync::Arc<dyn Fn(RunEvent) + Send + Sync>;

/// An exchange observer for the probe that forwards each recorded exchange as a
/// [`RunEvent::Exchange`], so live views can show requests as they happen.
pub fn exchange_events(events: EventSink) -> crate::probe::ExchangeObserver {
    std::sync::Arc::new(move |x: &crate::exchange::Exchange| {
        events(RunEvent::Exchange {
            exchange: ExchangeSummary::from(x),
        })
    })
}
