/* A guest that owns neither its memory nor its function table: built with
 * wasm-ld's --import-memory and --import-table, it imports `env.memory` and
 * `env.__indirect_function_table`, which the host creates
 * (wasmpool_memory_new, wasmpool_table_new) and defines in a linker. The
 * linker's data and element segments are written into them at
 * instantiation, so the host sees the guest's static data and its function
 * pointers (table indices) in its own handles. Freestanding: no libc, no
 * WASI imports, no headers (on wasm32, int is 32 bits and a pointer fits an
 * unsigned long). */
typedef int (*op_t)(int, int);

static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }

/* Function pointers in data: the linker puts both functions in the table. */
static op_t volatile ops[2] = {add, mul};

static const char greeting[] = "hello from the guest, call ";
static char buffer[64];

/* The table index of operation `which` (0: add, 1: mul). */
__attribute__((export_name("op_index"))) int op_index(int which) {
  return (int)(unsigned long)ops[which & 1];
}

/* Calls operation `which` through the table (call_indirect). */
__attribute__((export_name("apply"))) int apply(int which, int a, int b) {
  return ops[which & 1](a, b);
}

/* Writes "hello from the guest, call <n>" (NUL-terminated) to a static
 * buffer and returns its address in the imported memory. */
__attribute__((export_name("greet"))) int greet(int n) {
  static int calls;
  unsigned i = 0;
  for (; greeting[i] != '\0'; i++) buffer[i] = greeting[i];
  char digits[12];
  unsigned d = 0, v = (unsigned)n;
  do {
    digits[d++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (d > 0) buffer[i++] = digits[--d];
  buffer[i] = '\0';
  calls++;
  return (int)(unsigned long)buffer;
}
