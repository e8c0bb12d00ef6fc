//! A deterministic short run of the fuzzing harness (`fuzz/src/harness/`, the
//! code behind the cargo-fuzz targets in `fuzz/`), as part of the normal test
//! suite: inputs from a seeded RNG instead of libFuzzer, and every reproducer
//! saved under `fuzz/regressions/<target>/` replayed.
//!
//! Each target runs until it has seen its number of inputs or its time is up,
//! whichever comes first (WASMPOOL_FUZZ_SMOKE_INPUTS and
//! WASMPOOL_FUZZ_SMOKE_SECS override both, e.g. for a longer local run). A
//! failing input is written to `target/fuzz-smoke-<target>-failure.bin`, ready
//! to be replayed with `cargo fuzz run <target> <file>` or saved as a regression.

#[path = "../fuzz/src/harness/mod.rs"]
mod harness;

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One test at a time per target: the harness checks global state (live pool
/// slots of its cached engines, finalizer counts) after each input.
static API_LOCK: Mutex<()> = Mutex::new(());
static SMITH_LOCK: Mutex<()> = Mutex::new(());

/// SplitMix64: a small, well-mixed, seedable generator.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn bytes(&mut self, max_len: usize) -> Vec<u8> {
        // Mostly short inputs, sometimes long ones.
        let len = if self.next().is_multiple_of(4) { self.next() as usize % max_len } else { self.next() as usize % (max_len / 8) };
        let mut v = Vec::with_capacity(len + 8);
        while v.len() < len {
            v.extend_from_slice(&self.next().to_le_bytes());
        }
        v.truncate(len);
        v
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn run_one(name: &str, target: fn(&[u8]), input: &[u8]) {
    if let Err(panic) = catch_unwind(AssertUnwindSafe(|| target(input))) {
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join(format!("fuzz-smoke-{name}-failure.bin"));
        let _ = std::fs::write(&out, input);
        eprintln!("{name}: failing input ({} bytes) written to {}", input.len(), out.display());
        resume_unwind(panic);
    }
}

fn seeded(name: &str, target: fn(&[u8]), seed: u64, inputs: u64, secs: u64, max_len: usize) {
    let inputs = env_or("WASMPOOL_FUZZ_SMOKE_INPUTS", inputs);
    let budget = Duration::from_secs(env_or("WASMPOOL_FUZZ_SMOKE_SECS", secs));
    let mut rng = SplitMix(seed);
    let start = Instant::now();
    let mut n = 0;
    while n < inputs && start.elapsed() < budget {
        let input = rng.bytes(max_len);
        let t0 = Instant::now();
        run_one(name, target, &input);
        if std::env::var("WASMPOOL_FUZZ_SMOKE_SLOW").is_ok() && t0.elapsed() > Duration::from_millis(300) {
            let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join(format!("slow-{name}-{n}.bin"));
            let _ = std::fs::write(&out, &input);
            eprintln!("{name}: input {n} took {:.2} s", t0.elapsed().as_secs_f64());
        }
        n += 1;
    }
    eprintln!(
        "{name}: {n} seeded inputs in {:.1} s, no finding; so far (both targets) {:?}",
        start.elapsed().as_secs_f64(),
        harness::stats()
    );
}

fn regressions(name: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join("regressions").join(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()).collect())
        .unwrap_or_default();
    files.retain(|p| p.file_name().is_some_and(|n| !n.to_string_lossy().starts_with('.') && n != "README.md"));
    files.sort();
    files
}

fn replay(name: &str, target: fn(&[u8])) {
    let files = regressions(name);
    for f in &files {
        let input = std::fs::read(f).expect("read a regression input");
        eprintln!("{name}: replaying {}", f.display());
        run_one(name, target, &input);
    }
    eprintln!("{name}: {} regression input(s) replayed", files.len());
}

#[test]
fn api_sequence_seeded() {
    let _guard = API_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    seeded("api_sequence", harness::api_sequence, 0x5EED_0001, 10_000, 30, 4096);
}

#[test]
fn smith_instantiate_seeded() {
    let _guard = SMITH_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    seeded("smith_instantiate", harness::smith_instantiate, 0x5EED_0002, 10_000, 30, 8192);
}

#[test]
fn regressions_replay() {
    {
        let _guard = API_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        replay("api_sequence", harness::api_sequence);
    }
    let _guard = SMITH_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    replay("smith_instantiate", harness::smith_instantiate);
}

/// The templates of the harness are valid for a default engine (so the API
/// sequences reach instantiation and calls, not only COMPILE errors), except
/// those that are meant to exceed a default limit.
#[test]
fn templates_compile() {
    use wasmpool::*;
    let cfg = wasmpool_config_new();
    let mut engine = std::ptr::null_mut();
    assert!(unsafe { wasmpool_engine_new(cfg, &mut engine) }.is_null());
    let mut valid = 0;
    for t in harness::TEMPLATES {
        let mut m = std::ptr::null_mut();
        let err = unsafe { wasmpool_module_new(engine, t.as_ptr(), t.len(), &mut m) };
        if err.is_null() {
            valid += 1;
            unsafe { wasmpool_module_delete(m) };
        } else {
            let kind = unsafe { wasmpool_error_kind(err) };
            unsafe { wasmpool_error_delete(err) };
            assert_eq!(kind, wasmpool_error_kind_t::WASMPOOL_ERROR_LIMIT_EXCEEDED, "template does not compile: {t}");
        }
    }
    assert!(valid >= harness::TEMPLATES.len() - 3, "only {valid} templates compile");
    unsafe { wasmpool_engine_delete(engine) };
    unsafe { wasmpool_config_delete(cfg) };
}

/// Replays the file named by WASMPOOL_FUZZ_REPLAY with the target named by
/// WASMPOOL_FUZZ_REPLAY_TARGET (default api_sequence); does nothing otherwise.
/// With WASMPOOL_FUZZ_TRACE=1 the harness says what the input does.
#[test]
fn replay_one_file() {
    let Some(path) = std::env::var_os("WASMPOOL_FUZZ_REPLAY") else { return };
    let input = std::fs::read(&path).expect("read WASMPOOL_FUZZ_REPLAY");
    match std::env::var("WASMPOOL_FUZZ_REPLAY_TARGET").as_deref() {
        Ok("smith_instantiate") => {
            let _guard = SMITH_LOCK.lock().unwrap_or_else(|e| e.into_inner());
            harness::smith_instantiate(&input);
        }
        _ => {
            let _guard = API_LOCK.lock().unwrap_or_else(|e| e.into_inner());
            harness::api_sequence(&input);
        }
    }
}
