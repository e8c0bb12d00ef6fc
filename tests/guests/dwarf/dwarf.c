/* A guest built with DWARF debug information (-g), for source lines in trap backtraces: `crash`
 * calls `divide`, whose division traps when the divisor is 0. The test finds the lines it
 * expects by the markers in the comments below (so they may move), and asserts them exactly.
 * Freestanding: no libc, no WASI, no headers. */

/* Not inlined, so that it has a frame of its own in the backtrace. */
__attribute__((noinline)) static int divide(int a, int volatile *b) {
  return a / *b; /* trap-line: the i32.div_s traps here */
}

__attribute__((export_name("crash"))) int crash(int x) {
  int volatile divisor = x;
  return divide(100, &divisor) + 1; /* call-line: crash calls divide here */
}
