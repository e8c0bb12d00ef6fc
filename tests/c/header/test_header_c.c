/* The header compiles on its own as C11 (no other include before it) and links. */
#include <wasmpool.h>

#include <stdio.h>

int main(void) {
  int major = WASMPOOL_VERSION_MAJOR;
  wasmpool_config_t *cfg = wasmpool_config_new();
  if (cfg == NULL) {
    fprintf(stderr, "wasmpool_config_new returned NULL\n");
    return 1;
  }
  wasmpool_config_delete(cfg);
  wasmpool_config_delete(NULL); /* delete accepts NULL */
  printf("wasmpool.h ok as C (version major %d)\n", major);
  return 0;
}
