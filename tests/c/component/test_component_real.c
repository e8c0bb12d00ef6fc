/* Real components, as the toolchains produce them, under the server preset
 * (wasmpool_config_new_server(8)): the C echo component (wit-bindgen, every WIT
 * type), the C command components (wasm32-wasip1 + the preview-1 adapter), and
 * when their tools could be installed the JavaScript (componentize-js) and
 * Python (componentize-py) `hello` components; see tests/guests/README.md.
 *
 * For each: compile, list imports and exports (printed), link every import as
 * a trap (they import WASI, which this test does not provide), pre-instantiate,
 * instantiate 3 times in fresh stores and see the pool's component instances
 * go back to 0. Then measure what the component needs of the per-component
 * knobs, each by binary search for the smallest value that accepts it:
 * max_core_instances_per_component, max_memories_per_component,
 * max_tables_per_component and max_component_instance_size (and of the
 * per-module ones its largest core module decides: max_core_instance_size,
 * table_elements, max_memory_size); and fill the
 * preset's pool with instances of it, one store each, until POOL_EXHAUSTED:
 * as many as its totals allow for those needs. The figures are printed in a
 * table (tests/guests/MEASUREMENTS.md keeps them).
 *
 * The guests are in WASMPOOL_GUESTS_DIR (the build's <build>/guests; the
 * environment variable of that name overrides it). The C guests must be there;
 * a missing JavaScript or Python guest is skipped with the reason on a line of
 * its own ("SKIP ..."). */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <time.h>

#include "check.h"
#include "guests.h"

#define PRESET_INSTANCES 8
#define ROUNDS 3

typedef struct guest {
  const char *label;
  const char *file;     /* under the guests directory */
  int required;         /* the C guests: always built, never skipped */
  const char *expect;   /* an export that must be listed (prefix match) */
} guest_t;

static const guest_t GUESTS[] = {
    {"C echo (wit-bindgen)", "echo.wasm", 1, "call-host-nested"},
    {"C command hello (wasip1 + adapter)", "wasip2/hello.wasm", 1, "wasi:cli/run@0.2"},
    {"C command stdio (wasip1 + adapter)", "wasip2/stdio.wasm", 1, "wasi:cli/run@0.2"},
    {"C command files (wasip1 + adapter)", "wasip2/files.wasm", 1, "wasi:cli/run@0.2"},
    {"C command clock_random (wasip1 + adapter)", "wasip2/clock_random.wasm", 1, "wasi:cli/run@0.2"},
    {"C command exit3 (wasip1 + adapter)", "wasip2/exit3.wasm", 1, "wasi:cli/run@0.2"},
    {"JavaScript (componentize-js)", "js/hello.wasm", 0, "hello"},
    {"Python (componentize-py)", "py/hello.wasm", 0, "hello"},
};
#define NGUESTS (sizeof GUESTS / sizeof GUESTS[0])

/* The four per-component limits, then the per-module limits every core module
 * of the component must pass (the largest module decides). */
typedef enum {
  CORE_INSTANCES, MEMORIES, TABLES, INSTANCE_SIZE, CORE_INSTANCE_SIZE, TABLE_ELEMENTS,
  MEMORY_SIZE, NKNOBS
} knob_t;

typedef struct measured {
  int done;
  size_t bytes;
  double compile_ms, instantiate_ms;
  size_t exports, imports;
  uint64_t need[NKNOBS]; /* what it needs of each knob (the smallest value that accepts it) */
  uint64_t concurrent;   /* instances the preset's pool holds at once */
} measured_t;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The whole file at `path`, or NULL if it cannot be read. */
static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 1 << 20, n = 0, got;
  uint8_t *buf = malloc(cap);
  CHECK(buf != NULL);
  while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      cap *= 2;
      buf = realloc(buf, cap);
      CHECK(buf != NULL);
    }
  }
  fclose(f);
  *len = n;
  return buf;
}

/* The one-line reason a toolchain left next to the missing component. */
static void print_skip(const guest_t *g, const char *path) {
  char skip[1024], reason[1024] = "";
  snprintf(skip, sizeof skip, "%.*s.skip", (int)(strlen(path) - strlen(".wasm")), path);
  FILE *f = fopen(skip, "r");
  if (f != NULL) {
    if (fgets(reason, sizeof reason, f) != NULL) reason[strcspn(reason, "\n")] = '\0';
    fclose(f);
  }
  if (reason[0] != '\0') {
    printf("SKIP %s: %s\n", g->label, reason);
  } else {
    printf("SKIP %s: %s was not built: the ctest fixture guests_toolchains builds it "
           "(bash tests/guests/toolchains.sh %s <cache dir>)\n",
           g->label, path, guests_dir());
  }
}

static const char *kind_name(wasmpool_component_itemkind_t kind) {
  switch (kind) {
    case WASMPOOL_COMPONENT_ITEM_FUNC: return "func";
    case WASMPOOL_COMPONENT_ITEM_INSTANCE: return "instance";
    case WASMPOOL_COMPONENT_ITEM_RESOURCE: return "resource";
    case WASMPOOL_COMPONENT_ITEM_TYPE: return "type";
    case WASMPOOL_COMPONENT_ITEM_MODULE: return "module";
    case WASMPOOL_COMPONENT_ITEM_COMPONENT: return "component";
    case WASMPOOL_COMPONENT_ITEM_CORE_FUNC: return "core func";
  }
  return "?";
}

/* Prints the exports (every item) and the imports (the interfaces, and how
 * many functions they hold); checks every listed item is well-formed and that
 * `expect` is among the exports. Returns the number of exports. */
static size_t list_items(const wasmpool_component_t *c, const char *expect, size_t *nimports) {
  size_t n = wasmpool_component_export_count(c);
  int found = 0;
  printf("  exports (%zu):\n", n);
  for (size_t i = 0; i < n; i++) {
    wasmpool_component_item_t item;
    OK(wasmpool_component_export(c, i, &item));
    CHECK(item.name != NULL && item.name[0] != '\0' && item.wit != NULL);
    printf("    %-9s %s%s%s\n", kind_name(item.kind), item.name, item.wit[0] ? "  " : "", item.wit);
    if (strncmp(item.name, expect, strlen(expect)) == 0) found = 1;
  }
  if (!found) {
    fprintf(stderr, "no export named %s*\n", expect);
    exit(1);
  }
  size_t m = wasmpool_component_import_count(c), funcs = 0, instances = 0;
  for (size_t i = 0; i < m; i++) {
    wasmpool_component_item_t item;
    OK(wasmpool_component_import(c, i, &item));
    CHECK(item.name != NULL && item.name[0] != '\0' && item.wit != NULL);
    if (item.kind == WASMPOOL_COMPONENT_ITEM_FUNC) funcs++;
    if (item.kind == WASMPOOL_COMPONENT_ITEM_INSTANCE) instances++;
  }
  printf("  imports (%zu items: %zu interfaces, %zu functions):", m, instances, funcs);
  for (size_t i = 0; i < m; i++) {
    wasmpool_component_item_t item;
    OK(wasmpool_component_import(c, i, &item));
    if (item.kind == WASMPOOL_COMPONENT_ITEM_INSTANCE) printf(" %s", item.name);
  }
  printf("\n");
  /* Out of range is an error, not a crash. */
  wasmpool_component_item_t item;
  EXPECT_ERR(wasmpool_component_export(c, n, &item), WASMPOOL_ERROR_INVALID_ARGUMENT);
  *nimports = m;
  return n;
}

/* --- measuring what a component needs of the pool's limits ------------------ */

static const struct {
  const char *name;   /* the knob, as wasmpool's LIMIT_EXCEEDED message names it */
  const char *phrase; /* what Wasmtime's refusal says */
  uint64_t roomy;     /* a value out of the way while another knob is measured */
} KNOBS[NKNOBS] = {
    {"max_core_instances_per_component", "core module instances, which exceeds", 100000},
    {"max_memories_per_component", "linear memories, which", 100000},
    {"max_tables_per_component", "tables, which exceeds", 100000},
    {"max_component_instance_size", "component instance size does not fit", (uint64_t)1 << 30},
    {"max_core_instance_size", "module instance size does not fit", 0},
    {"table_elements", "module table does not fit", 0},
    {"max_memory_size", "module memory does not fit", 0},
};

static void set_knob(wasmpool_config_t *cfg, knob_t k, uint64_t v) {
  switch (k) {
    case CORE_INSTANCES: OK(wasmpool_config_max_core_instances_per_component_set(cfg, (uint32_t)v)); break;
    case MEMORIES: OK(wasmpool_config_max_memories_per_component_set(cfg, (uint32_t)v)); break;
    case TABLES: OK(wasmpool_config_max_tables_per_component_set(cfg, (uint32_t)v)); break;
    case INSTANCE_SIZE: OK(wasmpool_config_max_component_instance_size_set(cfg, (size_t)v)); break;
    case CORE_INSTANCE_SIZE: OK(wasmpool_config_max_core_instance_size_set(cfg, (size_t)v)); break;
    case TABLE_ELEMENTS: OK(wasmpool_config_table_elements_set(cfg, (size_t)v)); break;
    case MEMORY_SIZE: OK(wasmpool_config_max_memory_size_set(cfg, (size_t)v)); break;
    case NKNOBS: break;
  }
}

/* The server preset with knob `which` at `value` and the per-component limits
 * out of the way (the per-module ones keep the preset's values, which every
 * guest here passes). Only pool limits differ from the preset, so a component
 * serialised by the preset's engine loads here. */
static wasmpool_engine_t *engine_with(knob_t which, uint64_t value) {
  wasmpool_config_t *cfg = wasmpool_config_new_server(PRESET_INSTANCES);
  CHECK(cfg != NULL);
  for (int k = 0; k < NKNOBS; k++) {
    if (k == (int)which) set_knob(cfg, (knob_t)k, value);
    else if (KNOBS[k].roomy != 0) set_knob(cfg, (knob_t)k, KNOBS[k].roomy);
  }
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  return engine;
}

/* Does the serialised component load under `which` = `value`? A refusal must
 * be the one of that limit. */
static int fits(const wasmpool_bytes_t *bytes, knob_t which, uint64_t value) {
  wasmpool_engine_t *engine = engine_with(which, value);
  wasmpool_component_t *c = NULL;
  wasmpool_error_t *err =
      wasmpool_component_deserialize(engine, wasmpool_bytes_data(bytes), wasmpool_bytes_len(bytes), &c);
  int ok = err == NULL;
  if (err != NULL) {
    const char *msg = wasmpool_error_message(err);
    if (strstr(msg, KNOBS[which].phrase) == NULL ||
        wasmpool_error_kind(err) != WASMPOOL_ERROR_LIMIT_EXCEEDED) {
      fprintf(stderr, "%s = %llu: unexpected refusal (kind %d): %s\n", KNOBS[which].name,
              (unsigned long long)value, (int)wasmpool_error_kind(err), msg);
      exit(1);
    }
    wasmpool_error_delete(err);
  }
  wasmpool_component_delete(c);
  wasmpool_engine_delete(engine);
  return ok;
}

/* The smallest value of `which` that accepts the component: doubling, then
 * bisection. */
static uint64_t smallest_fit(const wasmpool_bytes_t *bytes, knob_t which) {
  if (fits(bytes, which, 0)) return 0;
  uint64_t lo = 0, hi = 1;
  while (!fits(bytes, which, hi)) {
    lo = hi;
    hi *= 2;
    CHECK(hi <= ((uint64_t)1 << 32));
  }
  while (hi - lo > 1) { /* !fits(lo), fits(hi) */
    uint64_t mid = lo + (hi - lo) / 2;
    if (fits(bytes, which, mid)) hi = mid; else lo = mid;
  }
  return hi;
}

/* A full compile (not a load) one below the measured need is LIMIT_EXCEEDED
 * naming the knob, as wasmpool_component_new documents. */
static void check_compile_refusal(const uint8_t *wasm, size_t len, knob_t which, uint64_t need) {
  if (need == 0) return;
  wasmpool_engine_t *engine = engine_with(which, need - 1);
  wasmpool_component_t *c = NULL;
  wasmpool_error_t *err = wasmpool_component_new(engine, wasm, len, &c);
  CHECK(err != NULL && c == NULL);
  CHECK(wasmpool_error_kind(err) == WASMPOOL_ERROR_LIMIT_EXCEEDED);
  CHECK(strstr(wasmpool_error_message(err), KNOBS[which].name) != NULL);
  wasmpool_error_delete(err);
  wasmpool_engine_delete(engine);
}

/* 64 KiB wasm pages in the smallest max_memory_size that accepts a memory
 * (Wasmtime compares with the limit rounded up to the host page size, so the
 * smallest accepted value is a little under the memory's initial size). */
static uint64_t pages(uint64_t bytes) { return (bytes + 65535) / 65536; }

/* What the component needs of each knob, found with the serialised component. */
static void measure(const wasmpool_component_t *c, const uint8_t *wasm, size_t len, measured_t *out) {
  wasmpool_bytes_t *ser = NULL;
  OK(wasmpool_component_serialize(c, &ser));
  for (int k = 0; k < NKNOBS; k++) out->need[k] = smallest_fit(ser, (knob_t)k);
  wasmpool_bytes_delete(ser);
  out->done = 1;
  const uint64_t *n = out->need;
  printf("  needs: %llu core instances, %llu memories, %llu tables, component instance size "
         "%llu bytes; its largest core instance %llu bytes, table %llu elements, initial "
         "memory %llu pages\n",
         (unsigned long long)n[CORE_INSTANCES], (unsigned long long)n[MEMORIES],
         (unsigned long long)n[TABLES], (unsigned long long)n[INSTANCE_SIZE],
         (unsigned long long)n[CORE_INSTANCE_SIZE], (unsigned long long)n[TABLE_ELEMENTS],
         (unsigned long long)pages(n[MEMORY_SIZE]));
  if (len < (1u << 20)) { /* a full compile per knob: only for the small ones */
    for (int k = 0; k < NKNOBS; k++) check_compile_refusal(wasm, len, (knob_t)k, n[k]);
  }
}

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* How many instances of the component the preset's pool holds at once: one
 * per store until the pool says POOL_EXHAUSTED. That must be what the pool's
 * totals allow for the measured needs (the first total to run out stops it),
 * and every slot must come back when the stores are deleted. */
static uint64_t fill_pool(wasmpool_engine_t *engine, const wasmpool_component_pre_t *pre,
                          const measured_t *need) {
  wasmpool_config_t *cfg = wasmpool_config_new_server(PRESET_INSTANCES);
  CHECK(cfg != NULL);
  uint64_t expected = wasmpool_config_total_component_instances_get(cfg);
  const char *limit = "total_component_instances";
  struct { const char *name; uint64_t total, per_instance; } totals[] = {
      {"total_core_instances", wasmpool_config_total_core_instances_get(cfg), need->need[CORE_INSTANCES]},
      {"total_memories", wasmpool_config_total_memories_get(cfg), need->need[MEMORIES]},
      {"total_tables", wasmpool_config_total_tables_get(cfg), need->need[TABLES]},
  };
  wasmpool_config_delete(cfg);
  for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++) {
    if (totals[i].per_instance == 0) continue;
    uint64_t fit = totals[i].total / totals[i].per_instance;
    if (fit < expected) {
      expected = fit;
      limit = totals[i].name;
    }
  }
  expected = min_u64(expected, PRESET_INSTANCES);

  wasmpool_store_t *stores[PRESET_INSTANCES + 1];
  uint64_t held = 0;
  for (;;) {
    CHECK(held <= PRESET_INSTANCES);
    OK(wasmpool_store_new(engine, &stores[held]));
    wasmpool_component_instance_t *inst = NULL;
    wasmpool_error_t *err = wasmpool_component_pre_instantiate(pre, stores[held], &inst);
    if (err != NULL) {
      const char *msg = wasmpool_error_message(err);
      if (wasmpool_error_kind(err) != WASMPOOL_ERROR_POOL_EXHAUSTED) {
        fprintf(stderr, "instance %llu: kind %d, expected POOL_EXHAUSTED: %s\n",
                (unsigned long long)held + 1, (int)wasmpool_error_kind(err), msg);
        exit(1);
      }
      printf("  the preset's pool holds %llu at once (then POOL_EXHAUSTED: %.*s)\n",
             (unsigned long long)held, (int)strcspn(msg, "\n"), msg);
      wasmpool_error_delete(err);
      wasmpool_store_delete(stores[held]);
      break;
    }
    held++;
  }
  if (held != expected) {
    fprintf(stderr, "the pool held %llu instances; its totals allow %llu (%s)\n",
            (unsigned long long)held, (unsigned long long)expected, limit);
    exit(1);
  }
  for (uint64_t i = 0; i < held; i++) wasmpool_store_delete(stores[i]);
  wasmpool_metrics_t m = metrics_of(engine);
  CHECK(m.component_instances == 0 && m.core_instances == 0 && m.memories == 0 && m.tables == 0);
  return held;
}

/* --- one guest ---------------------------------------------------------------------------- */

static void run_guest(const guest_t *g, wasmpool_engine_t *engine, int pooling, measured_t *out) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", guests_dir(), g->file);
  size_t len = 0;
  uint8_t *wasm = read_file(path, &len);
  if (wasm == NULL) {
    if (g->required) {
      fprintf(stderr, "FAIL %s: cannot read %s (the C guests are always built: %s)\n", g->label,
              path, WASMPOOL_GUESTS_MISSING[0] ? "missing " WASMPOOL_GUESTS_MISSING
                                                : "build the tree first, cmake --build");
      exit(1);
    }
    print_skip(g, path);
    return;
  }
  printf("== %s: %s (%zu bytes)\n", g->label, g->file, len);
  out->bytes = len;

  double t0 = now_ms();
  wasmpool_component_t *c = NULL;
  OK(wasmpool_component_new(engine, wasm, len, &c));
  out->compile_ms = now_ms() - t0;
  printf("  compiled under the server preset in %.0f ms\n", out->compile_ms);
  out->exports = list_items(c, g->expect, &out->imports);

  wasmpool_component_linker_t *linker = NULL;
  OK(wasmpool_component_linker_new(engine, &linker));
  OK(wasmpool_component_linker_define_unknown_imports_as_traps(linker, c));
  wasmpool_component_pre_t *pre = NULL;
  OK(wasmpool_component_linker_instantiate_pre(linker, c, &pre));
  wasmpool_component_linker_delete(linker);

  double total = 0;
  for (int round = 0; round < ROUNDS; round++) {
    wasmpool_store_t *store = NULL;
    OK(wasmpool_store_new(engine, &store));
    wasmpool_component_instance_t *inst = NULL;
    t0 = now_ms();
    OK(wasmpool_component_pre_instantiate(pre, store, &inst));
    total += now_ms() - t0;
    CHECK(inst != NULL);
    if (pooling) {
      wasmpool_metrics_t m = metrics_of(engine);
      CHECK(m.component_instances == 1);
      CHECK(m.core_instances >= 1);
    }
    wasmpool_store_delete(store);
    if (pooling) {
      wasmpool_metrics_t m = metrics_of(engine);
      CHECK(m.component_instances == 0);
      CHECK(m.core_instances == 0);
      CHECK(m.memories == 0);
    }
  }
  out->instantiate_ms = total / ROUNDS;
  printf("  instantiated %d times in fresh stores (%.2f ms each on average); the pool is "
         "back to 0 component instances\n", ROUNDS, out->instantiate_ms);

  if (pooling) {
    measure(c, wasm, len, out);
    out->concurrent = fill_pool(engine, pre, out);
  }

  wasmpool_component_pre_delete(pre);
  wasmpool_component_delete(c);
  free(wasm);
}

int main(void) {
  printf("guests: %s\n", guests_dir()[0] ? guests_dir() : "(WASMPOOL_GUESTS_DIR not set)");
  if (WASMPOOL_GUESTS_MISSING[0] != '\0') {
    printf("the build could not make the guests, missing: %s\n", WASMPOOL_GUESTS_MISSING);
  }
  wasmpool_config_t *cfg = wasmpool_config_new_server(PRESET_INSTANCES);
  CHECK(cfg != NULL);
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  int pooling = wasmpool_engine_strategy(engine) == WASMPOOL_STRATEGY_POOLING;
  if (!pooling) {
    /* AUTO fell back (e.g. a small address space): nothing to measure. */
    printf("SKIP measurements: the preset fell back to on-demand allocation: %s\n",
           wasmpool_engine_fallback_reason(engine));
  }

  measured_t results[NGUESTS];
  memset(results, 0, sizeof results);
  for (size_t i = 0; i < NGUESTS; i++) run_guest(&GUESTS[i], engine, pooling, &results[i]);
  wasmpool_engine_delete(engine);

  printf("\n| component | bytes | exports | imports | core instances | memories | tables | "
         "component instance size | largest core instance size | largest table (elements) | "
         "largest initial memory (pages) | at once in server(%d) | compile (ms) | "
         "instantiate (ms) |\n", PRESET_INSTANCES);
  printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  for (size_t i = 0; i < NGUESTS; i++) {
    const measured_t *r = &results[i];
    if (!r->done) continue;
    printf("| %s | %zu | %zu | %zu |", GUESTS[i].label, r->bytes, r->exports, r->imports);
    for (int k = 0; k < NKNOBS; k++) {
      uint64_t v = k == MEMORY_SIZE ? pages(r->need[k]) : r->need[k];
      printf(" %llu |", (unsigned long long)v);
    }
    printf(" %llu | %.0f | %.2f |\n", (unsigned long long)r->concurrent, r->compile_ms,
           r->instantiate_ms);
  }
  return 0;
}
