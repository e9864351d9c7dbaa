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
