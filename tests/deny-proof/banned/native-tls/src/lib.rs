//! Empty stand-in named like the banned `native-tls` crate; see ../../Cargo.toml.
