//! `preflight checks | head -1`: when the reader closes the pipe, the CLI ends quietly like
//! any Unix filter instead of panicking with "failed printing to stdout".

#![cfg(unix)]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_closed_stdout_ends_the_listing_without_a_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["checks"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("preflight starts");
    // Close the reading end before the CLI has started writing, as `head` does once it has
    // its line: every write after this meets a closed pipe.
    drop(child.stdout.take());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "preflight did not end");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    // Either it finished writing before the pipe closed (0) or SIGPIPE ended it.
    use std::os::unix::process::ExitStatusExt;
    assert!(
        status.success() || status.signal() == Some(libc_sigpipe()),
        "{status:?}"
    );
}

/// SIGPIPE is 13 on every Unix Preflight builds for.
fn libc_sigpipe() -> i32 {
    13
}
