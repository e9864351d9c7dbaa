//! Empty stand-in named like the banned `openssl-sys` crate; see ../../Cargo.toml.
