/* wasmpool-serve: serves a wasi:http/proxy component over HTTP/1.1, a fresh pooled instance per
 * request, like `wasmtime serve`. Written in C on the public header only, on libmicrohttpd.
 *
 *   wasmpool-serve [OPTIONS] FILE
 *
 *   --addr HOST:PORT        where to listen (default 0.0.0.0:8080; [::1]:8080 for IPv6; port 0
 *                           picks a free port). The bound address is printed on stdout, one line:
 *                           "wasmpool-serve: listening on http://HOST:PORT/"
 *   --threads N             worker threads that run guests, one request each at a time
 *                           (default: the number of online CPUs). Connections are read and
 *                           written by libmicrohttpd's internal thread pool of the same size
 *                           (epoll where the system has it), HTTP/1.1 with keep-alive; a request
 *                           whose body is in waits, suspended, for a free worker, so a slow guest
 *                           holds up no other connection (the server's only connection, with N >
 *                           1, runs its guests on its connection thread: nothing to hold up, and
 *                           no thread hand-off). A guest that waits (a timer, an outgoing
 *                           request) keeps its worker while it waits: for guests that mostly
 *                           wait, N above the number of CPUs serves more of them at once
 *   --max-instances M       the pool's size, through wasmpool_config_new_server(M) (default 64,
 *                           raised to --threads if that is larger: at most one instance per
 *                           worker is live at a time, the rest keeps warm slots for reuse)
 *   --slot-wait-ms MS       how long a request waits for a free slot when the pool is full
 *                           (default: the server preset's); after that it gets 503
 *   --timeout-ms MS         interrupt a guest that runs longer than MS milliseconds (epoch
 *                           deadline); the request gets 500 (default 0: no limit)
 *   --max-body BYTES        the largest request body taken (default 64 MiB); larger: 413
 *   --metrics-path PATH     answer GET PATH with the pool's metrics as JSON instead of handing
 *                           it to the guest (default: off), e.g. /.well-known/wasmpool/metrics;
 *                           with them the configuration's footprint (wasmpool_config_footprint:
 *                           address space reserved, the bound of what warm slots keep resident)
 *   --env NAME=VALUE        an environment variable for the guest (--env NAME: the host's value)
 *   --allow-http AUTHORITY  let the guest send outgoing requests to AUTHORITY (HOST:PORT);
 *                           repeatable; default: every outgoing request is denied
 *   --precompile OUT        compile FILE with this configuration, write its precompiled form to
 *                           OUT and exit 0 (serve OUT later with the same --timeout-ms, which
 *                           changes the compiled code)
 *
 * FILE is a component in the binary or text format, or a precompiled component (from
 * --precompile, or wasmpool-run --precompile). It is compiled once and linked once; every
 * request gets a fresh store and instance from the pool (wasmpool_http_handle) with the guest's
 * stdout and stderr inherited; the preset's engine is async, so the guest runs on a pooled fiber
 * stack and the worker's thread alone serves the request. The request body is collected whole, the response body is sent
 * from the response the library returned (no copy).
 *
 * Answers that do not come from the guest: 503 when the pool stays full for --slot-wait-ms
 * (POOL_EXHAUSTED); 500 when the guest traps, is interrupted, runs out of fuel or gives an
 * invalid response (one line on stderr each: "wasmpool-serve: 500 METHOD PATH: <why>"); 413 for a
 * body over --max-body; 400 for a request the guest cannot be handed (a header HTTP does not
 * allow, a request target that is not a path).
 *
 * SIGINT or SIGTERM: stop accepting connections, let the requests in flight finish (their
 * responses carry "Connection: close"), close the rest, free everything and exit 0. A second
 * signal while waiting exits at once with 1.
 *
 * Exit codes: 0 after a clean shutdown (or --precompile, --help); 125 for wasmpool-serve's own
 * failures before serving (bad usage, a missing or unreadable file, a malformed component, a
 * component that is not a wasi:http/proxy, an address it cannot listen on), with one line on
 * stderr, "wasmpool-serve: <what>: <why>". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <wasmpool.h>

#define EXIT_FAILURE_SERVE 125

static const char USAGE[] =
    "usage: wasmpool-serve [--addr HOST:PORT] [--threads N] [--max-instances M] [--slot-wait-ms MS] "
    "[--timeout-ms MS] [--max-body BYTES] [--metrics-path PATH] [--env NAME=VALUE]... "
    "[--allow-http AUTHORITY]... [--precompile OUT] FILE (exit codes: 0 after SIGINT/SIGTERM, "
    "125 for bad usage or a file, component or address it cannot serve)";

/* Collapses `msg` to one line: each further non-blank line after "; ", without its indent. */
static void one_line(char *out, size_t cap, const char *msg) {
  size_t n = 0;
  for (const char *p = msg; *p && n + 3 < cap; p++) {
    if (*p == '\n' || *p == '\r') {
      while (p[1] == '\n' || p[1] == '\r' || p[1] == ' ' || p[1] == '\t') p++;
      if (p[1] != '\0') {
        out[n++] = ';';
        out[n++] = ' ';
      }
    } else {
      out[n++] = *p;
    }
  }
  out[n] = '\0';
}

/* Prints "wasmpool-serve: <what>: <message>" on one line and exits with 125. */
static void die(const char *what, const char *fmt, ...) {
  char msg[4096], line[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  one_line(line, sizeof line, msg);
  fprintf(stderr, "wasmpool-serve: %s: %s\n", what, line);
  exit(EXIT_FAILURE_SERVE);
}

#include "tool_util.h"

/* A short label for what `err` is: "trap (unreachable)", "interrupted", ... */
static void error_label(const wasmpool_error_t *err, char *out, size_t cap) {
  switch (wasmpool_error_kind(err)) {
    case WASMPOOL_ERROR_TRAP: {
      wasmpool_trap_code_t code;
      if (wasmpool_error_trap_code(err, &code) && (size_t)code < sizeof TRAP_NAMES / sizeof TRAP_NAMES[0])
        snprintf(out, cap, "trap (%s)", TRAP_NAMES[code]);
      else
        snprintf(out, cap, "trap");
      break;
    }
    case WASMPOOL_ERROR_INTERRUPTED: snprintf(out, cap, "interrupted (--timeout-ms passed)"); break;
    case WASMPOOL_ERROR_OUT_OF_FUEL: snprintf(out, cap, "out of fuel"); break;
    case WASMPOOL_ERROR_POOL_EXHAUSTED: snprintf(out, cap, "pool exhausted"); break;
    case WASMPOOL_ERROR_COMPILE: snprintf(out, cap, "malformed"); break;
    case WASMPOOL_ERROR_LINK: snprintf(out, cap, "link"); break;
    case WASMPOOL_ERROR_IO: snprintf(out, cap, "io"); break;
    case WASMPOOL_ERROR_OTHER: snprintf(out, cap, "invalid response"); break;
    default: snprintf(out, cap, "error"); break;
  }
}

#define TRY(what, expr)                                                     \
  do {                                                                      \
    wasmpool_error_t *try_err_ = (expr);                                    \
    if (try_err_ != NULL) die(what, "%s", wasmpool_error_message(try_err_)); \
  } while (0)


/* ---- options ------------------------------------------------------------------------------- */

typedef struct options {
  const char *addr, *file, *metrics_path, *precompile;
  wasmpool_wasi_config_t *wasi;
  wasmpool_http_config_t *http;
  uint64_t threads, max_instances, slot_wait_ms, timeout_ms, max_body;
  int has_slot_wait;
} options_t;

static void parse_args(int argc, char **argv, options_t *o) {
  o->addr = "0.0.0.0:8080";
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  o->threads = cpus > 0 ? (uint64_t)cpus : 1;
  o->max_body = 64u << 20;
  o->wasi = wasmpool_wasi_config_new();
  if (o->wasi == NULL) die("out of memory", "WASI configuration");
  TRY("wasi", wasmpool_wasi_config_stdout_inherit(o->wasi));
  TRY("wasi", wasmpool_wasi_config_stderr_inherit(o->wasi));
  o->http = wasmpool_http_config_new();
  if (o->http == NULL) die("out of memory", "HTTP configuration");
  int i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
    const char *opt = argv[i];
    if (strcmp(opt, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(opt, "--help") == 0) {
      puts(USAGE);
      exit(0);
    }
    if (i + 1 >= argc) die("usage", "%s needs a value; %s", opt, USAGE);
    const char *val = argv[++i];
    if (strcmp(opt, "--addr") == 0) {
      o->addr = val;
    } else if (strcmp(opt, "--threads") == 0) {
      o->threads = parse_u64(opt, val);
      if (o->threads == 0 || o->threads > 1024) die("usage", "--threads takes 1 to 1024, not %s", val);
    } else if (strcmp(opt, "--max-instances") == 0) {
      o->max_instances = parse_u64(opt, val);
      if (o->max_instances == 0 || o->max_instances > 16777216)
        die("usage", "--max-instances takes 1 to 16777216, not %s", val);
    } else if (strcmp(opt, "--slot-wait-ms") == 0) {
      o->slot_wait_ms = parse_u64(opt, val);
      o->has_slot_wait = 1;
    } else if (strcmp(opt, "--timeout-ms") == 0) {
      o->timeout_ms = parse_u64(opt, val);
    } else if (strcmp(opt, "--max-body") == 0) {
      o->max_body = parse_u64(opt, val);
    } else if (strcmp(opt, "--metrics-path") == 0) {
      if (val[0] != '/') die("usage", "--metrics-path takes a path starting with '/', not `%s`", val);
      o->metrics_path = val;
    } else if (strcmp(opt, "--env") == 0) {
      char *name = strdup(val);
      if (name == NULL) die("out of memory", "--env");
      char *eq = strchr(name, '=');
      const char *value;
      if (eq != NULL) {
        *eq = '\0';
        value = eq + 1;
      } else {
        value = getenv(name);
        if (value == NULL) value = "";
      }
      TRY("--env", wasmpool_wasi_config_env_set(o->wasi, name, value));
      free(name);
    } else if (strcmp(opt, "--allow-http") == 0) {
      TRY("--allow-http", wasmpool_http_config_allow_authority(o->http, val));
    } else if (strcmp(opt, "--precompile") == 0) {
      o->precompile = val;
    } else {
      die("usage", "unknown option %s; %s", opt, USAGE);
    }
  }
  if (i >= argc) die("usage", "no FILE; %s", USAGE);
  if (i + 1 < argc) die("usage", "one FILE only, got `%s` after it; %s", argv[i + 1], USAGE);
  o->file = argv[i];
  if (o->max_instances == 0) o->max_instances = o->threads > 64 ? o->threads : 64;
}

/* ---- the component ------------------------------------------------------------------------- */

/* Whether WAT text starts with `(component` (after blanks and ;; comments). */
static int text_is_component(const uint8_t *b, size_t n) {
  size_t i = 0;
  for (;;) {
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) i++;
    if (i + 1 < n && b[i] == ';' && b[i + 1] == ';') {
      while (i < n && b[i] != '\n') i++;
      continue;
    }
    break;
  }
  if (i < n && b[i] == '(') i++;
  while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n')) i++;
  return n - i >= 9 && memcmp(b + i, "component", 9) == 0;
}

static wasmpool_component_t *load_component(wasmpool_engine_t *engine, const char *path) {
  size_t len = 0;
  uint8_t *bytes = read_all(path, &len);
  wasmpool_component_t *component = NULL;
  wasmpool_error_t *err = NULL;
  if (len >= 8 && memcmp(bytes, "\0asm", 4) == 0) {
    /* The layer field (bytes 6-7) is 0 for core modules, 1 for components. */
    if (bytes[6] == 0 && bytes[7] == 0)
      die("not a component", "%s is a core module; wasmpool-serve serves wasi:http/proxy components", path);
    err = wasmpool_component_new(engine, bytes, len, &component);
  } else if (len >= 4 && memcmp(bytes, "\x7f" "ELF", 4) == 0) {
    err = wasmpool_component_deserialize(engine, bytes, len, &component);
  } else {
    if (!text_is_component(bytes, len))
      die("not a component", "%s is not a component (binary, text or precompiled)", path);
    err = wasmpool_component_new(engine, bytes, len, &component);
  }
  free(bytes);
  if (err != NULL) die("malformed", "%s: %s", path, wasmpool_error_message(err));
  return component;
}

/* ---- the server ---------------------------------------------------------------------------- */

typedef struct request request_t;

typedef struct server {
  const options_t *opt;
  wasmpool_engine_t *engine;
  wasmpool_component_pre_t *pre;
  char authority[300]; /* the bound address, for requests without Host */
  wasmpool_footprint_t footprint; /* of the configuration, for the metrics path */
  uint32_t max_unused_warm_slots;
  atomic_int in_flight;
  atomic_int connections; /* open now (libmicrohttpd's connection notifications) */
  atomic_bool stopping;
  atomic_uint_fast64_t served, failed, exhausted;
  /* requests waiting for a worker, first in first out */
  pthread_mutex_t lock;
  pthread_cond_t ready;
  request_t *head, *tail;
  bool quit;
} server_t;

/* One request, from its request line (on_request_line) to the end of its response
 * (on_completed). A worker runs it while its connection is suspended. */
struct request {
  char *target; /* the request target as sent: path and query, not decoded */
  char *method;
  uint8_t *body;
  size_t len, cap;
  int started, too_large;
  enum { COLLECTING, RUNNING, ANSWERED } state;
  struct MHD_Connection *conn;
  wasmpool_http_request_t *req;      /* handed to the guest */
  struct MHD_Response *response;     /* the answer, queued when the connection resumes */
  unsigned status;
  request_t *next;
};

static void *on_request_line(void *cls, const char *uri, struct MHD_Connection *conn) {
  (void)conn;
  server_t *s = cls;
  request_t *r = calloc(1, sizeof *r);
  if (r == NULL) return NULL;
  r->target = strdup(uri);
  atomic_fetch_add(&s->in_flight, 1);
  return r;
}

/* Counts the open connections (MHD_OPTION_NOTIFY_CONNECTION). */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
  (void)conn;
  (void)socket_context;
  server_t *s = cls;
  atomic_fetch_add(&s->connections, code == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode why) {
  (void)conn;
  (void)why;
  server_t *s = cls;
  request_t *r = *con_cls;
  if (r == NULL) return;
  if (r->response != NULL) MHD_destroy_response(r->response);
  wasmpool_http_request_delete(r->req);
  free(r->method);
  free(r->target);
  free(r->body);
  free(r);
  *con_cls = NULL;
  atomic_fetch_sub(&s->in_flight, 1);
}

/* Queues `resp` with `status` (and Connection: close while shutting down) and drops our
 * reference. */
static enum MHD_Result send_response(server_t *s, struct MHD_Connection *conn, unsigned status,
                                     struct MHD_Response *resp) {
  if (resp == NULL) return MHD_NO;
  if (atomic_load(&s->stopping)) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
  enum MHD_Result ret = MHD_queue_response(conn, status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static enum MHD_Result send_text(server_t *s, struct MHD_Connection *conn, unsigned status, const char *text) {
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
  if (resp != NULL) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
  return send_response(s, conn, status, resp);
}

static enum MHD_Result send_metrics(server_t *s, struct MHD_Connection *conn) {
  wasmpool_metrics_t m;
  memset(&m, 0, sizeof m);
  m.struct_size = sizeof m;
  wasmpool_error_t *err = wasmpool_engine_metrics(s->engine, &m);
  if (err != NULL) {
    wasmpool_error_delete(err);
    return send_text(s, conn, 500, "metrics unavailable\n");
  }
  char *json = NULL;
  int n = asprintf(
      &json,
      "{\"pooling\":%s,\"strategy\":\"%s\",\"requests_in_flight\":%d,\"requests_served\":%" PRIuFAST64
      ",\"requests_failed\":%" PRIuFAST64 ",\"requests_pool_exhausted\":%" PRIuFAST64
      ",\"live\":{\"component_instances\":%" PRIu64 ",\"core_instances\":%" PRIu64 ",\"memories\":%" PRIu64
      ",\"tables\":%" PRIu64 ",\"stacks\":%" PRIu64 ",\"gc_heaps\":%" PRIu64 "}"
      ",\"unused_warm\":{\"memories\":%" PRIu64 ",\"memory_bytes_resident\":%" PRIu64 ",\"tables\":%" PRIu64
      ",\"table_bytes_resident\":%" PRIu64 ",\"stacks\":%" PRIu64 ",\"stack_bytes_resident\":%" PRIu64 "}"
      ",\"capacity\":{\"component_instances\":%" PRIu64 ",\"core_instances\":%" PRIu64 ",\"memories\":%" PRIu64
      ",\"tables\":%" PRIu64 ",\"stacks\":%" PRIu64 ",\"gc_heaps\":%" PRIu64 "}"
      ",\"footprint\":{\"total_reserved\":%" PRIu64 ",\"instances_max\":%" PRIu64
      ",\"resident_per_warm_slot\":%" PRIu64 ",\"warm_resident_max\":%" PRIu64 ",\"max_unused_warm_slots\":%" PRIu32
      "}}\n",
      m.pooling ? "true" : "false",
      wasmpool_engine_strategy(s->engine) == WASMPOOL_STRATEGY_POOLING ? "pooling" : "on-demand",
      /* this request itself is one of them */
      atomic_load(&s->in_flight) - 1, atomic_load(&s->served), atomic_load(&s->failed),
      atomic_load(&s->exhausted), m.component_instances, m.core_instances, m.memories, m.tables, m.stacks,
      m.gc_heaps, m.unused_warm_memories, m.unused_memory_bytes_resident, m.unused_warm_tables,
      m.unused_table_bytes_resident, m.unused_warm_stacks, m.unused_stack_bytes_resident,
      m.total_component_instances, m.total_core_instances, m.total_memories, m.total_tables, m.total_stacks,
      m.total_gc_heaps, s->footprint.total_reserved, s->footprint.instances_max, s->footprint.resident_per_warm_slot,
      s->footprint.warm_resident_max, s->max_unused_warm_slots);
  if (n < 0) return MHD_NO;
  struct MHD_Response *resp = MHD_create_response_from_buffer((size_t)n, json, MHD_RESPMEM_MUST_FREE);
  if (resp == NULL) {
    free(json);
    return MHD_NO;
  }
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
  return send_response(s, conn, 200, resp);
}

/* Hop-by-hop headers (RFC 9110 7.6.1) and the framing headers that libmicrohttpd writes itself. */
static int hop_by_hop(const char *name) {
  static const char *const names[] = {"connection", "keep-alive", "proxy-connection", "transfer-encoding",
                                      "te", "trailer", "upgrade", "content-length", "host"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcasecmp(name, names[i]) == 0) return 1;
  return 0;
}

typedef struct {
  wasmpool_http_request_t *req;
  wasmpool_error_t *err;
} header_copy_t;

static enum MHD_Result copy_header(void *cls, enum MHD_ValueKind kind, const char *name, const char *value) {
  (void)kind;
  header_copy_t *c = cls;
  if (c->err != NULL || hop_by_hop(name)) return MHD_YES;
  c->err = wasmpool_http_request_header_add(c->req, name, (const uint8_t *)value, value ? strlen(value) : 0);
  return MHD_YES;
}

static void free_response(void *cls) { wasmpool_http_response_delete(cls); }

/* Logs one line for a request the guest could not answer. */
static void log_failure(const char *method, const char *target, unsigned status, const wasmpool_error_t *err) {
  char label[128], msg[2048];
  error_label(err, label, sizeof label);
  one_line(msg, sizeof msg, wasmpool_error_message(err));
  fprintf(stderr, "wasmpool-serve: %u %s %.512s: %s: %s\n", status, method, target, label, msg);
}

static struct MHD_Response *text_response(const char *text) {
  struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
  if (resp != NULL) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
  return resp;
}

/* Builds what the guest is handed, in the connection's thread (libmicrohttpd's values are read
 * there only). Returns NULL when the request is ready, else the 400 to send. */
static const char *prepare(server_t *s, struct MHD_Connection *conn, const char *method, request_t *r,
                           char *why, size_t cap) {
  const char *target = r->target != NULL ? r->target : "/";
  /* absolute-form targets (http://host/path) keep their path only */
  if (strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0) {
    const char *path = strchr(strstr(target, "//") + 2, '/');
    target = path != NULL ? path : "/";
  }
  if (target[0] != '/') return "the request target is not a path\n";
  const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
  wasmpool_error_t *err =
      wasmpool_http_request_new(method, "http", host != NULL && host[0] ? host : s->authority, target, &r->req);
  if (err == NULL) {
    header_copy_t copy = {r->req, NULL};
    MHD_get_connection_values(conn, MHD_HEADER_KIND, copy_header, &copy);
    err = copy.err;
  }
  if (err == NULL) err = wasmpool_http_request_body_set(r->req, r->body, r->len);
  free(r->body); /* the request holds its own copy */
  r->body = NULL;
  r->len = r->cap = 0;
  if (err != NULL) {
    char msg[1024];
    one_line(msg, sizeof msg, wasmpool_error_message(err));
    snprintf(why, cap, "bad request: %s\n", msg);
    wasmpool_error_delete(err);
    return why;
  }
  r->method = strdup(method);
  return r->method != NULL ? NULL : "out of memory\n";
}

/* Runs the request in a fresh store and instance (a worker thread, or the connection's thread when
 * it is the server's only connection) and makes the response. */
static void run(server_t *s, request_t *r) {
  const char *method = r->method, *target = r->target != NULL ? r->target : "";
  wasmpool_http_response_t *resp = NULL;
  wasmpool_store_t *store = NULL;
  wasmpool_error_t *err = wasmpool_store_new(s->engine, &store);
  if (err == NULL) err = wasmpool_store_wasi_set(store, s->opt->wasi);
  if (err == NULL) err = wasmpool_store_http_set(store, s->opt->http);
  if (err == NULL && s->opt->timeout_ms > 0) err = wasmpool_store_deadline_ms_set(store, s->opt->timeout_ms);
  if (err == NULL) err = wasmpool_http_handle(s->pre, store, r->req, &resp);
  wasmpool_store_delete(store); /* the instance's slots go back to the pool */
  wasmpool_http_request_delete(r->req);
  r->req = NULL;
  if (err != NULL) {
    if (wasmpool_error_kind(err) == WASMPOOL_ERROR_POOL_EXHAUSTED) {
      atomic_fetch_add(&s->exhausted, 1);
      wasmpool_error_delete(err);
      r->status = 503;
      r->response = text_response("no free instance slot; retry later\n");
      if (r->response != NULL) MHD_add_response_header(r->response, MHD_HTTP_HEADER_RETRY_AFTER, "1");
      return;
    }
    atomic_fetch_add(&s->failed, 1);
    log_failure(method, target, 500, err);
    wasmpool_error_delete(err);
    r->status = 500;
    r->response = text_response("internal server error\n");
    return;
  }

  uint16_t status = 500;
  const uint8_t *body = NULL;
  size_t len = 0, count = 0;
  if ((err = wasmpool_http_response_status(resp, &status)) != NULL ||
      (err = wasmpool_http_response_body(resp, &body, &len)) != NULL ||
      (err = wasmpool_http_response_header_count(resp, &count)) != NULL) {
    atomic_fetch_add(&s->failed, 1);
    log_failure(method, target, 500, err);
    wasmpool_error_delete(err);
    wasmpool_http_response_delete(resp);
    r->status = 500;
    r->response = text_response("internal server error\n");
    return;
  }
  /* The body stays in `resp`; libmicrohttpd frees it through free_response once it is sent. */
  struct MHD_Response *out =
      MHD_create_response_from_buffer_with_free_callback_cls(len, (void *)body, free_response, resp);
  if (out == NULL) {
    wasmpool_http_response_delete(resp);
    r->status = 500;
    return; /* no response: the connection is closed */
  }
  for (size_t i = 0; i < count; i++) {
    const char *name = NULL;
    const uint8_t *value = NULL;
    size_t vlen = 0;
    if (wasmpool_http_response_header_get(resp, i, &name, &value, &vlen) != NULL || hop_by_hop(name)) continue;
    char *v = strndup((const char *)value, vlen);
    if (v == NULL || MHD_add_response_header(out, name, v) != MHD_YES)
      fprintf(stderr, "wasmpool-serve: %s %.512s: the guest's header `%.200s` cannot be sent; dropped\n", method,
              target, name);
    free(v);
  }
  atomic_fetch_add(&s->served, 1);
  r->status = status;
  r->response = out;
}

/* A worker: takes suspended requests off the queue, runs them, resumes their connections. */
static void *worker_main(void *arg) {
  server_t *s = arg;
  for (;;) {
    pthread_mutex_lock(&s->lock);
    while (s->head == NULL && !s->quit) pthread_cond_wait(&s->ready, &s->lock);
    request_t *r = s->head;
    if (r == NULL) {
      pthread_mutex_unlock(&s->lock);
      return NULL;
    }
    s->head = r->next;
    if (s->head == NULL) s->tail = NULL;
    pthread_mutex_unlock(&s->lock);
    run(s, r);
    r->state = ANSWERED;
    MHD_resume_connection(r->conn);
  }
}

static void enqueue(server_t *s, request_t *r) {
  pthread_mutex_lock(&s->lock);
  r->next = NULL;
  if (s->tail != NULL) s->tail->next = r;
  else s->head = r;
  s->tail = r;
  pthread_cond_signal(&s->ready);
  pthread_mutex_unlock(&s->lock);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
  (void)url;
  (void)version;
  server_t *s = cls;
  request_t *r = *con_cls;
  if (r == NULL) return MHD_NO; /* out of memory at the request line */
  if (!r->started) {
    r->started = 1;
    const char *target = r->target != NULL ? r->target : "";
    size_t plen = strcspn(target, "?");
    if (s->opt->metrics_path != NULL && strlen(s->opt->metrics_path) == plen &&
        memcmp(target, s->opt->metrics_path, plen) == 0) {
      if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return send_text(s, conn, 405, "the metrics path answers GET only\n");
      return send_metrics(s, conn);
    }
    const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl != NULL) {
      unsigned long long n = strtoull(cl, NULL, 10);
      if (n > s->opt->max_body) return send_text(s, conn, 413, "request body larger than --max-body\n");
      if (n > 0) {
        r->body = malloc((size_t)n);
        r->cap = r->body != NULL ? (size_t)n : 0;
      }
    }
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    size_t n = *upload_data_size;
    *upload_data_size = 0;
    if (r->too_large) return MHD_YES; /* read and dropped, answered 413 at the end */
    if (n > s->opt->max_body - r->len) {
      r->too_large = 1;
      free(r->body);
      r->body = NULL;
      r->len = r->cap = 0;
      return MHD_YES;
    }
    if (r->len + n > r->cap) {
      size_t cap = r->cap ? r->cap : 65536;
      while (cap < r->len + n) cap *= 2;
      uint8_t *bigger = realloc(r->body, cap);
      if (bigger == NULL) return MHD_NO;
      r->body = bigger;
      r->cap = cap;
    }
    memcpy(r->body + r->len, upload_data, n);
    r->len += n;
    return MHD_YES;
  }
  if (r->state == ANSWERED) { /* resumed: the worker's answer */
    struct MHD_Response *resp = r->response;
    r->response = NULL;
    return send_response(s, conn, r->status, resp);
  }
  if (r->state == RUNNING) return MHD_YES;
  if (r->too_large) return send_text(s, conn, 413, "request body larger than --max-body\n");
  char why[1200];
  const char *bad = prepare(s, conn, method, r, why, sizeof why);
  if (bad != NULL) return send_text(s, conn, 400, bad);
  /* The server's only connection: running its guest on this connection thread holds up no other
   * connection (there is none; a new one is taken by another of libmicrohttpd's threads), and
   * saves the two thread wake-ups of the worker queue, most of a request's time on a quiet
   * server. With one thread there is no other to accept new connections meanwhile. */
  if (s->opt->threads > 1 && atomic_load(&s->connections) == 1) {
    run(s, r);
    struct MHD_Response *resp = r->response;
    r->response = NULL;
    return send_response(s, conn, r->status, resp);
  }
  /* Suspended before a worker can see it, so that its resume always follows. */
  r->state = RUNNING;
  r->conn = conn;
  MHD_suspend_connection(conn);
  enqueue(s, r);
  return MHD_YES;
}

/* A listening socket for HOST:PORT ([V6]:PORT); the bound address in `shown`. */
static int listen_on(const char *addr, char *shown, size_t cap) {
  char host[256], port[32];
  const char *colon = strrchr(addr, ':');
  if (colon == NULL || colon[1] == '\0') die("usage", "--addr takes HOST:PORT, not `%s`", addr);
  size_t hlen = (size_t)(colon - addr);
  const char *h = addr;
  if (hlen >= 2 && addr[0] == '[' && addr[hlen - 1] == ']') {
    h++;
    hlen -= 2;
  }
  if (hlen == 0 || hlen >= sizeof host || strlen(colon + 1) >= sizeof port)
    die("usage", "--addr takes HOST:PORT, not `%s`", addr);
  memcpy(host, h, hlen);
  host[hlen] = '\0';
  strcpy(port, colon + 1);
  struct addrinfo hints, *res = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  int rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0) die("cannot listen", "%s: %s", addr, gai_strerror(rc));
  int fd = -1, saved = 0;
  for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
      saved = errno;
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
      saved = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) die("cannot listen", "%s: %s", addr, strerror(saved));
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  char ip[INET6_ADDRSTRLEN + 2], sport[16];
  if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
      getnameinfo((struct sockaddr *)&ss, sl, ip, sizeof ip, sport, sizeof sport, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
    die("cannot listen", "%s: cannot read the bound address", addr);
  snprintf(shown, cap, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", ip, sport);
  return fd;
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  options_t o;
  memset(&o, 0, sizeof o);
  parse_args(argc, argv, &o);

  wasmpool_config_t *cfg = wasmpool_config_new_server((uint32_t)o.max_instances);
  if (cfg == NULL) die("config", "cannot make a configuration for %" PRIu64 " instances", o.max_instances);
  if (o.has_slot_wait) TRY("config", wasmpool_config_slot_wait_timeout_ms_set(cfg, o.slot_wait_ms));
  if (o.timeout_ms > 0) {
    TRY("config", wasmpool_config_epoch_interruption_set(cfg, true));
    TRY("config", wasmpool_config_epoch_tick_interval_ms_set(cfg, 5));
  }
  server_t s;
  memset(&s, 0, sizeof s);
  s.opt = &o;
  TRY("config", wasmpool_config_footprint(cfg, &s.footprint));
  s.max_unused_warm_slots = wasmpool_config_max_unused_warm_slots_get(cfg);
  TRY("engine", wasmpool_engine_new(cfg, &s.engine));
  wasmpool_config_delete(cfg);

  wasmpool_component_t *component = load_component(s.engine, o.file);
  if (o.precompile != NULL) {
    wasmpool_bytes_t *out = NULL;
    TRY("precompile", wasmpool_component_serialize(component, &out));
    FILE *f = fopen(o.precompile, "wb");
    if (f == NULL) die("cannot write", "%s: %s", o.precompile, strerror(errno));
    size_t n = wasmpool_bytes_len(out);
    if (fwrite(wasmpool_bytes_data(out), 1, n, f) != n || fclose(f) != 0)
      die("cannot write", "%s: %s", o.precompile, strerror(errno));
    wasmpool_bytes_delete(out);
    wasmpool_component_delete(component);
    wasmpool_engine_delete(s.engine);
    return 0;
  }
  /* A proxy exports wasi:http/incoming-handler (0.2.x); without it every request would fail. */
  int handler = 0;
  size_t nexports = wasmpool_component_export_count(component);
  for (size_t i = 0; i < nexports && !handler; i++) {
    wasmpool_component_item_t item;
    wasmpool_error_t *e = wasmpool_component_export(component, i, &item);
    if (e != NULL) {
      wasmpool_error_delete(e);
      continue;
    }
    handler = item.kind == WASMPOOL_COMPONENT_ITEM_INSTANCE &&
              strncmp(item.name, "wasi:http/incoming-handler@0.2.", 31) == 0;
  }
  if (!handler)
    die("link", "%s is not a wasi:http/proxy component this host can serve: it exports no "
        "wasi:http/incoming-handler@0.2.x", o.file);
  wasmpool_component_linker_t *linker = NULL;
  TRY("linker", wasmpool_component_linker_new(s.engine, &linker));
  TRY("linker", wasmpool_component_linker_define_http(linker));
  wasmpool_error_t *err = wasmpool_component_linker_instantiate_pre(linker, component, &s.pre);
  if (err != NULL)
    die("link", "%s is not a wasi:http/proxy component this host can serve: %s", o.file,
        wasmpool_error_message(err));
  wasmpool_component_linker_delete(linker);
  wasmpool_component_delete(component);

  int fd = listen_on(o.addr, s.authority, sizeof s.authority);

  /* SIGINT and SIGTERM are taken by sigwait below: blocked here, before libmicrohttpd starts its
   * threads, so that they inherit the mask. */
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
  signal(SIGPIPE, SIG_IGN);

  pthread_mutex_init(&s.lock, NULL);
  pthread_cond_init(&s.ready, NULL);
  pthread_t *workers = calloc((size_t)o.threads, sizeof *workers);
  if (workers == NULL) die("out of memory", "workers");
  for (uint64_t i = 0; i < o.threads; i++)
    if (pthread_create(&workers[i], NULL, worker_main, &s) != 0) die("threads", "cannot start worker %" PRIu64, i);

  /* Connections are read and written by libmicrohttpd's threads (epoll where there is epoll); a
   * request whose body is in is suspended and queued for a worker, which resumes it with the
   * answer, so a slow guest never holds up other connections (on_request runs it on its
   * connection's thread instead when that connection is the only one). */
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
  struct MHD_Daemon *d = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, &s, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE,
      (unsigned)(o.threads > 1 ? o.threads : 0), MHD_OPTION_URI_LOG_CALLBACK, on_request_line, &s,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, &s,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
  if (d == NULL) die("cannot listen", "%s: libmicrohttpd did not start", o.addr);
  printf("wasmpool-serve: listening on http://%s/\n", s.authority);
  fflush(stdout);

  int sig = 0;
  while (sigwait(&stop_signals, &sig) != 0) {
  }
  /* Stop accepting; requests in flight finish, and their connections close after them. */
  atomic_store(&s.stopping, true);
  MHD_socket quiesced = MHD_quiesce_daemon(d);
  if (quiesced != MHD_INVALID_SOCKET) close(quiesced);
  int forced = 0;
  double started = now_s();
  const struct timespec tick = {0, 10 * 1000 * 1000};
  while (atomic_load(&s.in_flight) > 0) {
    if (sigtimedwait(&stop_signals, NULL, &tick) > 0) {
      forced = 1;
      break;
    }
  }
  if (forced) {
    fprintf(stderr, "wasmpool-serve: second signal: stopped with %d request(s) in flight\n",
            atomic_load(&s.in_flight));
    _exit(1);
  }
  MHD_stop_daemon(d);
  pthread_mutex_lock(&s.lock);
  s.quit = true;
  pthread_cond_broadcast(&s.ready);
  pthread_mutex_unlock(&s.lock);
  for (uint64_t i = 0; i < o.threads; i++) pthread_join(workers[i], NULL);
  free(workers);
  wasmpool_component_pre_delete(s.pre);
  wasmpool_engine_delete(s.engine);
  wasmpool_wasi_config_delete(o.wasi);
  wasmpool_http_config_delete(o.http);
  fprintf(stderr, "wasmpool-serve: %s: stopped after %.3f s of draining; %" PRIuFAST64 " served, %" PRIuFAST64
          " failed, %" PRIuFAST64 " pool exhausted\n",
          sig == SIGINT ? "SIGINT" : "SIGTERM", now_s() - started, atomic_load(&s.served),
          atomic_load(&s.failed), atomic_load(&s.exhausted));
  return 0;
}
