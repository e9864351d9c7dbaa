//! Exit codes of the public contract (`shared/spec/cli.md`).

pub const OK: i32 = 0;
pub const USAGE: i32 = 2;
pub const INCOMPLETE: i32 = 3;

/// Print a usage/configuration error (one line naming the flag and the fix) and return 2.
pub fn usage(message: impl std::fmt::Display) -> i32 {
    eprintln!("error: {message}");
    USAGE
}
