/* The `res` world (wit/res.wit) in C, on the bindings wit-bindgen generates (res.h, res.c,
 * res_component_type.o, in the build tree). The guest keeps at most one blob, in a global. */
#include "res.h"

static res_own_blob_t kept;
static bool have_kept;

uint32_t exports_res_peek(res_borrow_blob_t b) {
  /* A borrow the host lent us, lent on to the host again: the host sees its own object. The
   * component model wants an export to drop the borrows it was given before it returns (the
   * C bindings leave that to the guest). */
  uint32_t size = wasmpool_res_blobs_size(b);
  wasmpool_res_blobs_blob_drop_borrow(b);
  return size;
}

res_own_blob_t exports_res_pass(res_own_blob_t b) { return b; }

void exports_res_keep(res_own_blob_t b) {
  if (have_kept) {
    wasmpool_res_blobs_blob_drop_own(kept);
  }
  kept = b;
  have_kept = true;
}

bool exports_res_release(void) {
  if (!have_kept) {
    return false;
  }
  wasmpool_res_blobs_blob_drop_own(kept);
  have_kept = false;
  return true;
}

uint32_t exports_res_make_and_drop(uint32_t size) {
  res_own_blob_t b = wasmpool_res_blobs_make(size);
  uint32_t seen = wasmpool_res_blobs_size(wasmpool_res_blobs_borrow_blob(b));
  wasmpool_res_blobs_blob_drop_own(b);
  return seen;
}

res_own_blob_t exports_res_make_one(uint32_t size) { return wasmpool_res_blobs_make(size); }
