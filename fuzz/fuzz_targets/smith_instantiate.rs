//! wasm-smith modules instantiated and run (with fuel) under a tight pool: only
//! typed errors, and the pool back to 0 live after each input. See
//! fuzz/src/harness/.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wasmpool_fuzz::smith_instantiate(data);
});
