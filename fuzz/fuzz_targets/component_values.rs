//! Component values. One input draws two random WIT type trees A and B,
//! renders a component that imports a function taking each (imports need no
//! implementation), and a random value of A; then:
//!
//! * Wasmtime -> C -> Wasmtime gives the value back exactly;
//! * C -> WAVE -> C -> Wasmtime too (types with resources are refused);
//! * the C value read as a B converts or is refused with INVALID_ARGUMENT
//!   naming the path, never anything else;
//! * random text read as WAVE of type A: a value that converts back, or
//!   INVALID_ARGUMENT;
//! * A's WIT text and its tree read through the C API match the drawn tree;
//! * `wasmpool_component_val_delete` frees every tree (leaks show under ASan)
//!   and leaves its payload zeroed.
//!
//! Self-contained (nothing from fuzz/src). tests/component_values.rs also
//! runs [`run`] on seeded inputs in the normal test suite.
#![cfg_attr(not(test), no_main)]

use std::ffi::CStr;
use std::ptr;
use std::sync::OnceLock;

use arbitrary::{Result, Unstructured};
use wasmpool::component_testing as t;
use wasmpool::*;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Resource, ResourceAny, Type, Val};
use wasmtime::{Engine, Store};

#[cfg(not(test))]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    run(data);
});

/// A WIT type as drawn.
enum Tree {
    Prim(&'static str),
    List(Box<Tree>),
    Tuple(Vec<Tree>),
    Option(Box<Tree>),
    Result(Option<Box<Tree>>, Option<Box<Tree>>),
    Record(Vec<(String, Tree)>),
    Variant(Vec<(String, Option<Tree>)>),
    Enum(Vec<String>),
    Flags(Vec<String>),
    Own,
    Borrow,
}

const PRIMS: &[&str] = &["bool", "s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64", "f32", "f64", "char", "string"];

/// 1 to `max` distinct kebab-case names.
fn names(u: &mut Unstructured, max: usize) -> Result<Vec<String>> {
    let n = u.int_in_range(1..=max)?;
    (0..n).map(|i| Ok(format!("{}{i}", u.choose(&["a", "name", "x-y", "is-ok"])?))).collect()
}

fn boxed(u: &mut Unstructured, depth: u32) -> Result<Box<Tree>> {
    Ok(Box::new(tree(u, depth)?))
}

fn tree(u: &mut Unstructured, depth: u32) -> Result<Tree> {
    if depth == 0 || u.ratio(1, 3)? {
        return Ok(Tree::Prim(u.choose(PRIMS)?));
    }
    let d = depth - 1;
    Ok(match u.int_in_range(0..=9)? {
        0 => Tree::List(boxed(u, d)?),
        1 => Tree::Tuple((0..u.int_in_range(1..=3)?).map(|_| tree(u, d)).collect::<Result<_>>()?),
        2 => Tree::Option(boxed(u, d)?),
        3 => Tree::Result(
            if u.arbitrary()? { Some(boxed(u, d)?) } else { None },
            if u.arbitrary()? { Some(boxed(u, d)?) } else { None },
        ),
        4 => Tree::Record(names(u, 4)?.into_iter().map(|n| Ok((n, tree(u, d)?))).collect::<Result<_>>()?),
        5 => Tree::Variant(
            names(u, 4)?
                .into_iter()
                .map(|n| Ok((n, if u.arbitrary()? { Some(tree(u, d)?) } else { None })))
                .collect::<Result<_>>()?,
        ),
        6 => Tree::Enum(names(u, 5)?),
        7 => Tree::Flags(names(u, 32)?),
        8 => Tree::Own,
        _ => Tree::Prim(u.choose(PRIMS)?),
    })
}

/// A parameter type: borrows only at the top.
fn param_tree(u: &mut Unstructured) -> Result<Tree> {
    if u.ratio(1, 16)? { Ok(Tree::Borrow) } else { tree(u, 4) }
}

/// Renders trees as component types; named kinds become imported type
/// definitions (`defs`), as wit-component writes them.
#[derive(Default)]
struct Wat {
    defs: String,
    count: usize,
}

impl Wat {
    fn render(&mut self, t: &Tree) -> String {
        fn all(items: &mut dyn Iterator<Item = String>) -> String {
            items.collect::<Vec<_>>().join(" ")
        }
        match t {
            Tree::Prim(p) => p.to_string(),
            Tree::List(e) => format!("(list {})", self.render(e)),
            Tree::Option(e) => format!("(option {})", self.render(e)),
            Tree::Tuple(es) => format!("(tuple {})", all(&mut es.iter().map(|e| self.render(e)))),
            Tree::Result(ok, err) => {
                let ok = ok.as_ref().map(|t| format!(" {}", self.render(t))).unwrap_or_default();
                let err = err.as_ref().map(|t| format!(" (error {})", self.render(t))).unwrap_or_default();
                format!("(result{ok}{err})")
            }
            Tree::Record(fs) => {
                let fields = all(&mut fs.iter().map(|(n, t)| format!("(field \"{n}\" {})", self.render(t))));
                self.named(format!("(record {fields})"))
            }
            Tree::Variant(cs) => {
                let cases = all(&mut cs.iter().map(|(n, t)| match t {
                    Some(t) => format!("(case \"{n}\" {})", self.render(t)),
                    None => format!("(case \"{n}\")"),
                }));
                self.named(format!("(variant {cases})"))
            }
            Tree::Enum(ns) => self.named(format!("(enum {})", all(&mut ns.iter().map(|n| format!("\"{n}\""))))),
            Tree::Flags(ns) => self.named(format!("(flags {})", all(&mut ns.iter().map(|n| format!("\"{n}\""))))),
            Tree::Own => "(own $res)".to_string(),
            Tree::Borrow => "(borrow $res)".to_string(),
        }
    }

    fn named(&mut self, def: String) -> String {
        let i = self.count;
        self.count += 1;
        self.defs.push_str(&format!("  (type $t{i} {def})\n  (import \"t{i}\" (type $i{i} (eq $t{i})))\n"));
        format!("$i{i}")
    }
}

/// The WIT text wasmpool must give for a tree.
fn wit(t: &Tree) -> String {
    let join = |items: Vec<String>| items.join(", ");
    match t {
        Tree::Prim(p) => p.to_string(),
        Tree::List(e) => format!("list<{}>", wit(e)),
        Tree::Option(e) => format!("option<{}>", wit(e)),
        Tree::Tuple(es) => format!("tuple<{}>", join(es.iter().map(wit).collect())),
        Tree::Result(None, None) => "result".to_string(),
        Tree::Result(Some(ok), None) => format!("result<{}>", wit(ok)),
        Tree::Result(ok, Some(err)) => format!("result<{}, {}>", ok.as_deref().map_or("_".to_string(), wit), wit(err)),
        Tree::Record(fs) => {
            format!("record {{ {} }}", join(fs.iter().map(|(n, t)| format!("{n}: {}", wit(t))).collect()))
        }
        Tree::Variant(cs) => format!(
            "variant {{ {} }}",
            join(cs.iter().map(|(n, t)| t.as_ref().map_or(n.clone(), |t| format!("{n}({})", wit(t)))).collect())
        ),
        Tree::Enum(ns) => format!("enum {{ {} }}", ns.join(", ")),
        Tree::Flags(ns) => format!("flags {{ {} }}", ns.join(", ")),
        Tree::Own => "own<resource>".to_string(),
        Tree::Borrow => "borrow<resource>".to_string(),
    }
}

fn has_resource(t: &Tree) -> bool {
    match t {
        Tree::Own | Tree::Borrow => true,
        Tree::List(e) | Tree::Option(e) => has_resource(e),
        Tree::Tuple(es) => es.iter().any(has_resource),
        Tree::Result(ok, err) => ok.iter().chain(err).any(|t| has_resource(t)),
        Tree::Record(fs) => fs.iter().any(|(_, t)| has_resource(t)),
        Tree::Variant(cs) => cs.iter().any(|(_, t)| t.as_ref().is_some_and(has_resource)),
        _ => false,
    }
}

/// A random value of type `ty`.
fn value(u: &mut Unstructured, ty: &Type, res: &mut dyn FnMut() -> ResourceAny) -> Result<Val> {
    let payload = |u: &mut Unstructured, t: Option<Type>, res: &mut dyn FnMut() -> ResourceAny| -> Result<_> {
        t.map(|t| value(u, &t, res).map(Box::new)).transpose()
    };
    Ok(match ty {
        Type::Bool => Val::Bool(u.arbitrary()?),
        Type::S8 => Val::S8(u.arbitrary()?),
        Type::U8 => Val::U8(u.arbitrary()?),
        Type::S16 => Val::S16(u.arbitrary()?),
        Type::U16 => Val::U16(u.arbitrary()?),
        Type::S32 => Val::S32(u.arbitrary()?),
        Type::U32 => Val::U32(u.arbitrary()?),
        Type::S64 => Val::S64(u.arbitrary()?),
        Type::U64 => Val::U64(u.arbitrary()?),
        Type::Float32 => Val::Float32(f32::from_bits(u.arbitrary()?)),
        Type::Float64 => Val::Float64(f64::from_bits(u.arbitrary()?)),
        Type::Char => Val::Char(u.arbitrary()?),
        Type::String => Val::String(u.arbitrary()?),
        Type::List(l) => Val::List((0..u.int_in_range(0..=3)?).map(|_| value(u, &l.ty(), res)).collect::<Result<_>>()?),
        Type::Record(r) => {
            Val::Record(r.fields().map(|f| Ok((f.name.to_string(), value(u, &f.ty, res)?))).collect::<Result<_>>()?)
        }
        Type::Tuple(t) => Val::Tuple(t.types().map(|t| value(u, &t, res)).collect::<Result<_>>()?),
        Type::Variant(v) => {
            let case = v.cases().nth(u.choose_index(v.cases().len())?).expect("in range");
            Val::Variant(case.name.to_string(), payload(u, case.ty, res)?)
        }
        Type::Enum(e) => Val::Enum(e.names().nth(u.choose_index(e.names().len())?).expect("in range").to_string()),
        Type::Option(o) => Val::Option(if u.arbitrary()? { payload(u, Some(o.ty()), res)? } else { None }),
        Type::Result(r) if u.arbitrary()? => Val::Result(Ok(payload(u, r.ok(), res)?)),
        Type::Result(r) => Val::Result(Err(payload(u, r.err(), res)?)),
        Type::Flags(f) => {
            let mut set = Vec::new();
            for name in f.names() {
                if u.arbitrary()? {
                    set.push(name.to_string());
                }
            }
            Val::Flags(set)
        }
        Type::Own(_) | Type::Borrow(_) => Val::Resource(res()),
        other => unreachable!("never drawn: {other:?}"),
    })
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(Engine::default)
}

fn param(component: &Component, name: &str) -> Type {
    match component.component_type().get_import(engine(), name).expect("imported").ty {
        ComponentItem::ComponentFunc(f) => f.params().next().expect("one parameter").1,
        _ => unreachable!("a function"),
    }
}

/// An error as (kind, message), freed.
fn take_error(err: *mut wasmpool_error_t) -> std::result::Result<(), (wasmpool_error_kind_t, String)> {
    if err.is_null() {
        return Ok(());
    }
    // SAFETY: an error wasmpool returned, freed once.
    unsafe {
        let out =
            (wasmpool_error_kind(err), CStr::from_ptr(wasmpool_error_message(err)).to_string_lossy().into_owned());
        wasmpool_error_delete(err);
        Err(out)
    }
}

fn assert_invalid(what: &str, (kind, message): (wasmpool_error_kind_t, String)) {
    assert_eq!(kind, wasmpool_error_kind_t::WASMPOOL_ERROR_INVALID_ARGUMENT, "{what}: {message}");
}

/// Val -> C -> Val is exact; the C tree is freed.
fn round_trip(v: &Val, ty: &Type) {
    let mut c = t::val_from_wasmtime(v, &mut |r| Box::into_raw(Box::new(t::new_resource(r))));
    let back = t::val_to_wasmtime(&c, ty, "x").expect("a value converts back");
    assert_eq!(&back, v);
    assert_eq!(format!("{back:?}"), format!("{v:?}"));
    free(&mut c);
}

/// Frees a tree and its resource handles (here owned by the test, not a
/// store), and checks the payload is zeroed.
fn free(c: &mut wasmpool_component_val_t) {
    let mut handles = Vec::new();
    collect_resources(c, &mut handles);
    // SAFETY: a tree made by wasmpool, freed once.
    unsafe { wasmpool_component_val_delete(c) };
    // SAFETY: plain bytes of the union.
    let bytes = unsafe { std::slice::from_raw_parts((&raw const c.of).cast::<u8>(), size_of_val(&c.of)) };
    assert!(bytes.iter().all(|&b| b == 0), "payload zeroed");
    for h in handles {
        // SAFETY: made by `Box::into_raw` in `round_trip`.
        drop(unsafe { Box::from_raw(h) });
    }
}

fn collect_resources(c: &wasmpool_component_val_t, out: &mut Vec<*mut wasmpool_component_resource_t>) {
    use wasmpool_component_valkind_t as K;
    let vals = |data: *mut wasmpool_component_val_t, len: usize| -> &[wasmpool_component_val_t] {
        // SAFETY: an array of a tree wasmpool made.
        if data.is_null() { &[] } else { unsafe { std::slice::from_raw_parts(data, len) } }
    };
    // SAFETY: the kind says which member holds what.
    unsafe {
        match c.kind {
            k if k == K::WASMPOOL_COMPONENT_VALKIND_RESOURCE as u32 => out.push(c.of.resource),
            k if k == K::WASMPOOL_COMPONENT_VALKIND_LIST as u32 => {
                vals(c.of.list.data, c.of.list.len).iter().for_each(|v| collect_resources(v, out))
            }
            k if k == K::WASMPOOL_COMPONENT_VALKIND_TUPLE as u32 => {
                vals(c.of.tuple.data, c.of.tuple.len).iter().for_each(|v| collect_resources(v, out))
            }
            k if k == K::WASMPOOL_COMPONENT_VALKIND_RECORD as u32 && c.of.record.len > 0 => {
                std::slice::from_raw_parts(c.of.record.data, c.of.record.len)
                    .iter()
                    .for_each(|f| collect_resources(&f.value, out))
            }
            k if k == K::WASMPOOL_COMPONENT_VALKIND_VARIANT as u32 => {
                c.of.variant.payload.as_ref().into_iter().for_each(|v| collect_resources(v, out))
            }
            k if k == K::WASMPOOL_COMPONENT_VALKIND_OPTION as u32 => {
                c.of.option.as_ref().into_iter().for_each(|v| collect_resources(v, out))
            }
            k if k == K::WASMPOOL_COMPONENT_VALKIND_RESULT as u32 => {
                c.of.result.payload.as_ref().into_iter().for_each(|v| collect_resources(v, out))
            }
            _ => {}
        }
    }
}

/// The type tree read through the C API matches the drawn tree.
fn check_reader(h: *const wasmpool_component_type_t, t: &Tree) {
    use wasmpool_component_valkind_t as K;
    // SAFETY: `h` is a live type handle (or NULL where the tree has none).
    let (kind, count) = unsafe { (wasmpool_component_type_kind(h), wasmpool_component_type_count(h)) };
    let member = |i: usize| {
        let (mut name, mut len, mut ty) = (ptr::null(), 0, ptr::null());
        // SAFETY: valid out-pointers.
        take_error(unsafe { wasmpool_component_type_member(h, i, &mut name, &mut len, &mut ty) })
            .expect("member in range");
        // SAFETY: `len` bytes borrowed from the type.
        let name = (!name.is_null()).then(|| unsafe { std::slice::from_raw_parts(name.cast::<u8>(), len) }.to_vec());
        (name.map(|n| String::from_utf8(n).expect("UTF-8")), ty)
    };
    let members = |n: usize| (0..n).map(member).collect::<Vec<_>>();
    // SAFETY: as above.
    let (element, ok, err) = unsafe {
        (
            wasmpool_component_type_element(h),
            wasmpool_component_type_result_ok(h),
            wasmpool_component_type_result_err(h),
        )
    };
    let expect_none = |p: *const wasmpool_component_type_t| assert!(p.is_null());
    match t {
        Tree::Prim(_) => assert_eq!(count, 0),
        Tree::List(e) | Tree::Option(e) => {
            assert_eq!(
                kind,
                if matches!(t, Tree::List(_)) {
                    K::WASMPOOL_COMPONENT_VALKIND_LIST
                } else {
                    K::WASMPOOL_COMPONENT_VALKIND_OPTION
                }
            );
            check_reader(element, e);
        }
        Tree::Tuple(es) => {
            assert_eq!((kind, count), (K::WASMPOOL_COMPONENT_VALKIND_TUPLE, es.len()));
            members(count).iter().zip(es).for_each(|((n, ty), e)| (assert!(n.is_none()), check_reader(*ty, e)).1);
        }
        Tree::Result(o, e) => {
            assert_eq!(kind, K::WASMPOOL_COMPONENT_VALKIND_RESULT);
            o.as_deref().map_or_else(|| expect_none(ok), |o| check_reader(ok, o));
            e.as_deref().map_or_else(|| expect_none(err), |e| check_reader(err, e));
        }
        Tree::Record(fs) => {
            assert_eq!((kind, count), (K::WASMPOOL_COMPONENT_VALKIND_RECORD, fs.len()));
            members(count)
                .iter()
                .zip(fs)
                .for_each(|((n, ty), (name, f))| (assert_eq!(n.as_ref(), Some(name)), check_reader(*ty, f)).1);
        }
        Tree::Variant(cs) => {
            assert_eq!((kind, count), (K::WASMPOOL_COMPONENT_VALKIND_VARIANT, cs.len()));
            for ((n, ty), (name, c)) in members(count).iter().zip(cs) {
                assert_eq!(n.as_ref(), Some(name));
                c.as_ref().map_or_else(|| expect_none(*ty), |c| check_reader(*ty, c));
            }
        }
        Tree::Enum(ns) | Tree::Flags(ns) => {
            let want = if matches!(t, Tree::Enum(_)) {
                K::WASMPOOL_COMPONENT_VALKIND_ENUM
            } else {
                K::WASMPOOL_COMPONENT_VALKIND_FLAGS
            };
            assert_eq!((kind, count), (want, ns.len()));
            let got: Vec<String> =
                members(count).into_iter().map(|(n, ty)| (expect_none(ty), n.expect("named")).1).collect();
            assert_eq!(&got, ns);
        }
        Tree::Own | Tree::Borrow => assert_eq!(kind, K::WASMPOOL_COMPONENT_VALKIND_RESOURCE),
    }
}

/// One input (see the module documentation); false when the input ran out
/// before every check was made.
pub fn run(data: &[u8]) -> bool {
    run_unstructured(&mut Unstructured::new(data)).is_ok()
}

fn run_unstructured(u: &mut Unstructured) -> Result<()> {
    let (a, b) = (param_tree(u)?, param_tree(u)?);
    let mut wat = Wat::default();
    let (ra, rb) = (wat.render(&a), wat.render(&b));
    let text = format!(
        "(component\n  (import \"res\" (type $res (sub resource)))\n{}  (import \"f\" (func (param \"x\" {ra})))\n  (import \"g\" (func (param \"x\" {rb}))))",
        wat.defs
    );
    let component =
        Component::new(engine(), &text).unwrap_or_else(|e| panic!("the drawn component is valid:\n{text}\n{e:?}"));
    let (ty_a, ty_b) = (param(&component, "f"), param(&component, "g"));
    let mut store = Store::new(engine(), ());
    let mut rep = 0;
    let v = value(u, &ty_a, &mut || {
        rep += 1;
        ResourceAny::try_from_resource(Resource::<u32>::new_own(rep), &mut store).expect("a host resource")
    })?;

    round_trip(&v, &ty_a);

    // The type as WIT text and as a tree.
    let handle = t::new_type(ty_a.clone());
    let mut out = ptr::null_mut();
    // SAFETY: live handle, valid out-pointer.
    take_error(unsafe { wasmpool_component_type_wit(&handle, &mut out) }).expect("WIT text");
    // SAFETY: a buffer wasmpool made, freed once.
    let text = unsafe {
        let text = std::slice::from_raw_parts(wasmpool_bytes_data(out), wasmpool_bytes_len(out)).to_vec();
        wasmpool_bytes_delete(out);
        String::from_utf8(text).expect("UTF-8")
    };
    assert_eq!(text, wit(&a));
    check_reader(&handle, &a);

    let mut c = t::val_from_wasmtime(&v, &mut |r| Box::into_raw(Box::new(t::new_resource(r))));
    // WAVE out and back in.
    let mut out = ptr::null_mut();
    // SAFETY: live value and handle, valid out-pointer.
    let written = take_error(unsafe { wasmpool_component_val_to_wave(&c, &handle, &mut out) });
    if has_resource(&a) {
        assert_invalid("WAVE of a type with resources", written.expect_err("refused"));
    } else {
        written.expect("WAVE text");
        // SAFETY: a buffer wasmpool made, freed once.
        let wave = unsafe {
            let bytes = std::slice::from_raw_parts(wasmpool_bytes_data(out), wasmpool_bytes_len(out)).to_vec();
            wasmpool_bytes_delete(out);
            bytes
        };
        assert_eq!(wave, v.to_wave().expect("Wasmtime writes it").into_bytes());
        let mut parsed = t::val_from_wasmtime(&Val::Bool(false), &mut |_| ptr::null_mut());
        // SAFETY: live handle, `wave` readable, valid out-pointer.
        take_error(unsafe { wasmpool_component_val_from_wave(&handle, wave.as_ptr().cast(), wave.len(), &mut parsed) })
            .expect("WAVE reads back");
        assert_eq!(t::val_to_wasmtime(&parsed, &ty_a, "x").expect("converts"), v);
        free(&mut parsed);
    }

    // The same C value read as another type.
    match t::val_to_wasmtime(&c, &ty_b, "x") {
        Ok(other) => round_trip(&other, &ty_b),
        Err((kind, message)) => {
            assert!(message.starts_with("x: "), "{message}");
            assert_invalid("a value of another type", (kind, message));
        }
    }
    free(&mut c);

    // Random text as WAVE.
    let junk: &[u8] = u.arbitrary()?;
    let mut parsed = t::val_from_wasmtime(&Val::Bool(false), &mut |_| ptr::null_mut());
    // SAFETY: live handle, `junk` readable, valid out-pointer.
    match take_error(unsafe {
        wasmpool_component_val_from_wave(&handle, junk.as_ptr().cast(), junk.len(), &mut parsed)
    }) {
        Ok(()) => {
            t::val_to_wasmtime(&parsed, &ty_a, "x").expect("parsed WAVE converts");
            free(&mut parsed);
        }
        Err(e) => assert_invalid("random WAVE text", e),
    }
    Ok(())
}
