//! The Python package's ctypes declarations are generated from the header.
//!
//! This test renders `bindings/python/src/wasmpool/_ffi.py` from
//! `include/wasmpool.h` (through the parser the NULL sweep uses,
//! tests/common/header.rs) and fails when the committed file differs (set
//! `WASMPOOL_BLESS=1` to rewrite it). It also fails when a function of the
//! header is neither used by the package's hand-written modules nor listed,
//! with a reason, in `bindings/python/C_ONLY.txt`: a function added to the C
//! API fails here until the Python package binds it or says why it does not.
//! A use is a reference `lib.<function>` (the loaded library) in a module of
//! the package; the knob accessors count as used when `config.py` builds its
//! properties from the generated `KNOBS`.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use common::header::{Enum, Func, Param, Types, functions, types};

const FFI: &str = "bindings/python/src/wasmpool/_ffi.py";
const PACKAGE: &str = "bindings/python/src/wasmpool";
const C_ONLY: &str = "bindings/python/C_ONLY.txt";

#[derive(Clone, Copy, PartialEq)]
enum Place {
    Param,
    Field,
}

fn scalar(base: &str) -> Option<&'static str> {
    Some(match base {
        "bool" => "ctypes.c_bool",
        "char" => "ctypes.c_char",
        "int8_t" => "ctypes.c_int8",
        "uint8_t" => "ctypes.c_uint8",
        "int16_t" => "ctypes.c_int16",
        "uint16_t" => "ctypes.c_uint16",
        "int32_t" => "ctypes.c_int32",
        "int" => "ctypes.c_int",
        "uint32_t" => "ctypes.c_uint32",
        "int64_t" => "ctypes.c_int64",
        "uint64_t" => "ctypes.c_uint64",
        "size_t" => "ctypes.c_size_t",
        "float" => "ctypes.c_float",
        "double" => "ctypes.c_double",
        _ => return None,
    })
}

/// The ctypes spelling of a C type. Handles are `c_void_p` (the classes
/// carry them as integers), NUL-terminated strings `c_char_p` (a string
/// member that is not, `char *data` next to a length, is `c_void_p`), and
/// byte buffers `c_void_p` (read with `ctypes.string_at`).
fn ctype(t: &Types, ty: &str, place: Place) -> Result<String, String> {
    let stars = ty.matches('*').count();
    let first_const = ty.starts_with("const ");
    let base = ty.split('*').next().unwrap().trim().trim_start_matches("const ").trim();
    let is_enum = t.enums.iter().any(|e| e.name == base);
    let is_record = t.records.iter().any(|r| r.name == base);
    let is_opaque = t.opaque.iter().any(|o| o == base);
    let is_callback = t.callbacks.iter().any(|c| c.name == base);
    let s = |v: &str| Ok(v.to_string());
    match stars {
        0 if base == "void" => s("None"),
        0 if is_enum || is_record || is_callback => Ok(base.to_string()),
        0 => scalar(base).map(str::to_string).ok_or_else(|| format!("unknown C type `{ty}`")),
        1 if base == "char" && (place == Place::Param || first_const) => s("ctypes.c_char_p"),
        1 if base == "void" || base == "char" || base == "uint8_t" || is_opaque => s("ctypes.c_void_p"),
        1 if is_record => Ok(format!("ctypes.POINTER({base})")),
        1 if is_enum => s("ctypes.POINTER(ctypes.c_int)"),
        1 => scalar(base).map(|s| format!("ctypes.POINTER({s})")).ok_or_else(|| format!("unknown C type `{ty}`")),
        2 if ty == "const char *const *" => s("ctypes.POINTER(ctypes.c_char_p)"),
        2 => s("ctypes.POINTER(ctypes.c_void_p)"),
        _ => Err(format!("unsupported C type `{ty}`")),
    }
}

fn field(t: &Types, f: &Param) -> Result<String, String> {
    let ty = ctype(t, &f.ty, Place::Field)?;
    Ok(match f.array {
        Some(n) => format!("(\"{}\", {ty} * {n})", f.name),
        None => format!("(\"{}\", {ty})", f.name),
    })
}

fn args(t: &Types, params: &[Param]) -> Result<String, String> {
    Ok(params.iter().map(|p| ctype(t, &p.ty, Place::Param)).collect::<Result<Vec<_>, _>>()?.join(", "))
}

/// The configuration knobs: `wasmpool_config_<name>_set(cfg, value)` with a
/// `wasmpool_config_<name>_get(cfg)` returning the value's type, a number or
/// an enum (the one setting that is a string, the cache directory, is bound
/// by hand).
fn knobs(funcs: &[Func]) -> Vec<(String, String)> {
    funcs
        .iter()
        .filter_map(|set| {
            let name = set.name.strip_prefix("wasmpool_config_")?.strip_suffix("_set")?;
            let get = funcs.iter().find(|g| g.name == format!("wasmpool_config_{name}_get"))?;
            let [cfg, value] = &set.params[..] else { return None };
            (cfg.ty == "wasmpool_config_t *" && get.params.len() == 1 && get.ret == value.ty && !value.ty.contains('*'))
                .then(|| (name.to_string(), value.ty.clone()))
        })
        .collect()
}

/// The Python name of an enum and the prefix its constants share (up to an underscore).
fn py_enum_names(e: &Enum) -> (String, String) {
    let py = e
        .name
        .trim_start_matches("wasmpool_")
        .trim_end_matches("_t")
        .split('_')
        .map(|w| w[..1].to_uppercase() + &w[1..])
        .collect::<String>();
    // WASMPOOL_WASI_PERMS_ for wasmpool_wasi_perms_t; else the constants' common prefix up to
    // an underscore (WASMPOOL_ERROR_ for wasmpool_error_kind_t).
    let named = format!("{}_", e.name.trim_end_matches("_t").to_uppercase());
    if e.constants.iter().all(|(n, _)| n.starts_with(&named) && n.len() > named.len()) {
        return (py, named);
    }
    let mut prefix = e.constants[0].0.clone();
    for (n, _) in &e.constants[1..] {
        while !n.starts_with(&prefix) {
            prefix.pop();
        }
    }
    prefix.truncate(prefix.rfind('_').map_or(0, |i| i + 1));
    assert!(
        e.constants.iter().all(|(n, _)| n[prefix.len()..].starts_with(|c: char| c.is_ascii_alphabetic())),
        "the constants of {} have no usable common prefix",
        e.name
    );
    (py, prefix)
}

fn generate(header: &str) -> Result<String, String> {
    let t = types(header);
    let funcs = functions(header);
    if funcs.len() < 50 || t.records.len() < 5 || t.enums.len() < 5 {
        return Err("the header parser found too little; it is broken".into());
    }
    let mut out = String::from(
        "\"\"\"ctypes declarations of wasmpool.h.\n\n\
         GENERATED by tests/python_ffi.rs from include/wasmpool.h: do not edit. Regenerate with\n\
         `WASMPOOL_BLESS=1 cargo test --release --test python_ffi`.\n\n\
         Enums are int constants, `ENUMS` (name -> constant -> value) and IntEnum classes (ErrorKind,\n\
         TrapCode, ...: the C name in CamelCase, members without the common prefix); structs and unions are\n\
         ctypes classes named as in C; callbacks are CFUNCTYPE types; `FUNCTIONS` maps every\n\
         exported function to its (restype, argtypes), which `bind` installs on a loaded library.\n\
         `KNOBS` lists the configuration knobs (a `_set` and a `_get` each) with their C type.\n\
         \"\"\"\n\n# ruff: noqa\n# mypy: ignore-errors\nfrom __future__ import annotations\n\nimport ctypes\nimport enum\nfrom typing import Any\n\n",
    );
    for e in &t.enums {
        writeln!(out, "# enum {}", e.name).unwrap();
        writeln!(out, "{} = ctypes.c_int", e.name).unwrap();
        for (n, v) in &e.constants {
            writeln!(out, "{n} = {v}").unwrap();
        }
        out.push('\n');
    }
    // Each enum also as an IntEnum, named in CamelCase without `wasmpool_` and `_t`, members
    // without the constants' common prefix (WASMPOOL_ERROR_POOL_EXHAUSTED: ErrorKind.POOL_EXHAUSTED).
    for e in &t.enums {
        let (py, prefix) = py_enum_names(e);
        writeln!(out, "class {py}(enum.IntEnum):\n    \"\"\"`{}`.\"\"\"\n", e.name).unwrap();
        for (n, v) in &e.constants {
            writeln!(out, "    {} = {v}", &n[prefix.len()..]).unwrap();
        }
        out.push_str("\n\n");
    }
    out.push_str("ENUM_CLASSES: dict[str, type[enum.IntEnum]] = {\n");
    for e in &t.enums {
        writeln!(out, "    \"{}\": {},", e.name, py_enum_names(e).0).unwrap();
    }
    out.push_str("}\n\n");
    out.push_str("ENUMS: dict[str, dict[str, int]] = {\n");
    for e in &t.enums {
        let items = e.constants.iter().map(|(n, _)| format!("\"{n}\": {n}")).collect::<Vec<_>>().join(", ");
        writeln!(out, "    \"{}\": {{{items}}},", e.name).unwrap();
    }
    out.push_str("}\n\n# Opaque handles (carried as c_void_p).\n");
    out.push_str("OPAQUE = (\n");
    for o in &t.opaque {
        writeln!(out, "    \"{o}\",").unwrap();
    }
    out.push_str(")\n\n");
    for r in &t.records {
        let base = if r.is_union { "Union" } else { "Structure" };
        writeln!(out, "\nclass {}(ctypes.{base}):\n    pass\n", r.name).unwrap();
    }
    out.push('\n');
    for c in &t.callbacks {
        let ret = ctype(&t, &c.ret, Place::Param)?;
        writeln!(out, "{} = ctypes.CFUNCTYPE({ret}, {})", c.name, args(&t, &c.params)?).unwrap();
    }
    out.push('\n');
    for r in &t.records {
        let fields = r.fields.iter().map(|f| field(&t, f)).collect::<Result<Vec<_>, _>>()?;
        writeln!(out, "{}._fields_ = [\n    {},\n]", r.name, fields.join(",\n    ")).unwrap();
    }
    out.push_str("\nFUNCTIONS: dict[str, tuple[Any, list[Any]]] = {\n");
    for f in &funcs {
        let ret = ctype(&t, &f.ret, Place::Param)?;
        writeln!(out, "    \"{}\": ({ret}, [{}]),", f.name, args(&t, &f.params).map_err(|e| format!("{}: {e}", f.name))?)
            .unwrap();
    }
    out.push_str("}\n\nKNOBS: tuple[tuple[str, str], ...] = (\n");
    for (name, ty) in knobs(&funcs) {
        writeln!(out, "    (\"{name}\", \"{ty}\"),").unwrap();
    }
    out.push_str(
        ")\n\n\ndef bind(lib: ctypes.CDLL) -> None:\n    \"\"\"Set restype and argtypes of every function on `lib`; a missing one raises AttributeError.\"\"\"\n    for name, (restype, argtypes) in FUNCTIONS.items():\n        fn = getattr(lib, name)\n        fn.restype = restype\n        fn.argtypes = argtypes\n",
    );
    Ok(out)
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn header() -> String {
    std::fs::read_to_string(root().join("include/wasmpool.h")).expect("read header")
}

#[test]
fn generated_ffi_is_current() {
    let fresh = generate(&header()).unwrap_or_else(|e| panic!("{e}"));
    let path = root().join(FFI);
    if std::env::var_os("WASMPOOL_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write the ffi module");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{FFI} is out of date with the header; run `WASMPOOL_BLESS=1 cargo test --release --test python_ffi` and commit it"
    );
}

/// Whether `word` occurs in `text` as a whole identifier.
fn mentions(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        !text[..i].ends_with(ident) && !text[i + word.len()..].starts_with(ident)
    })
}

#[test]
fn every_function_is_bound_or_marked_c_only() {
    let funcs = functions(&header());
    let knob_fns: BTreeSet<String> = knobs(&funcs)
        .iter()
        .flat_map(|(k, _)| [format!("wasmpool_config_{k}_set"), format!("wasmpool_config_{k}_get")])
        .collect();
    let mut sources = String::new();
    let mut config_uses_knobs = false;
    for entry in std::fs::read_dir(root().join(PACKAGE)).expect("read the package") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.ends_with(".py") && name != "_ffi.py" {
            let text = std::fs::read_to_string(&path).unwrap();
            config_uses_knobs |= name == "config.py" && mentions(&text, "KNOBS");
            sources.push_str(&text);
        }
    }
    let c_only_text = std::fs::read_to_string(root().join(C_ONLY)).unwrap_or_default();
    let mut c_only = BTreeSet::new();
    let mut problems = Vec::new();
    for line in c_only_text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let (name, reason) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        if reason.trim().is_empty() {
            problems.push(format!("{C_ONLY}: `{name}` has no reason"));
        }
        if !funcs.iter().any(|f| f.name == name) {
            problems.push(format!("{C_ONLY}: `{name}` is not in the header"));
        }
        c_only.insert(name.to_string());
    }
    for f in &funcs {
        // A use is a call through the loaded library object (`lib.wasmpool_...`), not a mention
        // in a comment; the knobs' accessors are made by config.py from `KNOBS`.
        let bound =
            mentions(&sources, &format!("lib.{}", f.name)) || (config_uses_knobs && knob_fns.contains(&f.name));
        match (bound, c_only.contains(&f.name)) {
            (false, false) => problems.push(format!(
                "{} has no Python binding: bind it in {PACKAGE} or list it in {C_ONLY} with a reason",
                f.name
            )),
            (true, true) => problems.push(format!("{} is bound but listed in {C_ONLY}: drop the line", f.name)),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
