/* Host-defined resources through the `res` guest (tests/guests/resources): a C host defines the
 * resource type `blob` (an object of the host's, behind a pointer) and the functions `make`
 * and `size`; the guest lends, moves, keeps and drops blobs. Every object's destructor must run
 * exactly once: when the guest drops its last owning handle, when the host drops its own, or
 * when the store is deleted; and every handle the host gets back must lead to its own object. */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "component_vals.h"
#include "guests.h"

#define IFACE "wasmpool:res/blobs@0.1.0"

typedef struct blob {
  uint32_t size;
  int destroyed; /* how many times the destructor ran for this object */
} blob_t;

/* Every object ever made, so the test can check each one's destructor count after the fact
 * (the objects are freed at the end, not by the destructor). */
static blob_t *objects[64];
static size_t nobjects;
static int destructor_calls;
static int finalized;

static blob_t *new_blob(uint32_t size) {
  CHECK(nobjects < sizeof objects / sizeof objects[0]);
  blob_t *b = calloc(1, sizeof *b);
  CHECK(b != NULL);
  b->size = size;
  objects[nobjects++] = b;
  return b;
}

static void destroy_blob(void *env, void *data) {
  CHECK(env == (void *)&destructor_calls);
  blob_t *b = data;
  b->destroyed++;
  destructor_calls++;
}

static void finalize_type(void *env) {
  CHECK(env == (void *)&destructor_calls);
  finalized++;
}

static wasmpool_component_resource_type_t *blob_type;

/* make: func(size: u32) -> blob */
static wasmpool_error_t *host_make(void *env, wasmpool_component_caller_t *caller,
                                   const wasmpool_component_val_t *args, size_t nargs,
                                   wasmpool_component_val_t *results, size_t nresults) {
  (void)env;
  CHECK(nargs == 1 && nresults == 1 && args[0].kind == WASMPOOL_COMPONENT_VALKIND_U32);
  wasmpool_component_resource_t *r = NULL;
  OK(wasmpool_component_caller_resource_new(caller, blob_type, new_blob(args[0].of.u32), &r));
  CHECK(wasmpool_component_resource_owned(r));
  results[0].kind = WASMPOOL_COMPONENT_VALKIND_RESOURCE;
  results[0].of.resource = r;
  return NULL;
}

/* size: func(b: borrow<blob>) -> u32 */
static wasmpool_error_t *host_size(void *env, wasmpool_component_caller_t *caller,
                                   const wasmpool_component_val_t *args, size_t nargs,
                                   wasmpool_component_val_t *results, size_t nresults) {
  (void)env;
  (void)caller;
  CHECK(nargs == 1 && nresults == 1 && args[0].kind == WASMPOOL_COMPONENT_VALKIND_RESOURCE);
  CHECK(!wasmpool_component_resource_owned(args[0].of.resource));
  blob_t *b = wasmpool_component_resource_data(args[0].of.resource, blob_type);
  if (b == NULL) return wasmpool_trap_new("size: not a live blob");
  CHECK(b->destroyed == 0);
  results[0].kind = WASMPOOL_COMPONENT_VALKIND_U32;
  results[0].of.u32 = b->size;
  return NULL;
}

static wasmpool_component_val_t resource_val(wasmpool_component_resource_t *r) {
  wasmpool_component_val_t v = cv_kind(WASMPOOL_COMPONENT_VALKIND_RESOURCE);
  v.of.resource = r;
  return v;
}

static uint32_t call_u32(wasmpool_component_instance_t *inst, const char *name,
                         wasmpool_component_val_t arg) {
  wasmpool_component_val_t out;
  OK(wasmpool_component_instance_call(inst, name, &arg, 1, &out, 1));
  CHECK(out.kind == WASMPOOL_COMPONENT_VALKIND_U32);
  return out.of.u32;
}

static wasmpool_component_resource_t *call_resource(wasmpool_component_instance_t *inst,
                                                    const char *name, wasmpool_component_val_t arg) {
  wasmpool_component_val_t out;
  OK(wasmpool_component_instance_call(inst, name, &arg, 1, &out, 1));
  CHECK(out.kind == WASMPOOL_COMPONENT_VALKIND_RESOURCE && out.of.resource != NULL);
  wasmpool_component_resource_t *r = out.of.resource;
  wasmpool_component_val_delete(&out); /* frees nothing of the handle: the store owns it */
  return r;
}

static bool call_release(wasmpool_component_instance_t *inst) {
  wasmpool_component_val_t out;
  OK(wasmpool_component_instance_call(inst, "release", NULL, 0, &out, 1));
  CHECK(out.kind == WASMPOOL_COMPONENT_VALKIND_BOOL);
  return out.of.boolean;
}

int main(void) {
  char path[4096];
  guest_file(path, sizeof path, "res.wasm");

  wasmpool_config_t *cfg = small_pool(4);
  wasmpool_engine_t *engine = engine_from(cfg);
  wasmpool_config_delete(cfg);
  wasmpool_component_t *component = NULL;
  OK(wasmpool_component_new_file(engine, path, &component));

  /* The listing gives each export's parameter and result types; the resource ones are RESOURCE. */
  size_t nexports = wasmpool_component_export_count(component);
  bool saw_peek = false;
  for (size_t i = 0; i < nexports; i++) {
    wasmpool_component_item_t item;
    OK(wasmpool_component_export(component, i, &item));
    if (strcmp(item.name, "peek") == 0) {
      saw_peek = true;
      CHECK(item.kind == WASMPOOL_COMPONENT_ITEM_FUNC);
      CHECK(item.nparams == 1 && item.nresults == 1);
      CHECK(strcmp(item.param_names[0], "b") == 0);
      CHECK(wasmpool_component_type_kind(item.param_types[0]) == WASMPOOL_COMPONENT_VALKIND_RESOURCE);
      CHECK(wasmpool_component_type_kind(item.result_types[0]) == WASMPOOL_COMPONENT_VALKIND_U32);
    }
  }
  CHECK(saw_peek);

  OK(wasmpool_component_resource_type_new(destroy_blob, &destructor_calls, finalize_type, &blob_type));
  wasmpool_component_linker_t *linker = NULL;
  OK(wasmpool_component_linker_new(engine, &linker));
  OK(wasmpool_component_linker_define_resource(linker, IFACE, "blob", blob_type));
  EXPECT_ERR(wasmpool_component_linker_define_resource(linker, IFACE, "blob", blob_type),
             WASMPOOL_ERROR_LINK);
  OK(wasmpool_component_linker_define_func(linker, IFACE, "make", host_make, NULL, NULL));
  OK(wasmpool_component_linker_define_func(linker, IFACE, "size", host_size, NULL, NULL));
  wasmpool_component_pre_t *pre = NULL;
  OK(wasmpool_component_linker_instantiate_pre(linker, component, &pre));
  wasmpool_component_linker_delete(linker);

  wasmpool_store_t *store = NULL;
  OK(wasmpool_store_new(engine, &store));
  wasmpool_component_instance_t *inst = NULL;
  OK(wasmpool_component_pre_instantiate(pre, store, &inst));

  /* Lend: the host's own object, lent to the guest, which lends it back to `size`. */
  blob_t *seven = new_blob(7);
  wasmpool_component_resource_t *r7 = NULL;
  OK(wasmpool_component_resource_new(store, blob_type, seven, &r7));
  CHECK(wasmpool_component_resource_owned(r7));
  CHECK(wasmpool_component_resource_data(r7, blob_type) == seven);
  CHECK(call_u32(inst, "peek", resource_val(r7)) == 7);
  CHECK(call_u32(inst, "peek", resource_val(r7)) == 7); /* lending does not spend it */
  CHECK(destructor_calls == 0);

  /* Move through the guest and back: the handle that returns leads to the same object, and
   * the one passed in is spent. */
  wasmpool_component_resource_t *back = call_resource(inst, "pass", resource_val(r7));
  CHECK(wasmpool_component_resource_owned(back));
  CHECK(wasmpool_component_resource_data(back, blob_type) == seven);
  CHECK(wasmpool_component_resource_data(r7, blob_type) == NULL);
  wasmpool_component_val_t spent = resource_val(r7);
  wasmpool_component_val_t ignored;
  EXPECT_ERR_MSG(wasmpool_component_instance_call(inst, "pass", &spent, 1, &ignored, 1),
                 WASMPOOL_ERROR_INVALID_ARGUMENT, "argument 0: the resource handle was already passed on");
  CHECK(destructor_calls == 0);

  /* Give it to the guest, which keeps it, then drops it: the destructor runs then, once. */
  wasmpool_component_val_t arg = resource_val(back);
  OK(wasmpool_component_instance_call(inst, "keep", &arg, 1, NULL, 0));
  CHECK(destructor_calls == 0);
  CHECK(call_release(inst));
  CHECK(destructor_calls == 1 && seven->destroyed == 1);
  CHECK(!call_release(inst));

  /* The guest asks the host for a blob, reads it back through a borrow and drops it. */
  CHECK(call_u32(inst, "make-and-drop", cv_u32(5)) == 5);
  CHECK(destructor_calls == 2 && objects[nobjects - 1]->size == 5 && objects[nobjects - 1]->destroyed == 1);

  /* A blob the host made inside a host function, handed to the host: the host drops it. */
  wasmpool_component_resource_t *nine = call_resource(inst, "make-one", cv_u32(9));
  blob_t *nine_blob = wasmpool_component_resource_data(nine, blob_type);
  CHECK(nine_blob != NULL && nine_blob->size == 9 && nine_blob->destroyed == 0);
  OK(wasmpool_component_resource_drop(store, nine));
  CHECK(destructor_calls == 3 && nine_blob->destroyed == 1);
  EXPECT_ERR_MSG(wasmpool_component_resource_drop(store, nine), WASMPOOL_ERROR_INVALID_ARGUMENT,
                 "already passed on");
  CHECK(destructor_calls == 3);

  /* A handle of another host type is refused where a blob is expected, with where it was. */
  wasmpool_component_resource_type_t *other_type = NULL;
  OK(wasmpool_component_resource_type_new(NULL, NULL, NULL, &other_type));
  wasmpool_component_resource_t *other = NULL;
  int other_object = 0;
  OK(wasmpool_component_resource_new(store, other_type, &other_object, &other));
  CHECK(wasmpool_component_resource_data(other, blob_type) == NULL);
  CHECK(wasmpool_component_resource_data(other, other_type) == &other_object);
  wasmpool_component_val_t wrong = resource_val(other);
  EXPECT_ERR_MSG(wasmpool_component_instance_call(inst, "peek", &wrong, 1, &ignored, 1),
                 WASMPOOL_ERROR_INVALID_ARGUMENT, "argument 0: the resource handle is of another resource type");
  wasmpool_component_resource_type_delete(other_type);
  /* A value of another kind where a resource is expected. */
  EXPECT_ERR_MSG(wasmpool_component_instance_call(inst, "peek", (wasmpool_component_val_t[]){cv_u32(1)}, 1, &ignored, 1),
                 WASMPOOL_ERROR_INVALID_ARGUMENT, "argument 0");

  /* Left for the store: a blob the host never handed out, and one the guest keeps. */
  wasmpool_component_resource_t *kept = NULL, *unused = NULL;
  blob_t *kept_blob = new_blob(11), *unused_blob = new_blob(12);
  OK(wasmpool_component_resource_new(store, blob_type, kept_blob, &kept));
  OK(wasmpool_component_resource_new(store, blob_type, unused_blob, &unused));
  arg = resource_val(kept);
  OK(wasmpool_component_instance_call(inst, "keep", &arg, 1, NULL, 0));
  CHECK(destructor_calls == 3);
  wasmpool_store_delete(store);
  CHECK(destructor_calls == 5 && kept_blob->destroyed == 1 && unused_blob->destroyed == 1);

  /* A fresh instance per request through the same pre: objects never leak between stores. */
  for (int request = 0; request < 20; request++) {
    OK(wasmpool_store_new(engine, &store));
    OK(wasmpool_component_pre_instantiate(pre, store, &inst));
    CHECK(call_u32(inst, "make-and-drop", cv_u32((uint32_t)request)) == (uint32_t)request);
    wasmpool_store_delete(store);
  }
  CHECK(destructor_calls == 25);

  /* Bad arguments name themselves. */
  EXPECT_ERR(wasmpool_component_resource_type_new(NULL, NULL, NULL, NULL), WASMPOOL_ERROR_INVALID_ARGUMENT);
  EXPECT_ERR(wasmpool_component_resource_new(NULL, blob_type, NULL, &other), WASMPOOL_ERROR_INVALID_ARGUMENT);
  CHECK(wasmpool_component_resource_data(NULL, blob_type) == NULL);
  CHECK(!wasmpool_component_resource_owned(NULL));

  /* The type's finalizer runs once, after the last user (the pre) is gone. */
  wasmpool_component_resource_type_delete(blob_type);
  CHECK(finalized == 0);
  wasmpool_component_pre_delete(pre);
  CHECK(finalized == 1);

  for (size_t i = 0; i < nobjects; i++) {
    CHECK(objects[i]->destroyed == 1);
    free(objects[i]);
  }
  wasmpool_component_delete(component);
  wasmpool_engine_delete(engine);
  printf("resources: %zu objects, each destroyed once\n", nobjects);
  return 0;
}
