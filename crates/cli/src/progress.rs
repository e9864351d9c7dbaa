//! Progress on stderr: one rewritten line on a terminal, plain lines otherwise (CI logs).

use preflight_core::event::{EventSink, RunEvent};
use std::io::{IsTerminal, Write};
use std::sync::Arc;

pub fn sink() -> EventSink {
    let tty = std::io::stderr().is_terminal();
    Arc::new(move |event: RunEvent| {
        let mut err = std::io::stderr().lock();
        match event {
            RunEvent::CheckStarted { id, index, total } if tty => {
                let _ = write!(err, "\r\x1b[2K[{}/{total}] {id} …", index + 1);
            }
            RunEvent::CheckFinished {
                result,
                index,
                total,
            } if !tty => {
                let _ = writeln!(
                    err,
                    "[{}/{total}] {:<7} {}",
                    index + 1,
                    result.status.as_str(),
                    result.id
                );
            }
            RunEvent::Done { .. } if tty => {
                let _ = write!(err, "\r\x1b[2K");
            }
            _ => {}
        }
        let _ = err.flush();
    })
}

/// Progress for a run measured in requests rather than checks (`scan` reads page after page
/// and judges at the end): one line per request — `[n] GET url → 200` — rewritten in place on
/// a terminal, plain lines otherwise. URLs are already redacted; `terminal_safe` keeps
/// server-influenced text from driving the terminal.
pub fn request_sink() -> EventSink {
    let tty = std::io::stderr().is_terminal();
    let sent = std::sync::atomic::AtomicUsize::new(0);
    Arc::new(move |event: RunEvent| {
        let mut err = std::io::stderr().lock();
        match event {
            RunEvent::Exchange { exchange } => {
                let n = sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                let outcome = match (exchange.status, exchange.failure) {
                    (Some(status), _) => status.to_string(),
                    (None, Some(code)) => code,
                    (None, None) => "-".into(),
                };
                let line = preflight_core::report::terminal_safe(&format!(
                    "[{n}] {} {} → {outcome}",
                    exchange.method, exchange.url
                ));
                let _ = if tty {
                    write!(err, "\r\x1b[2K{line}")
                } else {
                    writeln!(err, "{line}")
                };
            }
            RunEvent::Done { .. } if tty => {
                let _ = write!(err, "\r\x1b[2K");
            }
            _ => {}
        }
        let _ = err.flush();
    })
}
