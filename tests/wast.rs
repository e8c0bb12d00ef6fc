//! A .wast runner on the C API: every script in `tests/wast/` is parsed with
//! the `wast` crate and each of its commands is carried out through
//! wasmpool's exported C functions (modules compiled with
//! `wasmpool_module_new`, linked with `wasmpool_linker_instantiate`,
//! registered with `wasmpool_linker_define_instance`, called with
//! `wasmpool_instance_call`, ...), once in a pooling engine and once in an
//! on-demand one. The `spectest` module the official suite imports from is
//! defined the way a C host would: host functions, and a memory, a table
//! and globals made with `wasmpool_memory_new` and the like.
//!
//! Every command must pass; the counts are printed per script and engine.

use std::collections::HashMap;
use std::ffi::{CStr, CString, c_void};
use std::path::Path;
use std::ptr;

use wasmpool::*;
use wast::core::{NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet, Wat};

use wasmpool_error_kind_t as K;

/// An error from the C API: its kind and message.
#[derive(Debug)]
struct CError {
    kind: wasmpool_error_kind_t,
    message: String,
}

/// Takes an error returned by an export (NULL is success).
fn check(err: *mut wasmpool_error_t) -> Result<(), CError> {
    if err.is_null() {
        return Ok(());
    }
    // SAFETY: a non-NULL error from an export, released here once.
    unsafe {
        let kind = wasmpool_error_kind(err);
        let message = CStr::from_ptr(wasmpool_error_message(err)).to_string_lossy().into_owned();
        wasmpool_error_delete(err);
        Err(CError { kind, message })
    }
}

fn ok(err: *mut wasmpool_error_t, what: &str) {
    if let Err(e) = check(err) {
        panic!("{what}: {e:?}");
    }
}

/// The spectest print functions: they print nothing.
unsafe extern "C" fn print(
    _env: *mut c_void,
    _caller: *mut wasmpool_caller_t,
    _args: *const wasmpool_val_t,
    _nargs: usize,
    _results: *mut wasmpool_val_t,
    _nresults: usize,
) -> *mut wasmpool_error_t {
    ptr::null_mut()
}

#[derive(Clone, Copy, Debug)]
enum Strategy {
    Pooling,
    OnDemand,
}

/// One script's world: an engine, a store, a linker holding `spectest` and
/// what the script registers, and the instances by name.
struct Runner {
    cfg: *mut wasmpool_config_t,
    engine: *mut wasmpool_engine_t,
    store: *mut wasmpool_store_t,
    linker: *mut wasmpool_linker_t,
    named: HashMap<String, *mut wasmpool_instance_t>,
    current: Option<*mut wasmpool_instance_t>,
}

fn val(kind: wasmpool_valkind_t, of: wasmpool_valunion_t) -> wasmpool_val_t {
    wasmpool_val_t { kind: kind as u32, of }
}

fn cstr(s: &str) -> CString {
    CString::new(s).expect("names in the test scripts hold no NUL")
}

impl Runner {
    fn new(strategy: Strategy) -> Self {
        // SAFETY: every pointer passed is a live handle made here or a local.
        unsafe {
            let cfg = wasmpool_config_new();
            let strategy_c = match strategy {
                Strategy::Pooling => wasmpool_strategy_t::WASMPOOL_STRATEGY_POOLING,
                Strategy::OnDemand => wasmpool_strategy_t::WASMPOOL_STRATEGY_ON_DEMAND,
            };
            ok(wasmpool_config_strategy_set(cfg, strategy_c as u32), "strategy");
            ok(wasmpool_config_total_core_instances_set(cfg, 64), "instances");
            ok(wasmpool_config_total_memories_set(cfg, 64), "memories");
            ok(wasmpool_config_total_tables_set(cfg, 64), "tables");
            // refs.wast has modules with a table per reference type.
            ok(wasmpool_config_max_tables_per_module_set(cfg, 4), "max_tables_per_module");
            ok(wasmpool_config_max_memory_size_set(cfg, 4 << 20), "max_memory_size");
            ok(wasmpool_config_memory_reservation_set(cfg, 8 << 20), "memory_reservation");
            ok(wasmpool_config_memory_guard_size_set(cfg, 64 << 10), "guard");
            let mut engine = ptr::null_mut();
            ok(wasmpool_engine_new(cfg, &mut engine), "engine");
            let want = match strategy {
                Strategy::Pooling => wasmpool_strategy_t::WASMPOOL_STRATEGY_POOLING,
                Strategy::OnDemand => wasmpool_strategy_t::WASMPOOL_STRATEGY_ON_DEMAND,
            };
            assert_eq!(wasmpool_engine_strategy(engine), want);
            let mut store = ptr::null_mut();
            ok(wasmpool_store_new(engine, &mut store), "store");
            let mut linker = ptr::null_mut();
            ok(wasmpool_linker_new(engine, &mut linker), "linker");
            let runner = Runner { cfg, engine, store, linker, named: HashMap::new(), current: None };
            runner.define_spectest();
            runner
        }
    }

    /// The `spectest` module of the official test suite, through the C API.
    fn define_spectest(&self) {
        use wasmpool_valkind_t as V;
        let prints: &[(&str, &[V])] = &[
            ("print", &[]),
            ("print_i32", &[V::WASMPOOL_VALKIND_I32]),
            ("print_i64", &[V::WASMPOOL_VALKIND_I64]),
            ("print_f32", &[V::WASMPOOL_VALKIND_F32]),
            ("print_f64", &[V::WASMPOOL_VALKIND_F64]),
            ("print_i32_f32", &[V::WASMPOOL_VALKIND_I32, V::WASMPOOL_VALKIND_F32]),
            ("print_f64_f64", &[V::WASMPOOL_VALKIND_F64, V::WASMPOOL_VALKIND_F64]),
        ];
        let module = cstr("spectest");
        // SAFETY: live handles made in `new`, locals for the rest.
        unsafe {
            for (name, params) in prints {
                let kinds: Vec<u32> = params.iter().map(|k| *k as u32).collect();
                let name = cstr(name);
                ok(
                    wasmpool_linker_define_func(
                        self.linker,
                        module.as_ptr(),
                        name.as_ptr(),
                        kinds.as_ptr(),
                        kinds.len(),
                        ptr::null(),
                        0,
                        Some(print),
                        ptr::null_mut(),
                        None,
                    ),
                    "define print",
                );
            }
            let globals = [
                ("global_i32", val(V::WASMPOOL_VALKIND_I32, wasmpool_valunion_t { i32: 666 })),
                ("global_i64", val(V::WASMPOOL_VALKIND_I64, wasmpool_valunion_t { i64: 666 })),
                ("global_f32", val(V::WASMPOOL_VALKIND_F32, wasmpool_valunion_t { f32: 666.6 })),
                ("global_f64", val(V::WASMPOOL_VALKIND_F64, wasmpool_valunion_t { f64: 666.6 })),
            ];
            for (name, value) in globals {
                let ty = wasmpool_globaltype_t { kind: value.kind, is_mutable: false };
                let mut global = ptr::null_mut();
                ok(wasmpool_global_new(self.store, &ty, &value, &mut global), "global");
                let name = cstr(name);
                ok(wasmpool_linker_define_global(self.linker, self.store, module.as_ptr(), name.as_ptr(), global), "define global");
            }
            let tty = wasmpool_tabletype_t {
                element: wasmpool_reftype_t::WASMPOOL_REFTYPE_FUNCREF as u32,
                minimum: 10,
                maximum: 20,
                has_maximum: true,
                is_64: false,
            };
            let mut table = ptr::null_mut();
            ok(wasmpool_table_new(self.store, &tty, &mut table), "table");
            ok(wasmpool_linker_define_table(self.linker, self.store, module.as_ptr(), c"table".as_ptr(), table), "define table");
            let mty = wasmpool_memorytype_t { minimum: 1, maximum: 2, has_maximum: true, is_64: false, shared: false };
            let mut memory = ptr::null_mut();
            ok(wasmpool_memory_new(self.store, &mty, &mut memory), "memory");
            ok(wasmpool_linker_define_memory(self.linker, self.store, module.as_ptr(), c"memory".as_ptr(), memory), "define memory");
        }
    }

    /// Compiles `bytes`: COMPILE errors come back as errors.
    fn compile(&self, bytes: &[u8]) -> Result<*mut wasmpool_module_t, CError> {
        let mut module = ptr::null_mut();
        // SAFETY: a live engine, a local buffer and out-pointer.
        check(unsafe { wasmpool_module_new(self.engine, bytes.as_ptr(), bytes.len(), &mut module) })?;
        Ok(module)
    }

    /// Compiles and instantiates `bytes` through the linker.
    fn instantiate(&self, bytes: &[u8]) -> Result<*mut wasmpool_instance_t, CError> {
        let module = self.compile(bytes)?;
        let mut inst = ptr::null_mut();
        // SAFETY: live handles; the module is released after instantiation
        // (the instance keeps what it needs).
        let made = check(unsafe { wasmpool_linker_instantiate(self.linker, self.store, module, &mut inst) });
        unsafe { wasmpool_module_delete(module) };
        made.map(|_| inst)
    }

    fn instance(&self, name: Option<&str>) -> Result<*mut wasmpool_instance_t, String> {
        match name {
            Some(n) => self.named.get(n).copied().ok_or_else(|| format!("no module named ${n}")),
            None => self.current.ok_or_else(|| "no module instantiated yet".to_string()),
        }
    }

    /// Runs an invoke or a global get; the results as C values.
    fn execute(&mut self, exec: &mut WastExecute<'_>) -> Result<Result<Vec<wasmpool_val_t>, CError>, String> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(invoke),
            WastExecute::Get { module, global, .. } => {
                let inst = self.instance(module.map(|m| m.name()))?;
                let name = cstr(global);
                let mut out = val(wasmpool_valkind_t::WASMPOOL_VALKIND_I32, wasmpool_valunion_t { i32: 0 });
                // SAFETY: a live instance, local name and out-value.
                Ok(check(unsafe { wasmpool_instance_global_get(inst, name.as_ptr(), &mut out) }).map(|_| vec![out]))
            }
            WastExecute::Wat(wat) => {
                let bytes = wat.encode().map_err(|e| format!("cannot encode the module: {e}"))?;
                Ok(self.instantiate(&bytes).map(|_| Vec::new()))
            }
        }
    }

    fn invoke(&mut self, invoke: &WastInvoke<'_>) -> Result<Result<Vec<wasmpool_val_t>, CError>, String> {
        let inst = self.instance(invoke.module.map(|m| m.name()))?;
        let name = cstr(invoke.name);
        let mut info = std::mem::MaybeUninit::<wasmpool_extern_info_t>::uninit();
        // SAFETY: a live instance, local name and out-struct.
        if let Err(e) = check(unsafe { wasmpool_instance_func_type(inst, name.as_ptr(), info.as_mut_ptr()) }) {
            return Ok(Err(e));
        }
        // SAFETY: written on success.
        let info = unsafe { info.assume_init() };
        let nresults = info.nresults;
        // SAFETY: the listing holds `nparams` kinds, borrowed from the store.
        let params = unsafe { std::slice::from_raw_parts(info.params, info.nparams) };
        let args = invoke
            .args
            .iter()
            .enumerate()
            .map(|(i, a)| self.arg(a, params.get(i).copied()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut results = vec![val(wasmpool_valkind_t::WASMPOOL_VALKIND_I32, wasmpool_valunion_t { i32: 0 }); nresults];
        // SAFETY: arrays of the stated lengths.
        let called = check(unsafe {
            wasmpool_instance_call(inst, name.as_ptr(), args.as_ptr(), args.len(), results.as_mut_ptr(), results.len())
        });
        Ok(called.map(|_| results))
    }
}

impl Runner {
    /// The C value for a script's argument; `param` is the kind the
    /// function declares (what a `ref.null` of a concrete type becomes).
    fn arg(&self, a: &WastArg<'_>, param: Option<u32>) -> Result<wasmpool_val_t, String> {
        use wasmpool_valkind_t as V;
        Ok(match a {
            WastArg::Core(WastArgCore::I32(i)) => val(V::WASMPOOL_VALKIND_I32, wasmpool_valunion_t { i32: *i }),
            WastArg::Core(WastArgCore::I64(i)) => val(V::WASMPOOL_VALKIND_I64, wasmpool_valunion_t { i64: *i }),
            WastArg::Core(WastArgCore::F32(f)) => val(V::WASMPOOL_VALKIND_F32, wasmpool_valunion_t { f32: f32::from_bits(f.bits) }),
            WastArg::Core(WastArgCore::F64(f)) => val(V::WASMPOOL_VALKIND_F64, wasmpool_valunion_t { f64: f64::from_bits(f.bits) }),
            WastArg::Core(WastArgCore::V128(v)) => val(V::WASMPOOL_VALKIND_V128, wasmpool_valunion_t { v128: v.to_le_bytes() }),
            // All zero is null for every reference kind (a NULL funcref, a
            // {0, 0} ref): only the kind differs.
            WastArg::Core(WastArgCore::RefNull(_)) => wasmpool_val_t {
                kind: param.ok_or("ref.null for a parameter the function does not have")?,
                of: wasmpool_valunion_t { v128: [0; 16] },
            },
            WastArg::Core(WastArgCore::RefExtern(n)) => {
                let mut r = wasmpool_ref_t { store: 0, id: 0 };
                // SAFETY: a live store and a local out-value; the data is the
                // number itself, never dereferenced.
                check(unsafe { wasmpool_externref_new(self.store, *n as usize as *mut c_void, None, &mut r) })
                    .map_err(|e| format!("ref.extern {n}: {e:?}"))?;
                val(V::WASMPOOL_VALKIND_EXTERNREF, wasmpool_valunion_t { externref: r })
            }
            other => return Err(format!("argument {other:?} cannot pass through wasmpool_val_t yet")),
        })
    }

    /// Whether the C value `got` is what `want` expects.
    fn matches(&self, got: &wasmpool_val_t, want: &WastRet<'_>) -> Result<bool, String> {
        match want {
            WastRet::Core(core) => self.matches_core(got, core),
            other => Err(format!("expected result {other:?} cannot pass through wasmpool_val_t yet")),
        }
    }

    fn matches_core(&self, got: &wasmpool_val_t, want: &WastRetCore<'_>) -> Result<bool, String> {
        use wasmpool_valkind_t as V;
        let kind = |k: V| got.kind == k as u32;
        // SAFETY: each member is read only after its kind was checked; the
        // store is live.
        unsafe {
            let any = kind(V::WASMPOOL_VALKIND_ANYREF) && got.of.anyref.id != 0;
            let i31 = any && {
                let mut v = 0;
                check(wasmpool_anyref_i31_get_s(self.store, got.of.anyref, &mut v)).is_ok()
            };
            Ok(match want {
                WastRetCore::RefNull(_) => match got.kind {
                    k if k == V::WASMPOOL_VALKIND_FUNCREF as u32 => got.of.funcref.is_null(),
                    k if k >= V::WASMPOOL_VALKIND_EXTERNREF as u32 && k <= V::WASMPOOL_VALKIND_EXNREF as u32 => {
                        got.of.anyref.store == 0 && got.of.anyref.id == 0
                    }
                    _ => false,
                },
                WastRetCore::RefFunc(_) => kind(V::WASMPOOL_VALKIND_FUNCREF) && !got.of.funcref.is_null(),
                WastRetCore::RefExtern(n) => {
                    if !kind(V::WASMPOOL_VALKIND_EXTERNREF) || got.of.externref.id == 0 {
                        return Ok(false);
                    }
                    let Some(n) = n else { return Ok(true) };
                    let mut data = ptr::null_mut();
                    check(wasmpool_externref_data(self.store, got.of.externref, &mut data)).is_ok() && data as usize == *n as usize
                }
                WastRetCore::RefAny | WastRetCore::RefEq => any,
                WastRetCore::RefI31 => i31,
                WastRetCore::RefStruct | WastRetCore::RefArray => any && !i31,
                WastRetCore::Either(all) => {
                    for w in all {
                        if self.matches_core(got, w)? {
                            return Ok(true);
                        }
                    }
                    false
                }
                other => matches(got, other)?,
            })
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        // SAFETY: handles made in `new`, each released once.
        unsafe {
            wasmpool_linker_delete(self.linker);
            wasmpool_store_delete(self.store);
            wasmpool_engine_delete(self.engine);
            wasmpool_config_delete(self.cfg);
        }
    }
}

fn nan32(bits: u32, pattern: &NanPattern<wast::token::F32>) -> bool {
    let f = f32::from_bits(bits);
    match pattern {
        NanPattern::CanonicalNan => f.is_nan() && bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => f.is_nan() && bits & 0x0040_0000 != 0,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn nan64(bits: u64, pattern: &NanPattern<wast::token::F64>) -> bool {
    let f = f64::from_bits(bits);
    match pattern {
        NanPattern::CanonicalNan => f.is_nan() && bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => f.is_nan() && bits & 0x0008_0000_0000_0000 != 0,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn lanes<const N: usize, const W: usize>(bytes: &[u8; 16]) -> [[u8; W]; N] {
    std::array::from_fn(|i| bytes[i * W..(i + 1) * W].try_into().unwrap())
}

/// Whether the C value `got` is what `want` expects.
fn matches(got: &wasmpool_val_t, want: &WastRetCore<'_>) -> Result<bool, String> {
    use wasmpool_valkind_t as V;
    let kind = |k: V| got.kind == k as u32;
    // SAFETY: each member is read only after its kind was checked.
    unsafe {
        Ok(match want {
            WastRetCore::I32(i) => kind(V::WASMPOOL_VALKIND_I32) && got.of.i32 == *i,
            WastRetCore::I64(i) => kind(V::WASMPOOL_VALKIND_I64) && got.of.i64 == *i,
            WastRetCore::F32(p) => kind(V::WASMPOOL_VALKIND_F32) && nan32(got.of.f32.to_bits(), p),
            WastRetCore::F64(p) => kind(V::WASMPOOL_VALKIND_F64) && nan64(got.of.f64.to_bits(), p),
            WastRetCore::V128(p) => {
                let b = got.of.v128;
                kind(V::WASMPOOL_VALKIND_V128)
                    && match p {
                        V128Pattern::I8x16(x) => x.iter().zip(b).all(|(w, g)| *w as u8 == g),
                        V128Pattern::I16x8(x) => x.iter().zip(lanes::<8, 2>(&b)).all(|(w, g)| *w == i16::from_le_bytes(g)),
                        V128Pattern::I32x4(x) => x.iter().zip(lanes::<4, 4>(&b)).all(|(w, g)| *w == i32::from_le_bytes(g)),
                        V128Pattern::I64x2(x) => x.iter().zip(lanes::<2, 8>(&b)).all(|(w, g)| *w == i64::from_le_bytes(g)),
                        V128Pattern::F32x4(x) => x.iter().zip(lanes::<4, 4>(&b)).all(|(w, g)| nan32(u32::from_le_bytes(g), w)),
                        V128Pattern::F64x2(x) => x.iter().zip(lanes::<2, 8>(&b)).all(|(w, g)| nan64(u64::from_le_bytes(g), w)),
                    }
            }
            other => return Err(format!("expected result {other:?} cannot pass through wasmpool_val_t yet")),
        })
    }
}

fn show(v: &wasmpool_val_t) -> String {
    // SAFETY: plain-data union; every member is shown by its kind.
    unsafe {
        match v.kind {
            0 => format!("i32 {}", v.of.i32),
            1 => format!("i64 {}", v.of.i64),
            2 => format!("f32 {} ({:#x})", v.of.f32, v.of.f32.to_bits()),
            3 => format!("f64 {} ({:#x})", v.of.f64, v.of.f64.to_bits()),
            4 => format!("v128 {:?}", v.of.v128),
            6 => format!("funcref {:?}", v.of.funcref),
            k => format!("kind {k} ref {:?}", v.of.anyref),
        }
    }
}

/// The module's name (`$id`) and binary; quoted text modules are parsed here.
fn encode(module: &mut QuoteWat<'_>) -> Result<(Option<String>, Vec<u8>), String> {
    let name = match module {
        QuoteWat::Wat(Wat::Module(m)) => m.id.map(|id| id.name().to_string()),
        _ => None,
    };
    let bytes = module.encode().map_err(|e| format!("cannot encode the module: {e}"))?;
    Ok((name, bytes))
}

fn expect_kind(got: Result<(), CError>, kind: wasmpool_error_kind_t, message: &str) -> Result<(), String> {
    match got {
        Ok(()) => Err(format!("succeeded; expected {kind:?} ({message})")),
        Err(e) if e.kind == kind => Ok(()),
        Err(e) => Err(format!("failed with {:?}: {}; expected {kind:?} ({message})", e.kind, e.message)),
    }
}

/// Runs one directive; Ok(name of the command) when it passed.
fn run(runner: &mut Runner, directive: WastDirective<'_>) -> Result<&'static str, String> {
    match directive {
        WastDirective::Module(mut module) => {
            let (name, bytes) = encode(&mut module)?;
            let inst = runner.instantiate(&bytes).map_err(|e| format!("{:?}: {}", e.kind, e.message))?;
            if let Some(name) = name {
                runner.named.insert(name, inst);
            }
            runner.current = Some(inst);
            Ok("module")
        }
        WastDirective::Register { name, module, .. } => {
            let inst = runner.instance(module.map(|m| m.name()))?;
            let name = cstr(name);
            // SAFETY: live handles and a local name.
            check(unsafe { wasmpool_linker_define_instance(runner.linker, runner.store, name.as_ptr(), inst) })
                .map_err(|e| format!("register: {e:?}"))?;
            Ok("register")
        }
        WastDirective::Invoke(invoke) => {
            runner.invoke(&invoke)?.map_err(|e| format!("invoke `{}`: {e:?}", invoke.name))?;
            Ok("invoke")
        }
        WastDirective::AssertReturn { mut exec, results, .. } => {
            let got = runner.execute(&mut exec)?.map_err(|e| format!("{:?}: {}", e.kind, e.message))?;
            if got.len() != results.len() {
                return Err(format!("{} results, expected {}", got.len(), results.len()));
            }
            for (i, (g, w)) in got.iter().zip(&results).enumerate() {
                if !runner.matches(g, w)? {
                    return Err(format!("result {i} is {}, expected {w:?}", show(g)));
                }
            }
            Ok("assert_return")
        }
        WastDirective::AssertTrap { mut exec, message, .. } => {
            match runner.execute(&mut exec)? {
                Ok(v) => return Err(format!("returned {:?}; expected a trap ({message})", v.iter().map(show).collect::<Vec<_>>())),
                Err(e) if e.kind == K::WASMPOOL_ERROR_TRAP && e.message.contains(message) => {}
                Err(e) => return Err(format!("failed with {:?}: {}; expected a trap ({message})", e.kind, e.message)),
            }
            Ok("assert_trap")
        }
        WastDirective::AssertException { mut exec, .. } => {
            expect_kind(runner.execute(&mut exec)?.map(|_| ()), K::WASMPOOL_ERROR_EXCEPTION, "an uncaught exception")?;
            Ok("assert_exception")
        }
        WastDirective::AssertExhaustion { call, message, .. } => {
            match runner.invoke(&call)? {
                Err(e) if e.kind == K::WASMPOOL_ERROR_TRAP && e.message.contains("call stack exhausted") => {}
                Ok(_) => return Err(format!("returned; expected stack exhaustion ({message})")),
                Err(e) => return Err(format!("failed with {:?}: {}; expected stack exhaustion ({message})", e.kind, e.message)),
            }
            Ok("assert_exhaustion")
        }
        WastDirective::AssertUnlinkable { mut module, message, .. } => {
            let bytes = module.encode().map_err(|e| format!("cannot encode the module: {e}"))?;
            expect_kind(runner.instantiate(&bytes).map(|_| ()), K::WASMPOOL_ERROR_LINK, message)?;
            Ok("assert_unlinkable")
        }
        WastDirective::AssertInvalid { mut module, message, .. } => {
            let bytes = module.encode().map_err(|e| format!("cannot encode the module: {e}"))?;
            expect_kind(runner.compile(&bytes).map(|m| unsafe { wasmpool_module_delete(m) }), K::WASMPOOL_ERROR_COMPILE, message)?;
            Ok("assert_invalid")
        }
        WastDirective::AssertMalformed { mut module, message, .. } => {
            // Text the parser refuses is malformed before wasmpool sees it;
            // binary modules go through wasmpool_module_new.
            if let Ok(bytes) = module.encode() {
                expect_kind(runner.compile(&bytes).map(|m| unsafe { wasmpool_module_delete(m) }), K::WASMPOOL_ERROR_COMPILE, message)?;
            }
            Ok("assert_malformed")
        }
        other => Err(format!("the runner does not support {other:?}")),
    }
}

/// Runs every directive of `path` in a fresh runner; the counts by command.
fn run_script(path: &Path, strategy: Strategy) -> Result<Vec<(&'static str, usize)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let buf = ParseBuffer::new(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let wast = parser::parse::<Wast<'_>>(&buf).map_err(|e| {
        let mut e = e;
        e.set_path(path);
        e.set_text(&text);
        format!("{e}")
    })?;
    let mut runner = Runner::new(strategy);
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for directive in wast.directives {
        let (line, col) = directive.span().linecol_in(&text);
        let what = run(&mut runner, directive).map_err(|e| format!("{}:{}:{}: {e}", path.display(), line + 1, col + 1))?;
        match counts.iter_mut().find(|(w, _)| *w == what) {
            Some((_, n)) => *n += 1,
            None => counts.push((what, 1)),
        }
    }
    Ok(counts)
}

#[test]
fn wast_scripts_pass_under_both_strategies() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wast");
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/wast exists")
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.extension().is_some_and(|x| x == "wast"))
        .collect();
    scripts.sort();
    assert!(scripts.len() >= 5, "expected the project's .wast scripts in {}", dir.display());
    let mut failures = Vec::new();
    let mut total = 0;
    for strategy in [Strategy::Pooling, Strategy::OnDemand] {
        for script in &scripts {
            let name = script.file_name().unwrap().to_string_lossy();
            match run_script(script, strategy) {
                Ok(counts) => {
                    let n: usize = counts.iter().map(|(_, n)| n).sum();
                    total += n;
                    let detail: Vec<String> = counts.iter().map(|(w, n)| format!("{w} {n}")).collect();
                    println!("{strategy:?} {name}: {n} commands passed ({})", detail.join(", "));
                }
                Err(e) => failures.push(format!("{strategy:?} {e}")),
            }
        }
    }
    println!("{total} commands passed in all");
    assert!(failures.is_empty(), "failed:\n{}", failures.join("\n"));
}
