/* Tries to leave its preopened directories and to write to a read-only one.
 *
 * argv[1]: a read-write preopen (default "/data"), argv[2]: a read-only preopen (default "/ro"),
 * argv[3]: the host's absolute path of a file outside both (optional). The host puts, under the
 * read-write preopen, `link-dir` (a symlink to the directory above the preopen) and `link-file`
 * (a symlink to a file outside), and in the read-only preopen a file `ro.txt`.
 *
 * Prints one line per attempt: "refused <what>" when the sandbox said no, "ESCAPED <what>" when
 * it did not; then "read-ok <contents of ro.txt>" and "write-ok" for what must work. Exits 0
 * when every escape was refused and the allowed operations worked, else 1. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures = 0;

static void must_fail(const char *what, int succeeded) {
  if (succeeded) {
    printf("ESCAPED %s\n", what);
    failures++;
  } else {
    printf("refused %s\n", what);
  }
}

static int opens(const char *path, int flags) {
  int fd = open(path, flags, 0644);
  if (fd < 0) return 0;
  close(fd);
  return 1;
}

int main(int argc, char **argv) {
  const char *rw = argc > 1 ? argv[1] : "/data";
  const char *ro = argc > 2 ? argv[2] : "/ro";
  char p[1024];

  snprintf(p, sizeof p, "%s/../secret.txt", rw);
  must_fail("dotdot", opens(p, O_RDONLY));
  snprintf(p, sizeof p, "%s/sub/../../secret.txt", rw);
  must_fail("dotdot-nested", opens(p, O_RDONLY));
  if (argc > 3) must_fail("absolute", opens(argv[3], O_RDONLY));
  must_fail("absolute-etc", opens("/etc/passwd", O_RDONLY));
  snprintf(p, sizeof p, "%s/link-dir/secret.txt", rw);
  must_fail("symlink-dir", opens(p, O_RDONLY));
  snprintf(p, sizeof p, "%s/link-file", rw);
  must_fail("symlink-file", opens(p, O_RDONLY));

  snprintf(p, sizeof p, "%s/new.txt", ro);
  must_fail("ro-create", opens(p, O_WRONLY | O_CREAT | O_TRUNC));
  snprintf(p, sizeof p, "%s/ro.txt", ro);
  must_fail("ro-write", opens(p, O_WRONLY));
  must_fail("ro-unlink", unlink(p) == 0);
  snprintf(p, sizeof p, "%s/dir", ro);
  must_fail("ro-mkdir", mkdir(p, 0755) == 0);

  snprintf(p, sizeof p, "%s/ro.txt", ro);
  FILE *f = fopen(p, "r");
  if (f == NULL) {
    printf("read-failed %s\n", p);
    failures++;
  } else {
    char buf[64];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    printf("read-ok %s\n", buf);
  }

  snprintf(p, sizeof p, "%s/written.txt", rw);
  f = fopen(p, "w");
  if (f == NULL || fputs("ok", f) < 0 || fclose(f) != 0) {
    printf("write-failed %s\n", p);
    failures++;
  } else {
    puts("write-ok");
  }
  return failures == 0 ? 0 : 1;
}
