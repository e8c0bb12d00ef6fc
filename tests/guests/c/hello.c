/* The smallest command: one line on stdout, exit 0. */
#include <stdio.h>

int main(void) {
  puts("hello from a wasm32-wasip1 guest");
  return 0;
}
