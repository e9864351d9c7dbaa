//! Root of the cargo-deny policy fixture; see Cargo.toml. No code is needed.
