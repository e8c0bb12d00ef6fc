"""What the serve benchmark and the soak share: the two servers, started the same way, and the
load generator (oha) with its JSON summary read back.

Both servers listen on a free loopback port, run the same component with the same pool size
(the server preset's totals for --max-instances on wasmpool-serve, the same totals given to
`wasmtime serve` as -O pooling-... options) and the same number of threads that run guests.
"""
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

# wasmpool_config_new_server(P) (src/config/preset.rs): the same knobs as `wasmtime serve`
# options, so that both sides pool the same instance count with the same limits and the same
# amounts kept resident.
def wasmtime_pool_options(pool):
    return [
        "pooling-allocator=y",
        f"pooling-total-component-instances={pool}",
        f"pooling-total-core-instances={pool * 16}",
        f"pooling-total-memories={pool}",
        f"pooling-total-tables={pool * 4}",
        f"pooling-total-stacks={pool}",
        f"pooling-total-gc-heaps={pool}",
        "pooling-max-core-instances-per-component=64",
        "pooling-max-memories-per-component=8",
        "pooling-max-tables-per-component=16",
        f"pooling-max-component-instance-size={4 << 20}",
        f"pooling-max-unused-warm-slots={max(1, pool // 10)}",
        f"pooling-memory-keep-resident={1 << 20}",
        f"pooling-table-keep-resident={64 << 10}",
        f"pooling-async-stack-keep-resident={64 << 10}",
        "pooling-pagemap-scan=auto",
    ]


class Server:
    """One server process on 127.0.0.1:<free port>; `url` once it answers."""

    def __init__(self, name, argv, env, ready_pattern, stream, log_path):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            argv,
            env=env,
            stdout=subprocess.PIPE if stream == "stdout" else self.log,
            stderr=subprocess.PIPE if stream == "stderr" else self.log,
        )
        self.url = None
        pipe = self.proc.stdout if stream == "stdout" else self.proc.stderr
        deadline = time.monotonic() + 600  # a 12 MB JavaScript component compiles for a while
        for raw in pipe:
            self.log.write(raw)
            self.log.flush()
            m = re.search(ready_pattern, raw.decode(errors="replace"))
            if m:
                self.url = m.group(1).rstrip("/")
                break
            if time.monotonic() > deadline:
                break
        if self.url is None:
            self.stop()
            sys.exit(f"serve bench: {name} did not start: {argv}\n{open(log_path, errors='replace').read()}")
        # The rest of its output goes to the log, from a thread that keeps the pipe drained.
        import threading

        def drain():
            for raw in pipe:
                self.log.write(raw)
                self.log.flush()

        self._drain = threading.Thread(target=drain, daemon=True)
        self._drain.start()

    @property
    def pid(self):
        return self.proc.pid

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def start_wasmpool(exe, component, threads, pool, log_path, extra=()):
    argv = [exe, "--addr", "127.0.0.1:0", "--threads", str(threads), "--max-instances", str(pool), *extra, component]
    return Server("wasmpool-serve", argv, dict(os.environ), r"listening on (http://\S+)", "stdout", log_path)


def start_wasmtime(exe, component, threads, pool, log_path):
    argv = [exe, "serve", "--addr", "127.0.0.1:0", "-S", "cli=y"]
    for opt in wasmtime_pool_options(pool):
        argv += ["-O", opt]
    argv.append(component)
    env = dict(os.environ)
    # `wasmtime serve` runs on a multi-threaded Tokio runtime built with Tokio's defaults, which
    # take the worker count from this variable (else one per CPU).
    env["TOKIO_WORKER_THREADS"] = str(threads)
    return Server("wasmtime serve", argv, env, r"Serving HTTP on (http://\S+)", "stderr", log_path)


def fetch(url, data=None):
    """One request; (status, headers, body)."""
    req = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def oha(exe, url, concurrency, seconds, body=None):
    """Runs oha for `seconds` at `concurrency` over keep-alive connections; returns requests/s,
    p50 and p99 latency (seconds) and the status codes seen. Exits when a request failed."""
    # -w: the requests in flight at the deadline finish and count, instead of being cut off
    argv = [exe, "--no-tui", "--output-format", "json", "-z", f"{seconds}s", "-w", "-c", str(concurrency)]
    if body is not None:
        argv += ["-m", "POST", "-d", body]
    argv.append(url)
    out = subprocess.run(argv, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"serve bench: oha failed ({' '.join(argv)}):\n{out.stderr}")
    res = json.loads(out.stdout)
    codes = {int(k): v for k, v in (res.get("statusCodeDistribution") or {}).items()}
    errors = res.get("errorDistribution") or {}
    if errors or set(codes) - {200}:
        sys.exit(f"serve bench: {url} at concurrency {concurrency}: status codes {codes}, errors {errors}")
    lat = res["latencyPercentiles"]
    return {
        "rps": res["summary"]["requestsPerSec"],
        "p50": lat["p50"],
        "p99": lat["p99"],
        "requests": sum(codes.values()),
    }


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def median(xs):
    return statistics.median(xs)
