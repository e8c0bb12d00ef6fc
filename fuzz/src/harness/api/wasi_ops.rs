//! WASI configuration operations: a configuration built by a run of setters
//! with extreme values (odd argument lists, names with `=`, non-UTF-8
//! strings, huge capture caps, missing or odd preopen paths, unknown
//! permissions), then copied into a live store, whose captured output is read
//! back and checked against the cap.

use super::*;

const WASI_SET: &[wasmpool_error_kind_t] = &[WASMPOOL_ERROR_INVALID_ARGUMENT, WASMPOOL_ERROR_IO];

impl Api {
    pub(super) fn wasi_step(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        let cfg = wasmpool_wasi_config_new();
        assert!(!cfg.is_null(), "wasi_config_new");
        let mut caps = [None::<usize>, None];
        let r = self.wasi_setters(u, cfg, &mut caps);
        if r.is_ok() && !self.stores.is_empty() {
            let s = self.stores[u.choose_index(self.stores.len())?].ptr;
            if check(unsafe { wasmpool_store_wasi_set(s, cfg) }, "store_wasi_set", WASI_SET).is_none() {
                for (stream, cap) in caps.iter().enumerate() {
                    let mut data = null();
                    let mut len = usize::MAX;
                    let mut dropped = u64::MAX;
                    let (read, drop) = if stream == 0 {
                        unsafe { (wasmpool_store_wasi_stdout(s, &mut data, &mut len), wasmpool_store_wasi_stdout_dropped(s, &mut dropped)) }
                    } else {
                        unsafe { (wasmpool_store_wasi_stderr(s, &mut data, &mut len), wasmpool_store_wasi_stderr_dropped(s, &mut dropped)) }
                    };
                    let read = check(read, "store_wasi_stdout/stderr", SETTER);
                    let drop = check(drop, "store_wasi_*_dropped", SETTER);
                    // Captured exactly when configured so; nothing ran WASI since the set.
                    assert_eq!(read.is_none(), cap.is_some(), "captured output readable iff captured");
                    assert_eq!(drop.is_none(), cap.is_some(), "dropped count readable iff captured");
                    if cap.is_some() {
                        assert_eq!((len, dropped), (0, 0), "a fresh WASI context has written nothing");
                        assert!(!data.is_null());
                    }
                }
            }
        }
        unsafe { wasmpool_wasi_config_delete(cfg) };
        r
    }

    fn wasi_setters(
        &mut self,
        u: &mut Unstructured,
        cfg: *mut wasmpool_wasi_config_t,
        caps: &mut [Option<usize>; 2],
    ) -> arbitrary::Result<()> {
        for _ in 0..u.int_in_range(0..=8u8)? {
            match u.int_in_range(0..=8u8)? {
                0 => {
                    let n = u.int_in_range(0..=4usize)?;
                    let strings = (0..n)
                        .map(|_| small_string(u, &["prog", "", "--flag", "\u{e9}t\u{e9}", "a b"]))
                        .collect::<arbitrary::Result<Vec<_>>>()?;
                    let ptrs: Vec<*const c_char> = strings.iter().map(|s| s.as_ptr()).collect();
                    let argv = if ptrs.is_empty() && u.ratio(1u8, 2u8)? { null() } else { ptrs.as_ptr() };
                    check(unsafe { wasmpool_wasi_config_args_set(cfg, argv, ptrs.len()) }, "wasi_config_args_set", SETTER);
                }
                1 => {
                    let name = small_string(u, &["WASMPOOL_X", "", "A=B", "=", "PATH"])?;
                    let value = small_string(u, &["", "1", "x=y", "\u{1f600}"])?;
                    let err = unsafe { wasmpool_wasi_config_env_set(cfg, name.as_ptr(), value.as_ptr()) };
                    let bad = name.as_bytes().is_empty() || name.as_bytes().contains(&b'=');
                    let kind = check(err, "wasi_config_env_set", SETTER);
                    if bad {
                        assert!(kind.is_some(), "env_set accepted the name {name:?}");
                    }
                }
                2 => {
                    check(unsafe { wasmpool_wasi_config_inherit_env(cfg) }, "wasi_config_inherit_env", SETTER);
                }
                3 => {
                    let len = (interesting_u64(u)? as usize).min(1 << 16);
                    let bytes = vec![0xA5u8; len];
                    let ptr = if len == 0 && u.ratio(1u8, 2u8)? { null() } else { bytes.as_ptr() };
                    check(unsafe { wasmpool_wasi_config_stdin_bytes_set(cfg, ptr, len) }, "wasi_config_stdin_bytes_set", SETTER);
                }
                4 | 5 => {
                    let cap = interesting_u64(u)? as usize;
                    let stream = usize::from(u.ratio(1u8, 2u8)?);
                    let err = unsafe {
                        if stream == 0 { wasmpool_wasi_config_stdout_capture(cfg, cap) } else { wasmpool_wasi_config_stderr_capture(cfg, cap) }
                    };
                    if check(err, "wasi_config_*_capture", SETTER).is_none() {
                        caps[stream] = Some(cap);
                    }
                }
                6 => {
                    let host = small_string(u, &["/tmp", "/nonexistent-wasmpool-fuzz", "", ".", "/etc/hostname", "/"])?;
                    let guest = small_string(u, &["/data", ".", "", "/", "../up"])?;
                    let perms = if u.ratio(3u8, 4u8)? { u.int_in_range(0..=1u32)? } else { u32::arbitrary(u)? };
                    let err = unsafe { wasmpool_wasi_config_preopen_dir(cfg, host.as_ptr(), guest.as_ptr(), perms) };
                    check(err, "wasi_config_preopen_dir", WASI_SET);
                }
                7 => {
                    check(unsafe { wasmpool_wasi_config_network_allow(cfg) }, "wasi_config_network_allow", SETTER);
                }
                _ => {
                    // Inherited stderr (never stdout, the fuzzer's own output); nothing
                    // runs WASI here, so nothing is printed.
                    check(unsafe { wasmpool_wasi_config_stderr_inherit(cfg) }, "wasi_config_stderr_inherit", SETTER);
                    caps[1] = None;
                }
            }
        }
        Ok(())
    }
}
