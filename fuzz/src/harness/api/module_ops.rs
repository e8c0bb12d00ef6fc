//! Module operations: compile (see `modules.rs` for the sources), delete,
//! serialise, deserialise.

use super::*;

impl Api {
    pub(super) fn module_new(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if let Some(e) = self.pick_engine(u)?
            && self.modules.len() < 6
        {
            let (bytes, terminates) = module_bytes(u)?;
            self.compile(e, &bytes, terminates);
        }
        Ok(())
    }

    pub(super) fn module_delete(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if !self.modules.is_empty() {
            let i = u.choose_index(self.modules.len())?;
            unsafe { wasmpool_module_delete(self.modules.swap_remove(i).ptr) };
        }
        Ok(())
    }

    /// Serialises a module; keeps the bytes (a few) for `module_deserialize`.
    pub(super) fn module_serialize(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.modules.is_empty() {
            return Ok(());
        }
        let i = u.choose_index(self.modules.len())?;
        let m = self.modules[i].ptr;
        let mut b = null_mut();
        if check(unsafe { wasmpool_module_serialize(m, &mut b) }, "module_serialize", SERIALIZE).is_none() {
            let len = unsafe { wasmpool_bytes_len(b) };
            let data = unsafe { wasmpool_bytes_data(b) };
            assert!(len > 0 && !data.is_null(), "serialised module is empty");
            // SAFETY: `len` bytes valid until bytes_delete.
            let v = unsafe { std::slice::from_raw_parts(data, len) }.to_vec();
            unsafe { wasmpool_bytes_delete(b) };
            if self.blobs.len() < 3 {
                self.blobs.push((self.modules[i].engine, v));
            }
        }
        Ok(())
    }

    /// Only bytes that wasmpool itself serialised (TRUSTED INPUT ONLY), whole or
    /// truncated, into the same engine or another one.
    pub(super) fn module_deserialize(&mut self, u: &mut Unstructured) -> arbitrary::Result<()> {
        if self.blobs.is_empty() {
            return Ok(());
        }
        let Some(e) = self.pick_engine(u)? else { return Ok(()) };
        let (_, blob) = &self.blobs[u.choose_index(self.blobs.len())?];
        let len = if u.ratio(1u8, 2u8)? { blob.len() } else { u.int_in_range(0..=blob.len())? };
        let blob = blob[..len].to_vec();
        let mut m = null_mut();
        let err = unsafe { wasmpool_module_deserialize(self.engine(e).ptr, blob.as_ptr(), blob.len(), &mut m) };
        if check(err, "module_deserialize", DESERIALIZE).is_none() {
            self.add_module(e, m, false);
        }
        Ok(())
    }

    pub(super) fn add_module(&mut self, e: usize, m: *mut wasmpool_module_t, terminates: bool) {
        assert!(!m.is_null(), "module: success without a module");
        stat(|s| s.modules += 1);
        let (exports, imports) = exports_of(m);
        self.modules.push(Module { ptr: m, engine: e, exports, imports, terminates });
    }

    pub(super) fn compile(&mut self, e: usize, bytes: &[u8], terminates: bool) {
        let mut m = null_mut();
        let err = unsafe { wasmpool_module_new(self.engine(e).ptr, bytes.as_ptr(), bytes.len(), &mut m) };
        trace!("module_new: {} bytes: {}", bytes.len(), String::from_utf8_lossy(&bytes[..bytes.len().min(60)]));
        if check(err, "module_new", MODULE_NEW).is_none() {
            self.add_module(e, m, terminates);
        } else {
            assert!(m.is_null(), "module_new: out-parameter written on failure");
        }
    }
}
