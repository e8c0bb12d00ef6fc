/* Arguments, environment and stdin in; stdout and stderr out.
 *
 * stdout: "argc=N", one "argv[i]=..." line per argument, "env NAME=VALUE" for each variable
 * whose name starts with WASMPOOL_, then "stdin=<bytes>" and "stdin_len=N" for everything read
 * from stdin; stderr: "to stderr: <argc> args". Exit 0. */
#include <stdio.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  for (char **e = environ; e != NULL && *e != NULL; e++) {
    if (strncmp(*e, "WASMPOOL_", 9) == 0) printf("env %s\n", *e);
  }
  char buf[4096];
  size_t total = 0, n;
  fputs("stdin=", stdout);
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    fwrite(buf, 1, n, stdout);
    total += n;
  }
  printf("\nstdin_len=%zu\n", total);
  fprintf(stderr, "to stderr: %d args\n", argc);
  return 0;
}
