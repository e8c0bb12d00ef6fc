"""The generated wasm text modules: written once, read by every path, so all three run
byte-identical inputs."""

import os

from .suite import FOOT_K


# The small component of the component measurements: `echo: func(s: string) -> string` returns
# its argument. The core module's `realloc` hands out one fixed buffer (a call has exactly one
# allocation, the argument's), and `echo` returns the argument's own bytes, so a call costs the
# canonical ABI's lifting and lowering of two strings and nothing else.
COMPONENT_WAT = """(component
  (core module $m
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (if (i32.gt_u (local.get 3) (i32.const 60000)) (then unreachable))
      (i32.const 1024))
    (func (export "echo") (param $ptr i32) (param $len i32) (result i32)
      (i32.store (i32.const 0) (local.get $ptr))
      (i32.store (i32.const 4) (local.get $len))
      (i32.const 0)))
  (core instance $i (instantiate $m))
  (func (export "echo") (param "s" string) (result string)
    (canon lift (core func $i "echo") (memory (core memory $i "memory")) (realloc (core func $i "realloc")))))
"""


def module_texts():
    """{name: text} of every module the programs load from modules=DIR."""
    data = "".join("\\%02x" % ((i * 7) % 251 + 1) for i in range(65536))
    files = {
        "empty": "(module)\n",
        "mem1": '(module (memory (export "memory") 1))\n',
        "mem17data": '(module (memory (export "memory") 17)\n  (data (i32.const 65536) "%s"))\n' % data,
        "calls": """(module
  (import "host" "inc" (func $inc (param i32) (result i32)))
  (func (export "nop"))
  (func (export "mix") (param i32 i64) (result f32)
    (f32.add (f32.convert_i32_s (local.get 0)) (f32.convert_i64_s (local.get 1))))
  (func (export "loop") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $inc (local.get $acc)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $acc)))
""",
        "component": COMPONENT_WAT,
    }
    # The churn modules: distinct (their data differs), 1 MiB of memory, `touch` writes one byte
    # in every 4 KiB page of it, so a released slot has 1 MiB to keep resident.
    for i in range(FOOT_K):
        files["churn_%03d" % i] = """(module
  (memory (export "memory") 16)
  (data (i32.const 0) "churn module %03d")
  (func (export "touch") (local $p i32)
    (loop $l
      (i32.store8 (local.get $p) (i32.const 1))
      (local.set $p (i32.add (local.get $p) (i32.const 4096)))
      (br_if $l (i32.lt_u (local.get $p) (i32.const 1048576))))))
""" % i
    return files


def write_modules(out):
    """Writes the modules into `out`, leaving files that are already current untouched."""
    os.makedirs(out, exist_ok=True)
    for name, text in module_texts().items():
        path = os.path.join(out, name + ".wat")
        if not os.path.exists(path) or open(path).read() != text:
            with open(path, "w") as f:
                f.write(text)
