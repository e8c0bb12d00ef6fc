//! Component values across the C boundary: every WIT type round-trips
//! Wasmtime -> C -> Wasmtime exactly and is freed by
//! `wasmpool_component_val_delete`; every kind of mismatch in a
//! caller-built value is an INVALID_ARGUMENT error that says where; WAVE
//! text round-trips; types read back as WIT text and as a tree.
//!
//! The types come from a component written in WAT whose imported functions
//! take one parameter of each type (imports need no implementation).

use std::ffi::{CStr, c_char};
use std::ptr;

use wasmpool::component_testing as t;
use wasmpool::*;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Resource, ResourceAny, Type, Val};
use wasmtime::{Config, Engine, Store};

use wasmpool_component_valkind_t as K;

/// Each import `f-NAME` takes one parameter of the type after it.
const TYPES: &[(&str, &str)] = &[
    ("bool", "bool"),
    ("s8", "s8"),
    ("u8", "u8"),
    ("s16", "s16"),
    ("u16", "u16"),
    ("s32", "s32"),
    ("u32", "u32"),
    ("s64", "s64"),
    ("u64", "u64"),
    ("f32", "f32"),
    ("f64", "f64"),
    ("char", "char"),
    ("string", "string"),
    ("list-u8", "(list u8)"),
    ("list-string", "(list string)"),
    ("rec", "$rec"),
    ("tuple", "(tuple u8 string f64)"),
    ("var", "$var"),
    ("enum", "$color"),
    ("option", "(option u32)"),
    ("result", "(result u32 (error string))"),
    ("result-err-only", "(result (error string))"),
    ("result-ok-only", "(result u32)"),
    ("result-empty", "(result)"),
    ("flags", "$perms"),
    ("flags32", "$many"),
    ("nested", "(option (result (list $rec) (error string)))"),
    ("own", "(own $res)"),
    ("borrow", "(borrow $res)"),
];

fn flag_names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("f{i}")).collect()
}

fn component_wat() -> String {
    let many: Vec<String> = flag_names(32).iter().map(|n| format!("\"{n}\"")).collect();
    let mut wat = format!(
        r#"(component
  (type $rec0 (record (field "name" string) (field "age" u32)))
  (import "rec" (type $rec (eq $rec0)))
  (type $var0 (variant (case "none") (case "num" u32) (case "text" string)))
  (import "var" (type $var (eq $var0)))
  (type $color0 (enum "red" "green" "blue"))
  (import "color" (type $color (eq $color0)))
  (type $perms0 (flags "read" "write" "exec"))
  (import "perms" (type $perms (eq $perms0)))
  (type $many0 (flags {}))
  (import "many" (type $many (eq $many0)))
  (import "res" (type $res (sub resource)))
"#,
        many.join(" ")
    );
    for (name, ty) in TYPES {
        wat.push_str(&format!("  (import \"f-{name}\" (func (param \"x\" {ty})))\n"));
    }
    wat.push(')');
    wat
}

struct Fixture {
    store: Store<()>,
    types: Vec<(String, Type)>,
}

impl Fixture {
    fn new() -> Self {
        let engine = Engine::default();
        let component = Component::new(&engine, component_wat()).expect("the test component compiles");
        let mut types = Vec::new();
        for (name, item) in component.component_type().imports(&engine) {
            if let ComponentItem::ComponentFunc(f) = item.ty {
                let (_, ty) = f.params().next().expect("one parameter");
                types.push((name.trim_start_matches("f-").to_string(), ty));
            }
        }
        assert_eq!(types.len(), TYPES.len());
        Fixture { store: Store::new(&engine, ()), types }
    }

    fn ty(&self, name: &str) -> Type {
        self.types.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no type {name}")).1.clone()
    }

    /// An owned host resource (borrowed handles exist only during calls).
    fn resource(&mut self, rep: u32) -> ResourceAny {
        ResourceAny::try_from_resource(Resource::<u32>::new_own(rep), &mut self.store).expect("host resource")
    }
}

/// A small deterministic generator (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const STRINGS: &[&str] =
    &["", "a", "héllo wörld", "日本語テキスト", "emoji 😀 and \u{10FFFF}", "quote \" and \\ and \n"];
const CHARS: &[char] = &['a', 'é', '語', '😀', '\u{10FFFF}', '\0', '\u{D7FF}', '\u{E000}'];
const F64S: &[f64] = &[0.0, -0.0, 1.5, -1e300, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, f64::MIN_POSITIVE];

/// A value of type `ty`; `res` makes resources.
fn sample(ty: &Type, rng: &mut Rng, res: &mut dyn FnMut() -> ResourceAny) -> Val {
    let n = rng.next();
    let payload = |t: Option<Type>, rng: &mut Rng, res: &mut dyn FnMut() -> ResourceAny| {
        t.map(|t| Box::new(sample(&t, rng, res)))
    };
    match ty {
        Type::Bool => Val::Bool(n & 1 == 1),
        Type::S8 => Val::S8(n as i8),
        Type::U8 => Val::U8(n as u8),
        Type::S16 => Val::S16(n as i16),
        Type::U16 => Val::U16(n as u16),
        Type::S32 => Val::S32(n as i32),
        Type::U32 => Val::U32(n as u32),
        Type::S64 => Val::S64(n as i64),
        Type::U64 => Val::U64(n),
        Type::Float32 => Val::Float32(*rng.pick(F64S) as f32),
        Type::Float64 => Val::Float64(*rng.pick(F64S)),
        Type::Char => Val::Char(*rng.pick(CHARS)),
        Type::String => Val::String(rng.pick(STRINGS).to_string()),
        Type::List(l) => Val::List((0..rng.below(4)).map(|_| sample(&l.ty(), rng, res)).collect()),
        Type::Record(r) => Val::Record(r.fields().map(|f| (f.name.to_string(), sample(&f.ty, rng, res))).collect()),
        Type::Tuple(t) => Val::Tuple(t.types().map(|t| sample(&t, rng, res)).collect()),
        Type::Variant(v) => {
            let case = v.cases().nth(rng.below(v.cases().len())).unwrap();
            Val::Variant(case.name.to_string(), payload(case.ty, rng, res))
        }
        Type::Enum(e) => Val::Enum(e.names().nth(rng.below(e.names().len())).unwrap().to_string()),
        Type::Option(o) => Val::Option(payload(Some(o.ty()).filter(|_| n & 1 == 1), rng, res)),
        Type::Result(r) if n & 1 == 1 => Val::Result(Ok(payload(r.ok(), rng, res))),
        Type::Result(r) => Val::Result(Err(payload(r.err(), rng, res))),
        Type::Flags(f) => Val::Flags(f.names().filter(|_| rng.next() & 1 == 1).map(str::to_string).collect()),
        Type::Own(_) | Type::Borrow(_) => Val::Resource(res()),
        other => panic!("the test component has no {other:?}"),
    }
}

/// Reads an error and frees it.
fn take_error(err: *mut wasmpool_error_t) -> Result<(), (wasmpool_error_kind_t, String)> {
    if err.is_null() {
        return Ok(());
    }
    unsafe {
        let kind = wasmpool_error_kind(err);
        let message = CStr::from_ptr(wasmpool_error_message(err)).to_string_lossy().into_owned();
        wasmpool_error_delete(err);
        Err((kind, message))
    }
}

/// Takes a byte buffer's contents and frees it.
fn take_bytes(b: *mut wasmpool_bytes_t) -> String {
    unsafe {
        let s = std::slice::from_raw_parts(wasmpool_bytes_data(b), wasmpool_bytes_len(b)).to_vec();
        wasmpool_bytes_delete(b);
        String::from_utf8(s).expect("UTF-8")
    }
}

fn payload_is_zero(v: &wasmpool_component_val_t) -> bool {
    let bytes = unsafe { std::slice::from_raw_parts((&raw const v.of).cast::<u8>(), size_of_val(&v.of)) };
    bytes.iter().all(|&b| b == 0)
}

/// Val -> C -> Val must give back the same value (floats bit for bit),
/// and the tree is freed whole by one delete. Resource handles go to
/// `handles` (boxed: C holds pointers to them, which must not move).
#[allow(clippy::vec_box)]
fn round_trip(v: &Val, ty: &Type, handles: &mut Vec<Box<wasmpool_component_resource_t>>) {
    let mut adopt = |r: ResourceAny| -> *mut wasmpool_component_resource_t {
        handles.push(Box::new(t::new_resource(r)));
        &mut **handles.last_mut().unwrap()
    };
    let mut c = t::val_from_wasmtime(v, &mut adopt);
    let back = t::val_to_wasmtime(&c, ty, "value").unwrap_or_else(|e| panic!("{v:?}: {e:?}"));
    assert_eq!(&back, v);
    assert_eq!(format!("{back:?}"), format!("{v:?}"), "bit-exact (floats print their NaN/zero sign)");
    let kind = c.kind;
    unsafe { wasmpool_component_val_delete(&mut c) };
    assert_eq!(c.kind, kind, "delete keeps the kind");
    assert!(payload_is_zero(&c), "delete zeroes the payload");
    unsafe { wasmpool_component_val_delete(&mut c) }; // a zeroed value owns nothing
}

#[test]
fn every_type_round_trips() {
    let mut fx = Fixture::new();
    let mut handles = Vec::new();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let types = fx.types.clone();
    for (_, ty) in &types {
        for _ in 0..64 {
            let mut rep = rng.next() as u32;
            let v = sample(ty, &mut rng, &mut || {
                rep = rep.wrapping_add(1);
                fx.resource(rep)
            });
            round_trip(&v, ty, &mut handles);
        }
    }
    assert!(!handles.is_empty(), "resources were adopted");
}

#[test]
fn chosen_values_round_trip() {
    let fx = Fixture::new();
    let mut h = Vec::new();
    let rec = |name: &str, age: u32| {
        Val::Record(vec![("name".into(), Val::String(name.into())), ("age".into(), Val::U32(age))])
    };
    let cases = [
        ("f32", Val::Float32(f32::from_bits(0x7fc0_1234))),
        ("f64", Val::Float64(f64::from_bits(0xfff8_0000_dead_beef))),
        ("f64", Val::Float64(-0.0)),
        ("s64", Val::S64(i64::MIN)),
        ("u64", Val::U64(u64::MAX)),
        ("string", Val::String("añ日😀".into())),
        ("string", Val::String(String::new())),
        ("list-u8", Val::List(vec![])),
        ("list-string", Val::List(vec![Val::String("ü".into()), Val::String(String::new())])),
        ("var", Val::Variant("none".into(), None)),
        ("var", Val::Variant("text".into(), Some(Box::new(Val::String("x".into()))))),
        ("result-err-only", Val::Result(Ok(None))),
        ("result-ok-only", Val::Result(Err(None))),
        ("result-empty", Val::Result(Ok(None))),
        ("flags32", Val::Flags(flag_names(32))),
        ("flags32", Val::Flags(vec![])),
        ("nested", Val::Option(None)),
        (
            "nested",
            Val::Option(Some(Box::new(Val::Result(Ok(Some(Box::new(Val::List(vec![rec("ann", 7), rec("", 0)])))))))),
        ),
        ("nested", Val::Option(Some(Box::new(Val::Result(Err(Some(Box::new(Val::String("bad".into()))))))))),
    ];
    for (name, v) in cases {
        round_trip(&v, &fx.ty(name), &mut h);
    }
    // NaN payloads survive (compared by bits, not by `==`).
    let mut c = t::val_from_wasmtime(&Val::Float32(f32::from_bits(0x7fc0_1234)), &mut |_| ptr::null_mut());
    assert_eq!(unsafe { c.of.f32 }.to_bits(), 0x7fc0_1234);
    unsafe { wasmpool_component_val_delete(&mut c) };
    unsafe { wasmpool_component_val_delete(ptr::null_mut()) };
}

#[test]
fn resources_keep_their_handle() {
    let mut fx = Fixture::new();
    let r = fx.resource(42);
    let mut handles: Vec<Box<wasmpool_component_resource_t>> = Vec::new();
    let mut c = t::val_from_wasmtime(&Val::Resource(r), &mut |r| {
        handles.push(Box::new(t::new_resource(r)));
        &mut **handles.last_mut().unwrap()
    });
    assert_eq!(c.kind, K::WASMPOOL_COMPONENT_VALKIND_RESOURCE as u32);
    assert_eq!(t::resource_of(unsafe { &*c.of.resource }), r);
    unsafe { wasmpool_component_val_delete(&mut c) };
    assert_eq!(handles.len(), 1, "the handle stays with its owner");
    let _ = r.resource_drop(&mut fx.store);
}

// ---- caller-built values ----

fn s(text: &str) -> wasmpool_component_string_t {
    wasmpool_component_string_t { data: text.as_ptr().cast::<c_char>().cast_mut(), len: text.len() }
}

fn v(kind: K, of: wasmpool_component_valunion_t) -> wasmpool_component_val_t {
    wasmpool_component_val_t { kind: kind as u32, of }
}

fn u32v(x: u32) -> wasmpool_component_val_t {
    v(K::WASMPOOL_COMPONENT_VALKIND_U32, wasmpool_component_valunion_t { u32: x })
}

fn strv(text: &str) -> wasmpool_component_val_t {
    v(K::WASMPOOL_COMPONENT_VALKIND_STRING, wasmpool_component_valunion_t { string: s(text) })
}

fn field(name: &str, value: wasmpool_component_val_t) -> wasmpool_component_field_t {
    wasmpool_component_field_t { name: s(name), value }
}

fn recv(fields: &mut [wasmpool_component_field_t]) -> wasmpool_component_val_t {
    let record = wasmpool_component_record_t { data: fields.as_mut_ptr(), len: fields.len() };
    v(K::WASMPOOL_COMPONENT_VALKIND_RECORD, wasmpool_component_valunion_t { record })
}

fn variant(name: &str, payload: *mut wasmpool_component_val_t) -> wasmpool_component_val_t {
    let variant = wasmpool_component_variant_t { name: s(name), payload };
    v(K::WASMPOOL_COMPONENT_VALKIND_VARIANT, wasmpool_component_valunion_t { variant })
}

fn result(is_ok: bool, payload: *mut wasmpool_component_val_t) -> wasmpool_component_val_t {
    let result = wasmpool_component_result_t { is_ok, payload };
    v(K::WASMPOOL_COMPONENT_VALKIND_RESULT, wasmpool_component_valunion_t { result })
}

/// The conversion fails with INVALID_ARGUMENT and a message that starts
/// with the path and contains `expected`.
fn refused(c: &wasmpool_component_val_t, ty: &Type, expected: &str) {
    let (kind, message) = t::val_to_wasmtime(c, ty, "argument 0").expect_err(expected);
    assert_eq!(kind, wasmpool_error_kind_t::WASMPOOL_ERROR_INVALID_ARGUMENT);
    assert!(message.starts_with("argument 0: "), "{message}");
    assert!(message.contains(expected), "`{message}` lacks `{expected}`");
}

#[test]
fn mismatches_are_invalid_argument_with_a_path() {
    let mut fx = Fixture::new();
    let rec = fx.ty("rec");
    refused(&strv("x"), &fx.ty("u32"), "argument 0: expected u32, got string");
    refused(
        &v(K::WASMPOOL_COMPONENT_VALKIND_UNSUPPORTED, unsafe { std::mem::zeroed() }),
        &fx.ty("u8"),
        "got unsupported",
    );
    let mut bad = u32v(1);
    bad.kind = 99;
    refused(&bad, &fx.ty("u32"), "expected u32, got kind 99 (not a wasmpool_component_valkind_t)");

    // Records: wrong field type, missing, extra, misnamed, twice.
    refused(
        &recv(&mut [field("name", strv("a")), field("age", strv("7"))]),
        &rec,
        "argument 0: field \"age\": expected u32, got string",
    );
    refused(&recv(&mut [field("name", strv("a"))]), &rec, "missing field \"age\"");
    refused(
        &recv(&mut [field("name", strv("a")), field("age", u32v(1)), field("x", u32v(1))]),
        &rec,
        "unknown field \"x\"",
    );
    refused(&recv(&mut [field("name", strv("a")), field("agee", u32v(1))]), &rec, "missing field \"age\"");
    refused(
        &recv(&mut [field("age", u32v(1)), field("name", strv("a")), field("age", u32v(2))]),
        &rec,
        "field \"age\" is given twice",
    );
    // Fields in another order are accepted, and come back in the type's.
    let ok = t::val_to_wasmtime(&recv(&mut [field("age", u32v(3)), field("name", strv("b"))]), &rec, "a").unwrap();
    assert_eq!(ok, Val::Record(vec![("name".into(), Val::String("b".into())), ("age".into(), Val::U32(3))]));

    // Variants, enums, flags: names not in the type; payloads.
    let var = fx.ty("var");
    refused(
        &variant("nope", ptr::null_mut()),
        &var,
        "unknown case \"nope\" (the variant has \"none\", \"num\", \"text\")",
    );
    refused(&variant("none", &mut u32v(1)), &var, "case \"none\" has no payload, got one");
    refused(&variant("num", ptr::null_mut()), &var, "case \"num\" needs a payload of type u32, got NULL");
    refused(&variant("num", &mut strv("1")), &var, "argument 0: case \"num\": expected u32, got string");
    let enumeration = s("purple");
    refused(
        &v(K::WASMPOOL_COMPONENT_VALKIND_ENUM, wasmpool_component_valunion_t { enumeration }),
        &fx.ty("enum"),
        "unknown case \"purple\"",
    );
    let mut names = [s("read"), s("delete")];
    let flags = wasmpool_component_flags_t { data: names.as_mut_ptr(), len: 2 };
    refused(
        &v(K::WASMPOOL_COMPONENT_VALKIND_FLAGS, wasmpool_component_valunion_t { flags }),
        &fx.ty("flags"),
        "unknown flag \"delete\"",
    );
    refused(&result(true, ptr::null_mut()), &fx.ty("result"), "ok needs a payload of type u32, got NULL");
    refused(&result(false, &mut u32v(1)), &fx.ty("result"), "argument 0: err: expected string, got u32");
    refused(&result(true, &mut u32v(1)), &fx.ty("result-err-only"), "ok has no payload, got one");

    // Strings and chars that are not text; NULL arrays with a length.
    let bytes = [b'a', 0xff];
    let string = wasmpool_component_string_t { data: bytes.as_ptr().cast::<c_char>().cast_mut(), len: 2 };
    refused(
        &v(K::WASMPOOL_COMPONENT_VALKIND_STRING, wasmpool_component_valunion_t { string }),
        &fx.ty("string"),
        "invalid UTF-8 at byte 1",
    );
    refused(
        &v(K::WASMPOOL_COMPONENT_VALKIND_CHAR, wasmpool_component_valunion_t { character: 0xD800 }),
        &fx.ty("char"),
        "0xd800 is not a Unicode scalar value",
    );
    refused(
        &v(K::WASMPOOL_COMPONENT_VALKIND_CHAR, wasmpool_component_valunion_t { character: 0x11_0000 }),
        &fx.ty("char"),
        "not a Unicode scalar value",
    );
    let list = wasmpool_component_vals_t { data: ptr::null_mut(), len: 3 };
    refused(
        &v(K::WASMPOOL_COMPONENT_VALKIND_LIST, wasmpool_component_valunion_t { list }),
        &fx.ty("list-u8"),
        "data is NULL but len is 3",
    );
    let string = wasmpool_component_string_t { data: ptr::null_mut(), len: 1 };
    refused(
        &v(K::WASMPOOL_COMPONENT_VALKIND_STRING, wasmpool_component_valunion_t { string }),
        &fx.ty("string"),
        "data is NULL but len is 1",
    );
    let mut elems = [u32v(1), u32v(2)];
    let tuple = wasmpool_component_vals_t { data: elems.as_mut_ptr(), len: 2 };
    refused(
        &v(K::WASMPOOL_COMPONENT_VALKIND_TUPLE, wasmpool_component_valunion_t { tuple }),
        &fx.ty("tuple"),
        "expected 3 elements, got 2",
    );
    let mut elems = [strv("a"), u32v(2)];
    let list = wasmpool_component_vals_t { data: elems.as_mut_ptr(), len: 2 };
    refused(
        &v(K::WASMPOOL_COMPONENT_VALKIND_LIST, wasmpool_component_valunion_t { list }),
        &fx.ty("list-string"),
        "argument 0: element 1: expected string, got u32",
    );

    // Deep inside option<result<list<record>>>.
    let mut good = [field("name", strv("b")), field("age", u32v(1))];
    let mut bad = [field("name", strv("a")), field("age", strv("old"))];
    let mut elems = [recv(&mut good), recv(&mut bad)];
    let list = wasmpool_component_vals_t { data: elems.as_mut_ptr(), len: 2 };
    let mut list = v(K::WASMPOOL_COMPONENT_VALKIND_LIST, wasmpool_component_valunion_t { list });
    let mut ok = result(true, &mut list);
    let some = v(K::WASMPOOL_COMPONENT_VALKIND_OPTION, wasmpool_component_valunion_t { option: &mut ok });
    refused(&some, &fx.ty("nested"), "argument 0: some: ok: element 1: field \"age\": expected u32, got string");

    // Resources: NULL.
    let resource = ptr::null_mut();
    refused(
        &v(K::WASMPOOL_COMPONENT_VALKIND_RESOURCE, wasmpool_component_valunion_t { resource }),
        &fx.ty("own"),
        "is not a wasmpool_component_resource_t",
    );
    // (A borrowed handle exists only during a call into the host, so the
    // own-versus-borrow check is not reached from here.)
    let mut owned = t::new_resource(fx.resource(5));
    let c = v(K::WASMPOOL_COMPONENT_VALKIND_RESOURCE, wasmpool_component_valunion_t { resource: &mut owned });
    assert!(t::val_to_wasmtime(&c, &fx.ty("borrow"), "a").is_ok(), "an owned handle lends itself");
}

// ---- WAVE, WIT and the type tree, through the C exports ----

fn to_wave(
    c: &wasmpool_component_val_t,
    ty: &wasmpool_component_type_t,
) -> Result<String, (wasmpool_error_kind_t, String)> {
    let mut out = ptr::null_mut();
    take_error(unsafe { wasmpool_component_val_to_wave(c, ty, &mut out) })?;
    Ok(take_bytes(out))
}

fn from_wave(
    ty: &wasmpool_component_type_t,
    text: &[u8],
) -> Result<wasmpool_component_val_t, (wasmpool_error_kind_t, String)> {
    let mut out = u32v(0);
    take_error(unsafe { wasmpool_component_val_from_wave(ty, text.as_ptr().cast(), text.len(), &mut out) })?;
    Ok(out)
}

#[test]
fn wave_round_trips() {
    let mut fx = Fixture::new();
    let mut rng = Rng(7);
    let types = fx.types.clone();
    for (name, ty) in types.iter().filter(|(n, _)| n != "own" && n != "borrow") {
        let handle = t::new_type(ty.clone());
        for _ in 0..32 {
            let v = sample(ty, &mut rng, &mut || unreachable!());
            let mut c = t::val_from_wasmtime(&v, &mut |_| ptr::null_mut());
            let text = to_wave(&c, &handle).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(text, v.to_wave().unwrap());
            let mut parsed = from_wave(&handle, text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {text}: {e:?}"));
            let back = t::val_to_wasmtime(&parsed, ty, "parsed").unwrap();
            assert_eq!(back, v, "{name}: {text}");
            unsafe { wasmpool_component_val_delete(&mut parsed) };
            unsafe { wasmpool_component_val_delete(&mut c) };
        }
    }
    // Bad text, text that is not UTF-8, a value that does not match.
    let rec = t::new_type(fx.ty("rec"));
    for bad in [&b"{name: \"a\"}"[..], b"{name: \"a\", age: -1}", b"[1, 2", b"", b"\xff"] {
        let (kind, message) = from_wave(&rec, bad).map(|_| ()).expect_err("refused");
        assert_eq!(kind, wasmpool_error_kind_t::WASMPOOL_ERROR_INVALID_ARGUMENT, "{message}");
        assert!(message.contains("text"), "{message}");
    }
    let (kind, message) = to_wave(&u32v(1), &rec).expect_err("refused");
    assert_eq!(kind, wasmpool_error_kind_t::WASMPOOL_ERROR_INVALID_ARGUMENT);
    assert!(message.contains("val: expected record, got u32"), "{message}");
    // Resources have no WAVE form.
    let mut owned = t::new_resource(fx.resource(1));
    let c = v(K::WASMPOOL_COMPONENT_VALKIND_RESOURCE, wasmpool_component_valunion_t { resource: &mut owned });
    let (kind, message) = to_wave(&c, &t::new_type(fx.ty("own"))).expect_err("refused");
    assert_eq!(kind, wasmpool_error_kind_t::WASMPOOL_ERROR_INVALID_ARGUMENT);
    assert_eq!(message, "values of type own<resource> have no WAVE form (they contain own<resource>)");
    let (kind, _) = from_wave(&t::new_type(fx.ty("borrow")), b"1").map(|_| ()).expect_err("refused");
    assert_eq!(kind, wasmpool_error_kind_t::WASMPOOL_ERROR_INVALID_ARGUMENT);
    // NULL arguments.
    let mut out = ptr::null_mut();
    let err = unsafe { wasmpool_component_val_to_wave(ptr::null(), &rec, &mut out) };
    assert_eq!(take_error(err).unwrap_err().0, wasmpool_error_kind_t::WASMPOOL_ERROR_INVALID_ARGUMENT);
    let mut val = u32v(0);
    let err = unsafe { wasmpool_component_val_from_wave(&rec, ptr::null(), 3, &mut val) };
    assert_eq!(take_error(err).unwrap_err().0, wasmpool_error_kind_t::WASMPOOL_ERROR_INVALID_ARGUMENT);
}

fn wit(ty: &wasmpool_component_type_t) -> String {
    let mut out = ptr::null_mut();
    take_error(unsafe { wasmpool_component_type_wit(ty, &mut out) }).unwrap();
    take_bytes(out)
}

#[test]
fn wit_text_of_types() {
    let fx = Fixture::new();
    let expected = [
        ("bool", "bool"),
        ("f32", "f32"),
        ("f64", "f64"),
        ("char", "char"),
        ("list-u8", "list<u8>"),
        ("rec", "record { name: string, age: u32 }"),
        ("tuple", "tuple<u8, string, f64>"),
        ("var", "variant { none, num(u32), text(string) }"),
        ("enum", "enum { red, green, blue }"),
        ("option", "option<u32>"),
        ("result", "result<u32, string>"),
        ("result-err-only", "result<_, string>"),
        ("result-ok-only", "result<u32>"),
        ("result-empty", "result"),
        ("flags", "flags { read, write, exec }"),
        ("nested", "option<result<list<record { name: string, age: u32 }>, string>>"),
        ("own", "own<resource>"),
        ("borrow", "borrow<resource>"),
    ];
    for (name, text) in expected {
        assert_eq!(wit(&t::new_type(fx.ty(name))), text, "{name}");
    }
    let mut out = ptr::null_mut();
    let err = unsafe { wasmpool_component_type_wit(ptr::null(), &mut out) };
    assert_eq!(take_error(err).unwrap_err().0, wasmpool_error_kind_t::WASMPOOL_ERROR_INVALID_ARGUMENT);
}

/// Member `i` of `ty` as (name, member type).
fn member(
    ty: &wasmpool_component_type_t,
    i: usize,
) -> Result<(Option<String>, *const wasmpool_component_type_t), String> {
    let (mut name, mut len, mut member) = (ptr::null(), 0, ptr::null());
    take_error(unsafe { wasmpool_component_type_member(ty, i, &mut name, &mut len, &mut member) }).map_err(|e| e.1)?;
    let name = (!name.is_null())
        .then(|| unsafe { String::from_utf8(std::slice::from_raw_parts(name.cast::<u8>(), len).to_vec()).unwrap() });
    Ok((name, member))
}

fn kind(ty: *const wasmpool_component_type_t) -> K {
    unsafe { wasmpool_component_type_kind(ty) }
}

#[test]
fn type_tree() {
    let fx = Fixture::new();
    let nested = t::new_type(fx.ty("nested"));
    assert_eq!(kind(&nested), K::WASMPOOL_COMPONENT_VALKIND_OPTION);
    let res = unsafe { wasmpool_component_type_element(&nested) };
    assert_eq!(kind(res), K::WASMPOOL_COMPONENT_VALKIND_RESULT);
    assert_eq!(res, unsafe { wasmpool_component_type_element(&nested) }, "the same borrowed handle each time");
    let err = unsafe { wasmpool_component_type_result_err(res) };
    assert_eq!(kind(err), K::WASMPOOL_COMPONENT_VALKIND_STRING);
    let list = unsafe { wasmpool_component_type_result_ok(res) };
    assert_eq!(kind(list), K::WASMPOOL_COMPONENT_VALKIND_LIST);
    let rec = unsafe { &*wasmpool_component_type_element(list) };
    assert_eq!(kind(rec), K::WASMPOOL_COMPONENT_VALKIND_RECORD);
    assert_eq!(unsafe { wasmpool_component_type_count(rec) }, 2);
    let (name, ty) = member(rec, 1).unwrap();
    assert_eq!((name.as_deref(), kind(ty)), (Some("age"), K::WASMPOOL_COMPONENT_VALKIND_U32));
    assert!(member(rec, 2).unwrap_err().contains("out of range"));

    let var = t::new_type(fx.ty("var"));
    assert_eq!(unsafe { wasmpool_component_type_count(&var) }, 3);
    let (name, ty) = member(&var, 0).unwrap();
    assert_eq!((name.as_deref(), ty), (Some("none"), ptr::null()));
    let (name, ty) = member(&var, 2).unwrap();
    assert_eq!((name.as_deref(), kind(ty)), (Some("text"), K::WASMPOOL_COMPONENT_VALKIND_STRING));
    let tuple = t::new_type(fx.ty("tuple"));
    let (name, ty) = member(&tuple, 2).unwrap();
    assert_eq!((name, kind(ty)), (None, K::WASMPOOL_COMPONENT_VALKIND_F64));
    let color = t::new_type(fx.ty("enum"));
    assert_eq!(member(&color, 2).unwrap(), (Some("blue".to_string()), ptr::null()));
    let many = t::new_type(fx.ty("flags32"));
    assert_eq!(unsafe { wasmpool_component_type_count(&many) }, 32);
    assert_eq!(member(&many, 31).unwrap().0.as_deref(), Some("f31"));
    assert!(member(&t::new_type(fx.ty("u8")), 0).unwrap_err().contains("a u8 type has no members"));
    let only_err = t::new_type(fx.ty("result-err-only"));
    assert!(unsafe { wasmpool_component_type_result_ok(&only_err) }.is_null());
    assert_eq!(kind(&t::new_type(fx.ty("borrow"))), K::WASMPOOL_COMPONENT_VALKIND_RESOURCE);
    // NULL and the wrong kind give the documented defaults.
    assert_eq!(kind(ptr::null()), K::WASMPOOL_COMPONENT_VALKIND_UNSUPPORTED);
    assert_eq!(unsafe { wasmpool_component_type_count(ptr::null()) }, 0);
    assert!(unsafe { wasmpool_component_type_element(rec) }.is_null());
    assert!(unsafe { wasmpool_component_type_result_err(&var) }.is_null());
}

/// Types wasmpool's engines do not enable: fixed-length lists are carried
/// as lists; maps are refused with a message naming the type.
#[test]
fn types_behind_engine_features() {
    let mut config = Config::new();
    config.wasm_component_model_map(true).wasm_component_model_fixed_length_lists(true);
    let engine = Engine::new(&config).unwrap();
    let wat = r#"(component
        (import "f-fixed" (func (param "x" (list u8 4))))
        (import "f-map" (func (param "x" (option (map string u32))))))"#;
    let component = Component::new(&engine, wat).expect("compiles with the features on");
    let ty = |name: &str| match component.component_type().get_import(&engine, name).unwrap().ty {
        ComponentItem::ComponentFunc(f) => f.params().next().unwrap().1,
        _ => unreachable!(),
    };
    let fixed = ty("f-fixed");
    let v = Val::FixedLengthList((1..=4).map(Val::U8).collect());
    let mut c = t::val_from_wasmtime(&v, &mut |_| ptr::null_mut());
    assert_eq!(c.kind, K::WASMPOOL_COMPONENT_VALKIND_LIST as u32);
    assert_eq!(t::val_to_wasmtime(&c, &fixed, "a").unwrap(), v);
    let handle = t::new_type(fixed.clone());
    assert_eq!(wit(&handle), "list<u8, 4>");
    assert_eq!(unsafe { wasmpool_component_type_count(&handle) }, 4);
    assert_eq!(kind(unsafe { wasmpool_component_type_element(&handle) }), K::WASMPOOL_COMPONENT_VALKIND_U8);
    c.of.list.len = 3;
    refused(&c, &fixed, "expected 4 elements, got 3");
    c.of.list.len = 4;
    unsafe { wasmpool_component_val_delete(&mut c) };

    let map = ty("f-map");
    assert_eq!(t::check_type(&fixed, "x"), Ok(()));
    let message = t::check_type(&map, "result 0").unwrap_err();
    assert_eq!(
        message,
        "result 0 has type option<map<string, u32>>: wasmpool cannot pass values of type map<string, u32>"
    );
    let handle = t::new_type(map.clone());
    assert_eq!(kind(unsafe { wasmpool_component_type_element(&handle) }), K::WASMPOOL_COMPONENT_VALKIND_UNSUPPORTED);
    let mut c = t::val_from_wasmtime(&Val::Option(Some(Box::new(Val::Map(vec![])))), &mut |_| ptr::null_mut());
    refused(&c, &map, "argument 0: some: wasmpool cannot pass values of type map<string, u32>");
    unsafe { wasmpool_component_val_delete(&mut c) };
}

/// More than 32 flags is not a valid component type in Wasmtime 48 (the C
/// form, a list of names, has no such limit).
#[test]
fn flags_are_limited_to_32_by_the_validator() {
    let names: Vec<String> = flag_names(33).iter().map(|n| format!("\"{n}\"")).collect();
    let wat = format!("(component (type $f0 (flags {})) (import \"f\" (type (eq $f0))))", names.join(" "));
    let err = Component::new(&Engine::default(), wat).map(|_| ()).expect_err("33 flags refused");
    assert!(format!("{err:?}").contains("cannot have more than 32 flags"), "{err:?}");
}

#[test]
fn record_field_by_name() {
    let fx = Fixture::new();
    let v = Val::Record(vec![("name".into(), Val::String("ann".into())), ("age".into(), Val::U32(7))]);
    let mut c = t::val_from_wasmtime(&v, &mut |_| ptr::null_mut());
    let field = |name: &str| unsafe { wasmpool_component_record_field(&c, name.as_ptr().cast(), name.len()) };
    let age = field("age");
    assert_eq!(unsafe { ((*age).value.kind, (*age).value.of.u32) }, (K::WASMPOOL_COMPONENT_VALKIND_U32 as u32, 7));
    assert!(field("ag").is_null() && field("ages").is_null() && field("").is_null());
    assert!(unsafe { wasmpool_component_record_field(ptr::null(), c"age".as_ptr(), 3) }.is_null());
    assert!(unsafe { wasmpool_component_record_field(&c, ptr::null(), 0) }.is_null());
    assert!(unsafe { wasmpool_component_record_field(&u32v(1), c"age".as_ptr(), 3) }.is_null());
    assert!(t::val_to_wasmtime(&c, &fx.ty("rec"), "a").is_ok());
    unsafe { wasmpool_component_val_delete(&mut c) };
}

/// C needs `wasmpool_component_val_t` complete before the field type that
/// holds one by value; cbindgen's order depends on which export mentions a
/// value type first (see `wasmpool_component_record_field`).
#[test]
fn header_defines_values_before_fields() {
    let header = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/include/wasmpool.h")).unwrap();
    let at = |def: &str| header.find(def).unwrap_or_else(|| panic!("the header lacks `{def}`"));
    assert!(at("typedef struct wasmpool_component_val_t {") < at("typedef struct wasmpool_component_field_t {"));
}

/// The fuzz target's checks (fuzz/fuzz_targets/component_values.rs) on
/// seeded inputs: random type trees and values, in the normal suite.
#[path = "../fuzz/fuzz_targets/component_values.rs"]
mod fuzz_component_values;

#[test]
fn fuzz_target_on_seeded_inputs() {
    let mut rng = Rng(0x5eed_cafe);
    let mut complete = 0;
    for _ in 0..400 {
        let data: Vec<u8> = (0..rng.below(2048)).map(|_| rng.next() as u8).collect();
        complete += usize::from(fuzz_component_values::run(&data));
    }
    assert!(complete > 200, "only {complete} of 400 inputs ran every check");
}
