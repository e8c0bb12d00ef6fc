// The header compiles on its own as C++17 (no other include before it), its declarations have
// C linkage (this links), and the names are usable from C++.
#include <wasmpool.h>

#include <cstdio>

int main() {
  constexpr int major = WASMPOOL_VERSION_MAJOR;
  wasmpool_config_t *cfg = wasmpool_config_new();
  if (cfg == nullptr) {
    std::fprintf(stderr, "wasmpool_config_new returned NULL\n");
    return 1;
  }
  wasmpool_config_delete(cfg);
  wasmpool_config_delete(nullptr);  // delete accepts NULL
  std::printf("wasmpool.h ok as C++ (version major %d)\n", major);
  return 0;
}
