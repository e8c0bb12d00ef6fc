//! Gives the shared library the SONAME `libwasmpool.so.<major>`, so hosts
//! link against the ABI version, not the file name.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libwasmpool.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
