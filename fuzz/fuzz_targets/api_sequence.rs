//! Random sequences of wasmpool C API calls: only success or a documented,
//! typed error may come out. See fuzz/src/harness/.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wasmpool_fuzz::api_sequence(data);
});
