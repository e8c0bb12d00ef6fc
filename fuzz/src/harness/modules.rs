//! Module sources: text templates that exercise the API, mutated templates,
//! random bytes and wasm-smith modules.

use super::*;

/// Text modules that exercise the API; `spin` loops forever (called only when a
/// fuel budget or a deadline bounds it).
pub const TEMPLATES: &[&str] = &[
    r#"(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"#,
    r#"(module (memory (export "memory") 1 4)
        (data (i32.const 0) "hello")
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
        (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
        (func (export "size") (result i32) (memory.size)))"#,
    r#"(module
        (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
        (func (export "boom") unreachable)
        (func $r (export "recurse") (param i64) (result i64) (call $r (i64.add (local.get 0) (i64.const 1)))))"#,
    r#"(module (func (export "spin") (loop br 0)))"#,
    r#"(module
        (global (export "g") (mut i32) (i32.const 7))
        (global (export "c") i64 (i64.const -1))
        (global (export "f") (mut f64) (f64.const 1.5))
        (global (export "v") (mut v128) (v128.const i64x2 1 2))
        (global (export "r") (mut funcref) (ref.null func))
        (func (export "get") (result i32) (global.get 0)))"#,
    r#"(module (type $t (func (result i32)))
        (table (export "t") 10 funcref)
        (elem (i32.const 1) $one)
        (func $one (result i32) (i32.const 1))
        (func (export "icall") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))"#,
    r#"(module (import "host" "f" (func $f (param i32) (result i32)))
        (import "host" "g" (func $g (param i64 f32 f64) (result v128)))
        (memory (export "memory") 1)
        (func (export "callf") (param i32) (result i32) (call $f (local.get 0)))
        (func (export "callg") (result v128) (call $g (i64.const 1) (f32.const 2) (f64.const 3))))"#,
    r#"(module (memory 1) (memory 1))"#,
    r#"(module (table 100000 funcref))"#,
    r#"(module (func $s unreachable) (start $s))"#,
    r#"(module (memory 1) (data (i32.const 65530) "0123456789"))"#,
    r#"(module (func (export "mix") (param i64 f32 f64 v128) (result v128 f64 i64)
        (local.get 3) (local.get 2) (local.get 0)))"#,
    r#"(module (func (export "ref") (param externref) (result funcref) (ref.null func)))"#,
    r#"(module (memory (export "memory") 2)
        (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2))))"#,
    r#"(module (import "env" "m" (memory 1)) (import "env" "x" (global i32)))"#,
];

fn smith_config(u: &mut Unstructured, imports: bool) -> arbitrary::Result<wasm_smith::Config> {
    // Fields are initialised in this order, which is the order they take input bytes in.
    Ok(wasm_smith::Config {
        min_funcs: 0,
        max_funcs: u.int_in_range(1..=12)?,
        max_instructions: u.int_in_range(1..=300)?,
        max_memories: u.int_in_range(0..=2)?,
        max_tables: u.int_in_range(0..=2)?,
        max_table_elements: *u.choose(&[0, 10, 100, 1000, 100_000])?,
        max_memory32_bytes: *u.choose(&[64 << 10, 1 << 20, 2 << 20, 1 << 32])?,
        max_memory64_bytes: 1 << 20,
        memory64_enabled: u.ratio(1u8, 8u8)?,
        max_imports: if imports { u.int_in_range(0..=4)? } else { 0 },
        min_exports: 1,
        max_exports: 16,
        export_everything: u.ratio(1u8, 2u8)?,
        allow_start_export: true,
        max_data_segments: 4,
        max_element_segments: 4,
        max_globals: 8,
        max_type_size: 100,
        max_nesting_depth: 8,
        simd_enabled: true,
        relaxed_simd_enabled: u.ratio(1u8, 4u8)?,
        bulk_memory_enabled: true,
        reference_types_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        tail_call_enabled: u.ratio(1u8, 4u8)?,
        threads_enabled: false,
        gc_enabled: false,
        exceptions_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: false,
        canonicalize_nans: false,
        disallow_traps: u.ratio(1u8, 4u8)?,
        ..wasm_smith::Config::default()
    })
}

/// A wasm-smith module from the input (or an empty vector when the input is short).
pub(super) fn smith_module(u: &mut Unstructured, imports: bool) -> arbitrary::Result<Vec<u8>> {
    let cfg = smith_config(u, imports)?;
    Ok(wasm_smith::Module::new(cfg, u)?.to_bytes())
}

/// Module bytes, and whether the module is known to terminate (see `Module`).
pub(super) fn module_bytes(u: &mut Unstructured) -> arbitrary::Result<(Vec<u8>, bool)> {
    let which = u.int_in_range(0..=9u8)?;
    if which <= 4 {
        let t = u.choose(TEMPLATES)?;
        return Ok((t.as_bytes().to_vec(), !t.contains("spin")));
    }
    Ok((match which {
        5 => {
            let mut b = u.choose(TEMPLATES)?.as_bytes().to_vec();
            for _ in 0..u.int_in_range(1..=4)? {
                let i = u.choose_index(b.len())?;
                b[i] = u8::arbitrary(u)?;
            }
            b
        }
        6 => {
            let mut b = b"\0asm\x01\0\0\0".to_vec();
            b.extend_from_slice(<&[u8]>::arbitrary(u)?);
            b
        }
        7 => <&[u8]>::arbitrary(u)?.to_vec(),
        _ => {
            let imports = u.ratio(1u8, 3u8)?;
            smith_module(u, imports)?
        }
    }, false))
}
