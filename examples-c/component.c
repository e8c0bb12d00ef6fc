/*
 * component.c: a component per request.
 *
 * Compiles a component written in WebAssembly text whose interface has a string, a record and
 * a list, pre-instantiates it once, and then, for each of a few "requests", makes a fresh store
 * and instance from the pool, calls `greet(person) -> string` and `total(list<u32>) -> u32`,
 * prints the results and frees them. Every error is reported and ends the program with
 * status 1.
 */
#include <wasmpool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(wasmpool_error_t *err, const char *what) {
  if (err == NULL) {
    return;
  }
  fprintf(stderr, "component: %s failed (error kind %d): %s\n", what, (int)wasmpool_error_kind(err),
          wasmpool_error_message(err));
  wasmpool_error_delete(err);
  exit(1);
}

/* greet(p: person) -> string returns "Hello, " + p.name; total(xs) sums the list. The core
 * module keeps a bump allocator (`realloc`) that the host uses to pass strings and lists in. */
static const char WAT[] =
    "(component\n"
    "  (core module $m\n"
    "    (memory (export \"memory\") 1)\n"
    "    (global $heap (mut i32) (i32.const 1024))\n"
    "    (data (i32.const 16) \"Hello, \")\n"
    "    (func $alloc (export \"realloc\") (param i32 i32 i32 i32) (result i32)\n"
    "      (local $p i32)\n"
    "      global.get $heap local.get 2 i32.add i32.const 1 i32.sub\n"
    "      i32.const 0 local.get 2 i32.sub i32.and local.set $p\n"
    "      local.get $p local.get 3 i32.add global.set $heap\n"
    "      local.get $p)\n"
    "    (func (export \"greet\") (param $name i32) (param $len i32) (param $age i32) (result i32)\n"
    "      (local $out i32)\n"
    "      i32.const 0 i32.const 0 i32.const 1 local.get $len i32.const 7 i32.add call $alloc\n"
    "      local.set $out\n"
    "      local.get $out i32.const 16 i32.const 7 memory.copy\n"
    "      local.get $out i32.const 7 i32.add local.get $name local.get $len memory.copy\n"
    "      i32.const 0 local.get $out i32.store\n"
    "      i32.const 4 local.get $len i32.const 7 i32.add i32.store\n"
    "      i32.const 0)\n"
    "    (func (export \"total\") (param $ptr i32) (param $len i32) (result i32)\n"
    "      (local $sum i32)\n"
    "      (block $done (loop $next\n"
    "        local.get $len i32.eqz br_if $done\n"
    "        local.get $sum local.get $ptr i32.load i32.add local.set $sum\n"
    "        local.get $ptr i32.const 4 i32.add local.set $ptr\n"
    "        local.get $len i32.const 1 i32.sub local.set $len\n"
    "        br $next))\n"
    "      local.get $sum))\n"
    "  (core instance $i (instantiate $m))\n"
    "  (type $person (record (field \"name\" string) (field \"age\" u32)))\n"
    "  (export $p \"person\" (type $person))\n"
    "  (func (export \"greet\") (param \"p\" $p) (result string)\n"
    "    (canon lift (core func $i \"greet\") (memory (core memory $i \"memory\")) (realloc (core func $i \"realloc\"))))\n"
    "  (func (export \"total\") (param \"xs\" (list u32)) (result u32)\n"
    "    (canon lift (core func $i \"total\") (memory (core memory $i \"memory\")) (realloc (core func $i \"realloc\")))))\n";

static wasmpool_component_string_t str(const char *s) {
  wasmpool_component_string_t out = {(char *)s, strlen(s)};
  return out;
}

static wasmpool_component_val_t u32_val(uint32_t x) {
  wasmpool_component_val_t v;
  memset(&v, 0, sizeof v);
  v.kind = WASMPOOL_COMPONENT_VALKIND_U32;
  v.of.u32 = x;
  return v;
}

int main(void) {
  wasmpool_config_t *cfg = wasmpool_config_new_server(4);
  wasmpool_engine_t *engine = NULL;
  check(wasmpool_engine_new(cfg, &engine), "wasmpool_engine_new");
  wasmpool_config_delete(cfg);

  wasmpool_component_t *component = NULL;
  check(wasmpool_component_new(engine, (const uint8_t *)WAT, strlen(WAT), &component), "compile");
  for (size_t i = 0; i < wasmpool_component_export_count(component); i++) {
    wasmpool_component_item_t item;
    check(wasmpool_component_export(component, i, &item), "list exports");
    if (item.kind == WASMPOOL_COMPONENT_ITEM_FUNC) printf("export %s: %s\n", item.name, item.wit);
  }

  wasmpool_component_linker_t *linker = NULL;
  check(wasmpool_component_linker_new(engine, &linker), "linker");
  wasmpool_component_pre_t *pre = NULL;
  check(wasmpool_component_linker_instantiate_pre(linker, component, &pre), "pre-instantiate");
  wasmpool_component_linker_delete(linker);
  wasmpool_component_delete(component);

  static const char *names[] = {"Ada", "Grace", "Zoë"};
  for (uint32_t request = 0; request < 3; request++) {
    wasmpool_store_t *store = NULL;
    check(wasmpool_store_new(engine, &store), "store");
    wasmpool_component_instance_t *inst = NULL;
    check(wasmpool_component_pre_instantiate(pre, store, &inst), "instantiate");

    /* greet({name, age}): the record's fields by name, in the type's order. */
    wasmpool_component_field_t fields[2];
    memset(fields, 0, sizeof fields);
    fields[0].name = str("name");
    fields[0].value.kind = WASMPOOL_COMPONENT_VALKIND_STRING;
    fields[0].value.of.string = str(names[request]);
    fields[1].name = str("age");
    fields[1].value = u32_val(30 + request);
    wasmpool_component_val_t person;
    memset(&person, 0, sizeof person);
    person.kind = WASMPOOL_COMPONENT_VALKIND_RECORD;
    person.of.record.data = fields;
    person.of.record.len = 2;
    wasmpool_component_val_t greeting;
    check(wasmpool_component_instance_call(inst, "greet", &person, 1, &greeting, 1), "greet");
    printf("request %u: %.*s", request, (int)greeting.of.string.len, greeting.of.string.data);
    wasmpool_component_val_delete(&greeting);

    /* total([0, 1, ..., request + 3]) */
    wasmpool_component_val_t items[8];
    uint32_t n = request + 4;
    for (uint32_t i = 0; i < n; i++) items[i] = u32_val(i);
    wasmpool_component_val_t list;
    memset(&list, 0, sizeof list);
    list.kind = WASMPOOL_COMPONENT_VALKIND_LIST;
    list.of.list.data = items;
    list.of.list.len = n;
    wasmpool_component_val_t total;
    check(wasmpool_component_instance_call(inst, "total", &list, 1, &total, 1), "total");
    printf(", total of 0..%u = %u\n", n - 1, total.of.u32);
    if (total.of.u32 != n * (n - 1) / 2) {
      fprintf(stderr, "component: wrong total\n");
      return 1;
    }
    wasmpool_component_val_delete(&total);
    wasmpool_store_delete(store); /* the instance's slots go back to the pool */
  }

  wasmpool_component_pre_delete(pre);
  wasmpool_engine_delete(engine);
  return 0;
}
