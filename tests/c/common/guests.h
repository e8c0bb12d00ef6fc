/* Where the built test guests are (tests/guests/README.md): WASMPOOL_GUESTS_DIR, which the build
 * defines as <build>/guests (the environment variable of that name overrides it), and
 * WASMPOOL_GUESTS_MISSING, why the build could not make them (empty when it could). */
#ifndef WASMPOOL_TESTS_GUESTS_H
#define WASMPOOL_TESTS_GUESTS_H

#include <stdio.h>
#include <stdlib.h>

#ifndef WASMPOOL_GUESTS_DIR
#define WASMPOOL_GUESTS_DIR ""
#endif
#ifndef WASMPOOL_GUESTS_MISSING
#define WASMPOOL_GUESTS_MISSING ""
#endif

static inline const char *guests_dir(void) {
  const char *env = getenv("WASMPOOL_GUESTS_DIR");
  return env != NULL && env[0] != '\0' ? env : WASMPOOL_GUESTS_DIR;
}

/* "<guests>/<relative>" in buf; a missing guest fails the test, saying what was missing when
 * the build could not make the guests. */
static inline void guest_file(char *buf, size_t cap, const char *relative) {
  snprintf(buf, cap, "%s/%s", guests_dir(), relative);
  FILE *f = fopen(buf, "rb");
  if (f == NULL) {
    fprintf(stderr, "test guest %s is missing (%s)\n", buf,
            WASMPOOL_GUESTS_MISSING[0] ? WASMPOOL_GUESTS_MISSING : "the build did not make it");
    exit(1);
  }
  fclose(f);
}

#endif
