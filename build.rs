//! Gives the shared library the SONAME `libwasmpool.so.<major>`, so hosts
//! link against the ABI version, not the file name, and lays out the
//! functions that run on every request together (`link/hot_text.ld`).

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwasmpool.so.{major}");
        hot_text();
    }
    println!("cargo:rerun-if-changed=build.rs");
}

/// Hands the linker of the shared library `link/hot_text.ld` (made by
/// `bench/hot-text`), which puts the per-request functions at the start of
/// `.text` (the other functions follow in the same output section):
/// scattered, they evict each other from the L1 instruction cache. A script
/// that only adds to the default layout with `INSERT` works with GNU ld and
/// LLD alike; names it lists that the build lacks match nothing.
/// `WASMPOOL_HOT_TEXT=0` leaves the default layout (for a linker without
/// `INSERT` support, or to measure the difference).
fn hot_text() {
    println!("cargo:rerun-if-env-changed=WASMPOOL_HOT_TEXT");
    println!("cargo:rerun-if-changed=link/hot_text.ld");
    if std::env::var("WASMPOOL_HOT_TEXT").is_ok_and(|v| v == "0") {
        return;
    }
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let script = std::path::Path::new(&dir).join("link").join("hot_text.ld");
    if script.exists() {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-T,{}", script.display());
    }
}
