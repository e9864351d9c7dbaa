//! Writes the report where it was asked for: stdout, or a file written atomically (a
//! temporary file beside it, then a rename), so a failed write never leaves half a report.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::args::{Format, OutputArgs};
use preflight_core::Report;
use preflight_core::report::{
    render_har, render_html, render_human, render_junit, render_markdown,
};

pub fn render(report: &Report, format: Format, to_terminal: bool) -> String {
    match format {
        Format::Human => render_human(
            report,
            to_terminal && std::env::var_os("NO_COLOR").is_none(),
        ),
        Format::Json => report.to_json() + "\n",
        Format::Junit => render_junit(report),
        Format::Markdown => render_markdown(report),
        Format::Html => render_html(report),
    }
}

/// Emit the report; `Err` is a message for the admin.
pub fn emit(report: &Report, output: &OutputArgs) -> Result<(), String> {
    if let Some(path) = &output.har {
        write_file(path, render_har(report).as_bytes(), Overwrite::Yes)
            .map_err(|e| format!("--har {}: cannot write the HAR file: {e}", path.display()))?;
    }
    match &output.out {
        None => {
            let text = render(report, output.format, std::io::stdout().is_terminal());
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .map_err(|e| format!("cannot write the report: {e}"))
        }
        Some(path) => write_atomically(path, render(report, output.format, false).as_bytes()),
    }
}

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_file(path, bytes, Overwrite::Yes)
        .map_err(|e| format!("--out {}: cannot write the report: {e}", path.display()))
}

/// May [`write_file`] replace an existing file?
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    Yes,
    No,
}

/// Write to a temporary file beside `path`, fsync, then move it into place — a failed write
/// (no permission, full disk) never leaves a partial file. With [`Overwrite::No`] an
/// existing file is kept and the write fails. `Err` is a readable reason.
pub fn write_file(path: &Path, bytes: &[u8], overwrite: Overwrite) -> Result<(), String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    if overwrite == Overwrite::No && path.exists() {
        return Err("the file already exists (use --force to replace it)".into());
    }
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        match overwrite {
            Overwrite::Yes => std::fs::rename(&tmp, path),
            // A hard link fails if the name was taken meanwhile; the temp name is then dropped.
            // (Filesystems without hard links: check, then rename.)
            Overwrite::No => match std::fs::hard_link(&tmp, path) {
                Ok(()) => std::fs::remove_file(&tmp),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists || path.exists() => {
                    Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, e))
                }
                Err(_) => std::fs::rename(&tmp, path),
            },
        }
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        describe_io_error(&e)
    })
}

fn describe_io_error(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            format!("permission denied — is the folder writable? ({e})")
        }
        ErrorKind::StorageFull => format!("the disk is full ({e})"),
        ErrorKind::NotFound => format!("the folder does not exist ({e})"),
        ErrorKind::AlreadyExists => "the file already exists (use --force to replace it)".into(),
        _ => e.to_string(),
    }
}
