/* Files in a preopened directory: create, write, list, read back, delete.
 *
 * The directory is argv[1] (default "/data"). Prints "created", the directory listing as
 * "entry <name>" lines (only names starting with "wasmpool-"), "read <contents>", "deleted",
 * "gone" once the file no longer opens. Exits 1 (with the reason on stderr) on any failure. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int fail(const char *what, const char *path) {
  fprintf(stderr, "%s %s: %s\n", what, path, strerror(errno));
  return 1;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "/data";
  char path[512];
  snprintf(path, sizeof path, "%s/wasmpool-guest.txt", dir);

  FILE *f = fopen(path, "w");
  if (f == NULL) return fail("create", path);
  fputs("written by the files guest", f);
  if (fclose(f) != 0) return fail("close", path);
  puts("created");

  DIR *d = opendir(dir);
  if (d == NULL) return fail("opendir", dir);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, "wasmpool-", 9) == 0) printf("entry %s\n", e->d_name);
  }
  closedir(d);

  char buf[128];
  f = fopen(path, "r");
  if (f == NULL) return fail("open", path);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  printf("read %s\n", buf);

  if (unlink(path) != 0) return fail("unlink", path);
  puts("deleted");
  if (fopen(path, "r") == NULL && errno == ENOENT) puts("gone");
  return 0;
}
