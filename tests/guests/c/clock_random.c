/* Clocks and randomness: prints "realtime_ok", "monotonic_ok" when the clocks read sane values
 * (realtime after 2020, monotonic not going backwards), and "random <32 hex digits>" from
 * getentropy. Exits 1 on failure. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void) {
  struct timespec rt, m1, m2;
  if (clock_gettime(CLOCK_REALTIME, &rt) != 0 || rt.tv_sec < 1577836800) {
    fputs("realtime clock unusable\n", stderr);
    return 1;
  }
  puts("realtime_ok");
  if (clock_gettime(CLOCK_MONOTONIC, &m1) != 0 || clock_gettime(CLOCK_MONOTONIC, &m2) != 0 ||
      m2.tv_sec < m1.tv_sec || (m2.tv_sec == m1.tv_sec && m2.tv_nsec < m1.tv_nsec)) {
    fputs("monotonic clock unusable\n", stderr);
    return 1;
  }
  puts("monotonic_ok");
  unsigned char bytes[16];
  if (getentropy(bytes, sizeof bytes) != 0) {
    fputs("getentropy failed\n", stderr);
    return 1;
  }
  fputs("random ", stdout);
  for (size_t i = 0; i < sizeof bytes; i++) printf("%02x", bytes[i]);
  putchar('\n');
  return 0;
}
