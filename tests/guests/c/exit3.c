/* Exits with code 3 (through exit(), i.e. proc_exit / wasi:cli/exit), after one line. */
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  puts("exiting with 3");
  fflush(stdout);
  exit(3);
}
