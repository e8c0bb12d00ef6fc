/* What the tools (wasmpool-run, wasmpool-serve) share: the names of the trap codes, reading a
 * whole file, and reading a numeric option. Include it after the tool's own
 * `static void die(const char *what, const char *fmt, ...)`, which these call to exit with the
 * tool's one-line error. */
#ifndef WASMPOOL_TOOL_UTIL_H
#define WASMPOOL_TOOL_UTIL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wasmpool.h>

/* Indexed by wasmpool_trap_code_t. */
static const char *const TRAP_NAMES[] = {
    "stack overflow", "memory out of bounds", "heap misaligned", "table out of bounds",
    "indirect call to null", "bad signature", "integer overflow", "integer division by zero",
    "bad conversion to integer", "unreachable", "interrupt", "out of fuel", "null reference",
    "array out of bounds", "allocation too large", "cast failure", "host", "other",
    "unknown import",
};

/* The whole file at `path` (malloc'd, `*len` bytes); a failure is the tool's one-line error. */
static uint8_t *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) die("cannot read", "%s: %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0, got;
  uint8_t *buf = malloc(cap);
  if (buf == NULL) die("out of memory", "reading %s", path);
  while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      cap *= 2;
      uint8_t *bigger = realloc(buf, cap);
      if (bigger == NULL) die("out of memory", "reading %s", path);
      buf = bigger;
    }
  }
  int failed = ferror(f);
  fclose(f);
  if (failed) die("cannot read", "%s: read error", path);
  *len = n;
  return buf;
}

/* The value of option `opt` as a non-negative decimal integer; anything else is a usage error. */
static uint64_t parse_u64(const char *opt, const char *s) {
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (s[0] == '\0' || s[0] == '-' || *end != '\0' || errno != 0)
    die("usage", "%s takes a non-negative integer, not `%s`", opt, s);
  return (uint64_t)v;
}

#endif
