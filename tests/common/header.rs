//! The one parser of `include/wasmpool.h` the header-driven generators share
//! (the NULL sweep in tests/null_sweep.rs, the Python declarations in
//! tests/python_ffi.rs). The header is cbindgen's output, so the parser reads
//! that shape only: one declaration per `;`, enums, structs and unions as
//! `typedef <kind> name { ... } name;`, opaque handles as
//! `typedef struct name name;` and callbacks as `typedef ret (*name)(...);`.

/// A function parameter or a struct field: its normalized C type and name.
/// `array` is the element count of a fixed-size array field (`uint8_t v[16]`).
pub struct Param {
    pub ty: String,
    pub name: String,
    pub array: Option<usize>,
}

/// An exported function.
pub struct Func {
    pub ret: String,
    pub name: String,
    pub params: Vec<Param>,
}

/// An enum and its constants with their values, in header order.
pub struct Enum {
    pub name: String,
    pub constants: Vec<(String, i64)>,
}

/// A struct or union with its fields.
pub struct Record {
    pub name: String,
    pub is_union: bool,
    pub fields: Vec<Param>,
}

/// A function-pointer typedef.
pub struct Callback {
    pub name: String,
    pub ret: String,
    pub params: Vec<Param>,
}

/// The types the header declares, each list in header order.
pub struct Types {
    pub enums: Vec<Enum>,
    pub opaque: Vec<String>,
    pub records: Vec<Record>,
    pub callbacks: Vec<Callback>,
}

fn strip_comments(src: &str) -> String {
    let mut out = String::new();
    let mut rest = src;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find("*/").map_or("", |j| &rest[i + j + 2..]);
    }
    out.push_str(rest);
    out.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A C type with `struct`/`enum`/`union` dropped and pointers spelled
/// `T *`, `T **`, `const T *const *`.
pub fn normalize(ty: &str) -> String {
    ty.replace("struct ", "")
        .replace("enum ", "")
        .replace("union ", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" *", "*")
        .replace('*', " *")
        .replace("* *", "**")
        .trim()
        .to_string()
}

/// `type name` or `type name[N]` split at the name.
fn param(p: &str) -> Param {
    let p = p.trim();
    let (p, array) = match p.strip_suffix(']').and_then(|s| s.rsplit_once('[')) {
        Some((decl, n)) => (decl.trim(), n.trim().parse().ok()),
        None => (p, None),
    };
    let at = p.rfind(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap();
    Param { ty: normalize(&p[..=at]), name: p[at + 1..].to_string(), array }
}

fn params(inner: &str) -> Vec<Param> {
    let inner = inner.trim();
    if inner == "void" || inner.is_empty() { vec![] } else { inner.split(',').map(param).collect() }
}

/// Every function declared in the header.
pub fn functions(header: &str) -> Vec<Func> {
    let text = strip_comments(header).replace("extern \"C\" {", "");
    let mut funcs = Vec::new();
    for stmt in text.split(';') {
        let stmt = stmt.trim().trim_start_matches('}').trim();
        if stmt.starts_with("typedef") || stmt.contains('{') || !stmt.contains('(') {
            continue;
        }
        let open = stmt.find('(').unwrap();
        let head = stmt[..open].trim();
        let Some(name_at) = head.rfind(|c: char| !(c.is_alphanumeric() || c == '_')) else { continue };
        let name = head[name_at + 1..].to_string();
        if !name.starts_with("wasmpool_") {
            continue;
        }
        let ret = normalize(&head[..=name_at]);
        let params = params(&stmt[open + 1..stmt.rfind(')').unwrap()]);
        funcs.push(Func { ret, name, params });
    }
    funcs
}

/// Every enum, opaque handle, struct, union and callback typedef.
pub fn types(header: &str) -> Types {
    let text = strip_comments(header);
    let mut types = Types { enums: vec![], opaque: vec![], records: vec![], callbacks: vec![] };
    // A typedef with a body spans several `;`: read it up to the closing brace.
    let mut rest = text.as_str();
    while let Some(at) = rest.find("typedef ") {
        rest = &rest[at + "typedef ".len()..];
        let Some(end) = rest.find(';') else { break };
        let head = &rest[..end];
        if let Some(open) = head.find('{') {
            let close = rest.find('}').expect("a typedef body closes");
            let after = &rest[close + 1..];
            let stmt_end = after.find(';').expect("a typedef ends with ;");
            let name = after[..stmt_end].trim().to_string();
            let body = &rest[open + 1..close];
            let kind = rest[..open].split_whitespace().next().unwrap_or("");
            match kind {
                "enum" => {
                    let mut next = 0;
                    let constants = body
                        .split(',')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(|c| {
                            let (n, v) = match c.split_once('=') {
                                Some((n, v)) => (n.trim(), v.trim().parse().expect("an enum value is a number")),
                                None => (c, next),
                            };
                            next = v + 1;
                            (n.to_string(), v)
                        })
                        .collect();
                    types.enums.push(Enum { name, constants });
                }
                "struct" | "union" => {
                    let fields = body.split(';').map(str::trim).filter(|f| !f.is_empty()).map(param).collect();
                    types.records.push(Record { name, is_union: kind == "union", fields });
                }
                other => panic!("unknown typedef body kind {other}"),
            }
            rest = &after[stmt_end + 1..];
            continue;
        }
        if let Some(star) = head.find("(*") {
            let close = head[star..].find(')').unwrap() + star;
            let name = head[star + 2..close].trim().to_string();
            let args_open = close + 1 + head[close + 1..].find('(').unwrap();
            let params = params(&head[args_open + 1..head.rfind(')').unwrap()]);
            types.callbacks.push(Callback { name, ret: normalize(&head[..star]), params });
        } else if let Some(decl) = head.strip_prefix("struct ") {
            let mut words = decl.split_whitespace();
            if let (Some(tag), Some(name), None) = (words.next(), words.next(), words.next())
                && tag == name
            {
                types.opaque.push(name.to_string());
            }
        }
        rest = &rest[end + 1..];
    }
    types
}
