//! `preflight`: thin edge over preflight-core. Parse arguments, build the target, run the
//! engine, render, exit with the contract's code (0 ok, 1 a check failed, 2 usage or
//! configuration error — nothing sent, 3 target unreachable or run incomplete).

mod args;
mod commands;
mod exit;
mod progress;
mod render;
mod token_source;

use clap::Parser;

fn main() {
    quit_quietly_on_closed_pipe();
    let cli = args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            std::process::exit(exit::INCOMPLETE);
        }
    };
    let code = runtime.block_on(commands::dispatch(cli.command));
    std::process::exit(code);
}

/// `preflight checks | head` must end like any Unix filter when the reader goes away, not
/// panic with "failed printing to stdout". Rust ignores SIGPIPE by default, so every
/// `println!` after the pipe closes would panic; the default action ends the process quietly.
#[cfg(unix)]
fn quit_quietly_on_closed_pipe() {
    // SAFETY: called first in main, before any thread exists; sets a signal disposition only.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn quit_quietly_on_closed_pipe() {}
