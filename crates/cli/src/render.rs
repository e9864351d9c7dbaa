//! Writes the report where it was asked for: stdout, or a file written atomically (a
//! temporary file beside it, then a rename), so a failed write never leaves half a report.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::args::{Format, OutputArgs};
use preflight_core::Report;
use preflight_core::report::render_human;

pub fn render(report: &Report, format: Format, to_terminal: bool) -> String {
    match format {
        Format::Human => render_human(report, to_terminal && std::env::var_os("NO_COLOR").is_none()),
        Format::Json => report.to_json() + "\n",
    }
}

/// Emit the report; `Err` is a message for the admin.
pub fn emit(report: &Report, output: &OutputArgs) -> Result<(), String> {
    match &output.out {
        None => {
            let text = render(report, output.format, std::io::stdout().is_terminal());
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes()).and_then(|_| out.flush()).map_err(|e| format!("cannot write the report: {e}"))
        }
        Some(path) => write_atomically(path, render(report, output.format, false).as_bytes()),
    }
}

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "report".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("--out {}: cannot write the report: {e}", path.display())
    })
}
