//! Lists the data files under `guides/` and `vendors/` at build time, so adding a vendor or a
//! guide is adding a file: no Rust list of names to keep in step. The generated module holds
//! `(file stem, include_str!(…))` pairs (`$OUT_DIR/guides_files.rs`, `vendors_files.rs`), sorted by name for a stable order.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for (constant, dir) in [("GUIDE_FILES", "guides"), ("VENDOR_FILES", "vendors")] {
        let mut code = String::new();
        let dir_path = Path::new(&root).join(dir);
        println!("cargo:rerun-if-changed={}", dir_path.display());
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir_path)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                    .filter_map(|p| {
                        let stem = p.file_stem()?.to_str()?.to_string();
                        Some((stem, p.display().to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        writeln!(code, "pub const {constant}: &[(&str, &str)] = &[").unwrap();
        for (stem, path) in files {
            writeln!(code, "    ({stem:?}, include_str!({path:?})),").unwrap();
        }
        writeln!(code, "];").unwrap();
        let file = Path::new(&out).join(format!("{dir}_files.rs"));
        std::fs::write(&file, code).expect("write the generated file list");
    }
}
