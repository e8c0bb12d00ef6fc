//! The committed `include/wasmpool.h` must be exactly what cbindgen generates
//! from the current sources. Set `WASMPOOL_BLESS=1` to rewrite it.

use std::path::Path;

fn generate() -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut config = cbindgen::Config::from_file(Path::new(root).join("cbindgen.toml"))
        .expect("cbindgen.toml parses");
    let version = format!(
        "\n#define WASMPOOL_VERSION_MAJOR {}\n#define WASMPOOL_VERSION_MINOR {}\n#define WASMPOOL_VERSION_PATCH {}\n#define WASMPOOL_VERSION_STRING \"{}\"",
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
        env!("CARGO_PKG_VERSION"),
    );
    config.after_includes = Some(version);
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut out);
    String::from_utf8(out).expect("header is UTF-8")
}

#[test]
fn committed_header_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/wasmpool.h");
    let fresh = generate();
    if std::env::var_os("WASMPOOL_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write header");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "include/wasmpool.h is out of date; run `WASMPOOL_BLESS=1 cargo test --release --test header` and commit it"
    );
}
