// wasmpool_component.hh: the component part of wasmpool.hh (C++17, header-only). Include
// <wasmpool.hh>, which includes this file; see there for the ownership and error conventions.
//
// Component values are C++ values (wasmpool::Value: std::string for strings, std::vector for
// lists, tuples and records); they are converted to and from the C trees
// (`wasmpool_component_val_t`) at every call, and the C trees wasmpool returns are freed with
// `wasmpool_component_val_delete` before the call returns.
#ifndef WASMPOOL_COMPONENT_HH
#define WASMPOOL_COMPONENT_HH

#ifndef WASMPOOL_HH
#error "include <wasmpool.hh>, which includes this part of it"
#endif

namespace wasmpool {

class ResourceType;

/// A resource handle. A view: its Store owns it; valid while that Store lives and until it is
/// passed on (moved into the guest) or dropped.
class Resource {
 public:
  explicit Resource(wasmpool_component_resource_t *raw = nullptr) : raw_(raw) {}
  /// A new owning handle of `store` for the host's object `data` of type `ty`.
  inline static Result<Resource> make(Store &store, const ResourceType &ty, void *data);
  /// The host object behind the handle if it is of type `ty` and alive, NULL otherwise.
  template <class T>
  T *data(const ResourceType &ty) const;
  /// Whether the handle owns its object (own<T>) rather than borrows it (borrow<T>).
  bool owned() const { return wasmpool_component_resource_owned(raw_); }
  /// Drops an owning handle now (a host object's destructor runs once).
  Status drop(Store &store) const { return Status::from_c(wasmpool_component_resource_drop(store.raw(), raw_)); }
  wasmpool_component_resource_t *raw() const { return raw_; }
  bool operator==(const Resource &o) const { return raw_ == o.raw_; }

 private:
  wasmpool_component_resource_t *raw_;
};

/// A host-defined resource type, with a destructor called once per object. Ownership: owns a
/// `wasmpool_component_resource_type_t`, move-only; the destructor callable lives until the
/// type, every linker it is defined in and every store holding one of its objects are gone,
/// then is destroyed exactly once (by the C finalizer). The destructor may run on any thread
/// that deletes such a store.
class ResourceType : public detail::Owned<wasmpool_component_resource_type_t, wasmpool_component_resource_type_delete> {
 public:
  /// `destructor` is called as `void(void *data)` once per object.
  template <class D>
  static Result<ResourceType> make(D &&destructor) {
    using Fn = std::decay_t<D>;
    Fn *env = new Fn(std::forward<D>(destructor));
    wasmpool_component_resource_type_t *out = nullptr;
    wasmpool_error_t *err =
        wasmpool_component_resource_type_new(&destroy<Fn>, env, &detail::finalize<Fn>, &out);
    if (err != nullptr) {
      delete env;  // the finalizer is not called on failure
      return Error::adopt(err);
    }
    return ResourceType(out);
  }

 private:
  explicit ResourceType(wasmpool_component_resource_type_t *raw) : Owned(raw) {}
  template <class Fn>
  static void destroy(void *env, void *data) {
    (*static_cast<Fn *>(env))(data);
  }
};

inline Result<Resource> Resource::make(Store &store, const ResourceType &ty, void *data) {
  wasmpool_component_resource_t *out = nullptr;
  wasmpool_error_t *err = wasmpool_component_resource_new(store.raw(), ty.raw(), data, &out);
  return detail::make(err, Resource(out));
}

template <class T>
T *Resource::data(const ResourceType &ty) const {
  return static_cast<T *>(wasmpool_component_resource_data(raw_, ty.raw()));
}

/// A component value of any WIT type, as C++ data: scalars, std::string (string, and the case
/// name of enum and variant), std::vector<Value> (list, tuple, record field values, and the
/// payload of variant / option / result as its only element), std::vector<std::string> (record
/// field names, set flags), or a Resource. A plain value: copy it, move it, compare it.
class Value {
 public:
  using Kind = wasmpool_component_valkind_t;

  Value() : Value(WASMPOOL_COMPONENT_VALKIND_UNSUPPORTED) {}
#define WASMPOOL_HH_SCALAR(fn, KIND, member, type) \
  static Value fn(type x) {                        \
    Value v(WASMPOOL_COMPONENT_VALKIND_##KIND);    \
    v.scalar_.member = x;                          \
    return v;                                      \
  }                                                \
  type as_##fn() const { return scalar_.member; }
  WASMPOOL_HH_SCALAR(boolean, BOOL, boolean, bool)
  WASMPOOL_HH_SCALAR(s8, S8, s8, int8_t)
  WASMPOOL_HH_SCALAR(u8, U8, u8, uint8_t)
  WASMPOOL_HH_SCALAR(s16, S16, s16, int16_t)
  WASMPOOL_HH_SCALAR(u16, U16, u16, uint16_t)
  WASMPOOL_HH_SCALAR(s32, S32, s32, int32_t)
  WASMPOOL_HH_SCALAR(u32, U32, u32, uint32_t)
  WASMPOOL_HH_SCALAR(s64, S64, s64, int64_t)
  WASMPOOL_HH_SCALAR(u64, U64, u64, uint64_t)
  WASMPOOL_HH_SCALAR(f32, F32, f32, float)
  WASMPOOL_HH_SCALAR(f64, F64, f64, double)
  WASMPOOL_HH_SCALAR(character, CHAR, character, uint32_t)
#undef WASMPOOL_HH_SCALAR

  static Value string(std::string s) { return with_text(WASMPOOL_COMPONENT_VALKIND_STRING, std::move(s)); }
  static Value list(std::vector<Value> items) { return with_items(WASMPOOL_COMPONENT_VALKIND_LIST, std::move(items)); }
  static Value tuple(std::vector<Value> items) { return with_items(WASMPOOL_COMPONENT_VALKIND_TUPLE, std::move(items)); }
  static Value record(std::vector<std::pair<std::string, Value>> fields) {
    Value v(WASMPOOL_COMPONENT_VALKIND_RECORD);
    for (auto &f : fields) {
      v.names_.push_back(std::move(f.first));
      v.items_.push_back(std::move(f.second));
    }
    return v;
  }
  static Value variant(std::string name, std::optional<Value> payload = std::nullopt) {
    Value v = with_text(WASMPOOL_COMPONENT_VALKIND_VARIANT, std::move(name));
    if (payload) v.items_.push_back(std::move(*payload));
    return v;
  }
  static Value enumeration(std::string name) { return with_text(WASMPOOL_COMPONENT_VALKIND_ENUM, std::move(name)); }
  static Value none() { return Value(WASMPOOL_COMPONENT_VALKIND_OPTION); }
  static Value some(Value payload) { return with_items(WASMPOOL_COMPONENT_VALKIND_OPTION, {std::move(payload)}); }
  static Value ok(std::optional<Value> payload = std::nullopt) { return result(true, std::move(payload)); }
  static Value err(std::optional<Value> payload = std::nullopt) { return result(false, std::move(payload)); }
  /// The flags that are set, by name.
  static Value flags(std::vector<std::string> set) {
    Value v(WASMPOOL_COMPONENT_VALKIND_FLAGS);
    v.names_ = std::move(set);
    return v;
  }
  static Value resource(Resource r) {
    Value v(WASMPOOL_COMPONENT_VALKIND_RESOURCE);
    v.resource_ = r;
    return v;
  }

  Kind kind() const { return kind_; }
  /// A string's text, or the case name of an enum or variant.
  std::string_view as_string() const { return text_; }
  /// The elements of a list or tuple, the field values of a record, or the payload of a
  /// variant, option or result (empty without one).
  const std::vector<Value> &items() const { return items_; }
  /// Record field names, or the set flags.
  const std::vector<std::string> &names() const { return names_; }
  /// The record field `name`, NULL if there is none.
  const Value *field(std::string_view name) const {
    for (size_t i = 0; i < names_.size(); i++)
      if (names_[i] == name) return &items_[i];
    return nullptr;
  }
  /// The payload of a variant case, a some option or a result; NULL without one.
  const Value *payload() const { return items_.empty() ? nullptr : &items_[0]; }
  bool is_ok() const { return is_ok_; }
  Resource as_resource() const { return resource_; }

  bool operator==(const Value &o) const {
    if (kind_ != o.kind_ || text_ != o.text_ || items_ != o.items_ || names_ != o.names_ || is_ok_ != o.is_ok_ ||
        !(resource_ == o.resource_))
      return false;
    switch (kind_) {
      case WASMPOOL_COMPONENT_VALKIND_BOOL: return scalar_.boolean == o.scalar_.boolean;
      case WASMPOOL_COMPONENT_VALKIND_S8: return scalar_.s8 == o.scalar_.s8;
      case WASMPOOL_COMPONENT_VALKIND_U8: return scalar_.u8 == o.scalar_.u8;
      case WASMPOOL_COMPONENT_VALKIND_S16: return scalar_.s16 == o.scalar_.s16;
      case WASMPOOL_COMPONENT_VALKIND_U16: return scalar_.u16 == o.scalar_.u16;
      case WASMPOOL_COMPONENT_VALKIND_S32: return scalar_.s32 == o.scalar_.s32;
      case WASMPOOL_COMPONENT_VALKIND_U32: return scalar_.u32 == o.scalar_.u32;
      case WASMPOOL_COMPONENT_VALKIND_S64: return scalar_.s64 == o.scalar_.s64;
      case WASMPOOL_COMPONENT_VALKIND_U64: return scalar_.u64 == o.scalar_.u64;
      case WASMPOOL_COMPONENT_VALKIND_F32: return scalar_.f32 == o.scalar_.f32;
      case WASMPOOL_COMPONENT_VALKIND_F64: return scalar_.f64 == o.scalar_.f64;
      case WASMPOOL_COMPONENT_VALKIND_CHAR: return scalar_.character == o.scalar_.character;
      default: return true;
    }
  }
  bool operator!=(const Value &o) const { return !(*this == o); }

  /// This value as a C tree of `malloc` blocks, the layout wasmpool wants for a host function's
  /// results; free it with `wasmpool_component_val_delete` if wasmpool does not take it over.
  wasmpool_component_val_t to_c() const {
    wasmpool_component_val_t v;
    std::memset(&v, 0, sizeof v);
    v.kind = kind_;
    switch (kind_) {
      case WASMPOOL_COMPONENT_VALKIND_STRING: v.of.string = c_string(text_); break;
      case WASMPOOL_COMPONENT_VALKIND_ENUM: v.of.enumeration = c_string(text_); break;
      case WASMPOOL_COMPONENT_VALKIND_LIST: v.of.list = c_vals(items_); break;
      case WASMPOOL_COMPONENT_VALKIND_TUPLE: v.of.tuple = c_vals(items_); break;
      case WASMPOOL_COMPONENT_VALKIND_RECORD: {
        auto *fields = static_cast<wasmpool_component_field_t *>(c_alloc(items_.size(), sizeof(wasmpool_component_field_t)));
        for (size_t i = 0; i < items_.size(); i++) {
          fields[i].name = c_string(names_[i]);
          fields[i].value = items_[i].to_c();
        }
        v.of.record.data = fields;
        v.of.record.len = items_.size();
        break;
      }
      case WASMPOOL_COMPONENT_VALKIND_VARIANT:
        v.of.variant.name = c_string(text_);
        v.of.variant.payload = c_box(payload());
        break;
      case WASMPOOL_COMPONENT_VALKIND_OPTION: v.of.option = c_box(payload()); break;
      case WASMPOOL_COMPONENT_VALKIND_RESULT:
        v.of.result.is_ok = is_ok_;
        v.of.result.payload = c_box(payload());
        break;
      case WASMPOOL_COMPONENT_VALKIND_FLAGS: {
        auto *names = static_cast<wasmpool_component_string_t *>(c_alloc(names_.size(), sizeof(wasmpool_component_string_t)));
        for (size_t i = 0; i < names_.size(); i++) names[i] = c_string(names_[i]);
        v.of.flags.data = names;
        v.of.flags.len = names_.size();
        break;
      }
      case WASMPOOL_COMPONENT_VALKIND_RESOURCE: v.of.resource = resource_.raw(); break;
      default: v.of = scalar_; break;
    }
    return v;
  }

  /// A copy of the C tree `v` (which stays the caller's).
  static Value from_c(const wasmpool_component_val_t &v) {
    Value out(v.kind);
    auto str = [](const wasmpool_component_string_t &s) { return std::string(s.data != nullptr ? s.data : "", s.len); };
    auto vals = [](const wasmpool_component_vals_t &l) {
      std::vector<Value> items;
      for (size_t i = 0; i < l.len; i++) items.push_back(from_c(l.data[i]));
      return items;
    };
    switch (v.kind) {
      case WASMPOOL_COMPONENT_VALKIND_STRING: out.text_ = str(v.of.string); break;
      case WASMPOOL_COMPONENT_VALKIND_ENUM: out.text_ = str(v.of.enumeration); break;
      case WASMPOOL_COMPONENT_VALKIND_LIST: out.items_ = vals(v.of.list); break;
      case WASMPOOL_COMPONENT_VALKIND_TUPLE: out.items_ = vals(v.of.tuple); break;
      case WASMPOOL_COMPONENT_VALKIND_RECORD:
        for (size_t i = 0; i < v.of.record.len; i++) {
          out.names_.push_back(str(v.of.record.data[i].name));
          out.items_.push_back(from_c(v.of.record.data[i].value));
        }
        break;
      case WASMPOOL_COMPONENT_VALKIND_VARIANT:
        out.text_ = str(v.of.variant.name);
        if (v.of.variant.payload != nullptr) out.items_.push_back(from_c(*v.of.variant.payload));
        break;
      case WASMPOOL_COMPONENT_VALKIND_OPTION:
        if (v.of.option != nullptr) out.items_.push_back(from_c(*v.of.option));
        break;
      case WASMPOOL_COMPONENT_VALKIND_RESULT:
        out.is_ok_ = v.of.result.is_ok;
        if (v.of.result.payload != nullptr) out.items_.push_back(from_c(*v.of.result.payload));
        break;
      case WASMPOOL_COMPONENT_VALKIND_FLAGS:
        for (size_t i = 0; i < v.of.flags.len; i++) out.names_.push_back(str(v.of.flags.data[i]));
        break;
      case WASMPOOL_COMPONENT_VALKIND_RESOURCE: out.resource_ = Resource(v.of.resource); break;
      default: out.scalar_ = v.of; break;
    }
    return out;
  }

 private:
  explicit Value(Kind kind) : kind_(kind) { std::memset(&scalar_, 0, sizeof scalar_); }
  static Value with_text(Kind kind, std::string text) {
    Value v(kind);
    v.text_ = std::move(text);
    return v;
  }
  static Value with_items(Kind kind, std::vector<Value> items) {
    Value v(kind);
    v.items_ = std::move(items);
    return v;
  }
  static Value result(bool is_ok, std::optional<Value> payload) {
    Value v(WASMPOOL_COMPONENT_VALKIND_RESULT);
    v.is_ok_ = is_ok;
    if (payload) v.items_.push_back(std::move(*payload));
    return v;
  }
  static void *c_alloc(size_t n, size_t size) {
    if (n == 0) return nullptr;
    void *p = std::calloc(n, size);
    if (p == nullptr) detail::misuse("out of memory building a component value", nullptr);
    return p;
  }
  static wasmpool_component_string_t c_string(const std::string &s) {
    wasmpool_component_string_t out{static_cast<char *>(c_alloc(s.size(), 1)), s.size()};
    if (!s.empty()) std::memcpy(out.data, s.data(), s.size());
    return out;
  }
  static wasmpool_component_vals_t c_vals(const std::vector<Value> &items) {
    auto *data = static_cast<wasmpool_component_val_t *>(c_alloc(items.size(), sizeof(wasmpool_component_val_t)));
    for (size_t i = 0; i < items.size(); i++) data[i] = items[i].to_c();
    return {data, items.size()};
  }
  static wasmpool_component_val_t *c_box(const Value *v) {
    if (v == nullptr) return nullptr;
    auto *p = static_cast<wasmpool_component_val_t *>(c_alloc(1, sizeof(wasmpool_component_val_t)));
    *p = v->to_c();
    return p;
  }

  Kind kind_;
  wasmpool_component_valunion_t scalar_;
  std::string text_;
  std::vector<Value> items_;
  std::vector<std::string> names_;
  bool is_ok_ = false;
  Resource resource_;
};

namespace detail {
/// Calls `call(c_args, c_results)` with `args` as C trees, frees them, and converts and frees
/// the `nresults` C results.
template <class Call>
Result<std::vector<Value>> call_component(const std::vector<Value> &args, size_t nresults, Call &&call) {
  std::vector<wasmpool_component_val_t> c_args;
  c_args.reserve(args.size());
  for (const Value &a : args) c_args.push_back(a.to_c());
  std::vector<wasmpool_component_val_t> c_results(nresults);
  wasmpool_error_t *err = call(c_args.data(), c_args.size(), c_results.data(), c_results.size());
  for (auto &a : c_args) wasmpool_component_val_delete(&a);
  if (err != nullptr) return Error::adopt(err);
  std::vector<Value> out;
  for (auto &r : c_results) {
    out.push_back(Value::from_c(r));
    wasmpool_component_val_delete(&r);
  }
  return out;
}
}  // namespace detail

/// An import or export of a component. The type pointers are borrowed from the Component.
struct ComponentItem {
  std::string name;
  wasmpool_component_itemkind_t kind;
  std::string wit;
  std::vector<std::string> param_names;
  std::vector<const wasmpool_component_type_t *> param_types, result_types;
};

/// A compiled component. Ownership: owns a `wasmpool_component_t`, move-only; delete it before
/// its Engine. Thread safety: immutable, shareable between threads.
class Component : public detail::Owned<wasmpool_component_t, wasmpool_component_delete> {
 public:
  static Result<Component> compile(const Engine &engine, Span<const uint8_t> bytes) {
    wasmpool_component_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_component_new(engine.raw(), bytes.data(), bytes.size(), &out);
    if (err != nullptr) return Error::adopt(err);
    return Component(out);
  }
  static Result<Component> from_file(const Engine &engine, const char *path) {
    wasmpool_component_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_component_new_file(engine.raw(), path, &out);
    if (err != nullptr) return Error::adopt(err);
    return Component(out);
  }
  /// Loads what serialize() wrote (trusted input only).
  static Result<Component> deserialize(const Engine &engine, Span<const uint8_t> bytes) {
    wasmpool_component_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_component_deserialize(engine.raw(), bytes.data(), bytes.size(), &out);
    if (err != nullptr) return Error::adopt(err);
    return Component(out);
  }
  Result<std::vector<uint8_t>> serialize() const {
    wasmpool_bytes_t *b = nullptr;
    if (wasmpool_error_t *err = wasmpool_component_serialize(raw_, &b)) return Error::adopt(err);
    return detail::take_bytes(b);
  }
  Result<std::vector<ComponentItem>> imports() const {
    return list(wasmpool_component_import_count, wasmpool_component_import);
  }
  Result<std::vector<ComponentItem>> exports() const {
    return list(wasmpool_component_export_count, wasmpool_component_export);
  }

 private:
  explicit Component(wasmpool_component_t *raw) : Owned(raw) {}
  Result<std::vector<ComponentItem>> list(size_t (*count)(const wasmpool_component_t *),
                                          wasmpool_error_t *(*get)(const wasmpool_component_t *, size_t,
                                                                   wasmpool_component_item_t *)) const {
    std::vector<ComponentItem> out;
    for (size_t i = 0, n = count(raw_); i < n; i++) {
      wasmpool_component_item_t it{};
      if (wasmpool_error_t *err = get(raw_, i, &it)) return Error::adopt(err);
      ComponentItem item{it.name != nullptr ? it.name : "", it.kind, it.wit != nullptr ? it.wit : "", {}, {}, {}};
      for (size_t p = 0; p < it.nparams; p++) {
        item.param_names.emplace_back(it.param_names[p]);
        item.param_types.push_back(it.param_types[p]);
      }
      for (size_t r = 0; r < it.nresults; r++) item.result_types.push_back(it.result_types[r]);
      out.push_back(std::move(item));
    }
    return out;
  }
};

/// An exported function of a ComponentInstance. A view, valid while its Store lives.
class ComponentFunc {
 public:
  explicit ComponentFunc(wasmpool_component_func_t *raw) : raw_(raw) {}
  /// Calls with `args`; `nresults` must be what the function returns (0 or 1).
  Result<std::vector<Value>> call(const std::vector<Value> &args, size_t nresults = 1) const {
    return detail::call_component(args, nresults, [&](auto *a, size_t na, auto *r, size_t nr) {
      return wasmpool_component_func_call(raw_, a, na, r, nr);
    });
  }
  wasmpool_component_func_t *raw() const { return raw_; }

 private:
  wasmpool_component_func_t *raw_;
};

/// A component instance. A view: its Store owns it; valid while that Store lives; one thread
/// at a time. After a trap no component instance of the Store can be called again.
class ComponentInstance {
 public:
  explicit ComponentInstance(wasmpool_component_instance_t *raw) : raw_(raw) {}
  /// Calls the export `name` ("f" or "ns:pkg/iface@1.0.0#f"); `nresults` is 0 or 1.
  Result<std::vector<Value>> call(const char *name, const std::vector<Value> &args, size_t nresults = 1) const {
    return detail::call_component(args, nresults, [&](auto *a, size_t na, auto *r, size_t nr) {
      return wasmpool_component_instance_call(raw_, name, a, na, r, nr);
    });
  }
  Result<ComponentFunc> func(const char *name) const {
    wasmpool_component_func_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_component_instance_func(raw_, name, &out);
    return detail::make(err, ComponentFunc(out));
  }
  /// Runs a WASI command component: calls `run` of its `wasi:cli/run@0.2.x` export. The exit
  /// code: 0 for a normal return or `exit(ok)`, 1 for a `run` returning an error or
  /// `exit(err)` (WASI 0.2 carries no other code); neither is an error. Errors:
  /// INVALID_ARGUMENT (the guest called WASI in a Store without Store::set_wasi), LINK (no
  /// `wasi:cli/run` export), TRAP, INTERRUPTED, OUT_OF_FUEL.
  Result<int32_t> run() const {
    int32_t code = 0;
    wasmpool_error_t *err = wasmpool_component_instance_run(raw_, &code);
    return detail::make(err, code);
  }
  wasmpool_component_instance_t *raw() const { return raw_; }

 private:
  wasmpool_component_instance_t *raw_;
};

/// The calling store of a component host function: valid only during that call.
class ComponentCaller {
 public:
  explicit ComponentCaller(wasmpool_component_caller_t *raw) : raw_(raw) {}
  /// A new owning handle in the calling store, for a host function to return.
  Result<Resource> resource_new(const ResourceType &ty, void *data) const {
    wasmpool_component_resource_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_component_caller_resource_new(raw_, ty.raw(), data, &out);
    return detail::make(err, Resource(out));
  }
  wasmpool_component_caller_t *raw() const { return raw_; }

 private:
  wasmpool_component_caller_t *raw_;
};

/// The signature of a component host function: `results` comes sized to the imported
/// function's result count; fill each, return success or an Error (which traps the guest).
using ComponentHostFunc = std::function<Status(ComponentCaller, const std::vector<Value> &, std::vector<Value> &)>;

/// A component pre-linked against a ComponentLinker. Ownership: owns a
/// `wasmpool_component_pre_t`, move-only. Thread safety: shareable between threads.
class ComponentPre : public detail::Owned<wasmpool_component_pre_t, wasmpool_component_pre_delete> {
 public:
  explicit ComponentPre(wasmpool_component_pre_t *raw) : Owned(raw) {}
  Result<ComponentInstance> instantiate(Store &store) const {
    wasmpool_component_instance_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_component_pre_instantiate(raw_, store.raw(), &out);
    return detail::make(err, ComponentInstance(out));
  }
};

/// Host functions and resource types by interface and name, for components. Ownership: owns a
/// `wasmpool_component_linker_t`, move-only; each host function's callable is destroyed exactly
/// once (by the C finalizer) when the last linker, ComponentPre or Store using it is gone. Not
/// for concurrent mutation.
class ComponentLinker : public detail::Owned<wasmpool_component_linker_t, wasmpool_component_linker_delete> {
 public:
  static Result<ComponentLinker> make(const Engine &engine) {
    wasmpool_component_linker_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_component_linker_new(engine.raw(), &out);
    if (err != nullptr) return Error::adopt(err);
    return ComponentLinker(out);
  }
  /// Defines `instance#name` (`instance` NULL: at the root) as `f`, called as
  /// `Status f(ComponentCaller, const std::vector<Value> &args, std::vector<Value> &results)`.
  template <class F>
  Status define_func(const char *instance, const char *name, F &&f) {
    using Fn = std::decay_t<F>;
    Fn *env = new Fn(std::forward<F>(f));
    wasmpool_error_t *err = wasmpool_component_linker_define_func(raw_, instance, name, &trampoline<Fn>, env,
                                                                   &detail::finalize<Fn>);
    if (err != nullptr) delete env;  // on failure the finalizer is not called
    return Status::from_c(err);
  }
  Status define_resource(const char *instance, const char *name, const ResourceType &ty) {
    return Status::from_c(wasmpool_component_linker_define_resource(raw_, instance, name, ty.raw()));
  }
  Status define_unknown_imports_as_traps(const Component &component) {
    return Status::from_c(wasmpool_component_linker_define_unknown_imports_as_traps(raw_, component.raw()));
  }
  /// Defines the WASI preview-2 interfaces (wasi:cli, io, clocks, random, filesystem, sockets
  /// at 0.2.x). Each Store running the components needs Store::set_wasi. LINK error if a WASI
  /// name is taken.
  Status define_wasi() { return Status::from_c(wasmpool_component_linker_define_wasi(raw_)); }
  Result<ComponentPre> instantiate_pre(const Component &component) const {
    wasmpool_component_pre_t *out = nullptr;
    wasmpool_error_t *err = wasmpool_component_linker_instantiate_pre(raw_, component.raw(), &out);
    if (err != nullptr) return Error::adopt(err);
    return ComponentPre(out);
  }

 private:
  explicit ComponentLinker(wasmpool_component_linker_t *raw) : Owned(raw) {}
  template <class Fn>
  static wasmpool_error_t *trampoline(void *env, wasmpool_component_caller_t *caller,
                                      const wasmpool_component_val_t *args, size_t nargs,
                                      wasmpool_component_val_t *results, size_t nresults) {
    std::vector<Value> in;
    in.reserve(nargs);
    for (size_t i = 0; i < nargs; i++) in.push_back(Value::from_c(args[i]));
    std::vector<Value> out(nresults);
    Status s = (*static_cast<Fn *>(env))(ComponentCaller(caller), in, out);
    if (!s.ok()) return s.error().to_c_trap();
    if (out.size() != nresults)
      return wasmpool_trap_new("wasmpool.hh: a host function changed the size of its results");
    for (size_t i = 0; i < nresults; i++) results[i] = out[i].to_c();
    return nullptr;
  }
};

}  // namespace wasmpool

#endif  // WASMPOOL_COMPONENT_HH
