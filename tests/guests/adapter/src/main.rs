//! Writes the three flavours of the WASI preview-1 component adapter into the directory given as
//! the only argument: `wasi_snapshot_preview1.command.wasm` (for commands, exporting
//! `wasi:cli/run`), `.reactor.wasm` (for libraries) and `.proxy.wasm` (for `wasi:http/proxy`
//! components, with no filesystem or command-line access). Files whose content is already right
//! are left untouched, so build systems that watch their time stamps do not rebuild for nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
    WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER, WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
};

fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    std::fs::write(path, bytes)
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(dir), None) = (args.next(), args.next()) else {
        eprintln!("usage: wasmpool-guest-adapter OUT_DIR");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    let flavours = [
        ("command", WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER),
        ("reactor", WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER),
        ("proxy", WASI_SNAPSHOT_PREVIEW1_PROXY_ADAPTER),
    ];
    for (flavour, bytes) in flavours {
        let path = dir.join(format!("{WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME}.{flavour}.wasm"));
        if let Err(e) = write_if_changed(&path, bytes) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
