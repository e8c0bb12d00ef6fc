#!/bin/sh
# Tests of wasmpool-run: the WASI test guests (tests/guests/README.md) run through it as modules
# (wasip1) and components (wasip2), precompiled too, with the outputs and exit codes the library
# tests expect; --invoke on a module and a component; and its one-line errors with exit code 125.
#
#   sh wasmpool_run.sh <wasmpool-run> <guests dir> [<why the guests are missing>]
set -u
RUN=$1
GUESTS=$2
MISSING=${3:-}
if [ ! -f "$GUESTS/wasip1/hello.wasm" ] || [ ! -f "$GUESTS/wasip2/hello.wasm" ]; then
  echo "FAIL: the test guests are not in '$GUESTS' (${MISSING:-the build did not make them})"
  exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wasmpool-run-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0
WASMPOOL_Y=from-host
export WASMPOOL_Y

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect NAME CODE EXPECTED_STDOUT [STDIN] -- ARGS...: runs the tool, compares exit code and
# stdout exactly.
expect() {
  name=$1 code=$2 want=$3 input=$4
  shift 5
  printf '%s' "$input" | "$RUN" "$@" >"$TMP/out" 2>"$TMP/err"
  got=$?
  printf '%s' "$want" >"$TMP/want"
  if [ "$got" -ne "$code" ]; then
    fail "$name: exit code $got, expected $code; stderr: $(cat "$TMP/err")"
  elif ! cmp -s "$TMP/out" "$TMP/want"; then
    fail "$name: stdout differs:"; diff "$TMP/want" "$TMP/out"
  else
    echo "ok: $name"
  fi
}

# expect_error NAME PREFIX ARGS...: exit code 125, nothing on stdout, exactly one line on stderr
# starting with PREFIX.
expect_error() {
  name=$1 prefix=$2
  shift 2
  "$RUN" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
  got=$?
  lines=$(wc -l <"$TMP/err")
  first=$(head -n 1 "$TMP/err")
  case "$first" in
    "$prefix"*) matched=1 ;;
    *) matched=0 ;;
  esac
  if [ "$got" -ne 125 ]; then
    fail "$name: exit code $got, expected 125; stderr: $(cat "$TMP/err")"
  elif [ "$lines" -ne 1 ] || [ "$matched" -ne 1 ]; then
    fail "$name: expected one line starting with '$prefix', got $lines line(s): $(cat "$TMP/err")"
  else
    echo "ok: $name: $first"
  fi
}

NL='
'
HELLO="hello from a wasm32-wasip1 guest$NL"
for flavour in wasip1 wasip2; do
  g=$GUESTS/$flavour
  expect "$flavour hello" 0 "$HELLO" "" -- "$g/hello.wasm"
  expect "$flavour stdio" 0 "argc=3${NL}argv[0]=prog${NL}argv[1]=a${NL}argv[2]=b c${NL}env WASMPOOL_X=1${NL}env WASMPOOL_Y=from-host${NL}stdin=piped in${NL}stdin_len=8$NL" \
    "piped in" -- --env WASMPOOL_X=1 --env WASMPOOL_Y --argv0 prog "$g/stdio.wasm" a "b c"
  if [ "$(cat "$TMP/err")" != "to stderr: 3 args" ]; then fail "$flavour stdio: stderr $(cat "$TMP/err")"; fi
  expect "$flavour stdio argv0" 0 "argc=1${NL}argv[0]=$g/stdio.wasm${NL}stdin=${NL}stdin_len=0$NL" "" -- "$g/stdio.wasm"
  mkdir -p "$TMP/data-$flavour"
  FILES_OUT="created${NL}entry wasmpool-guest.txt${NL}read written by the files guest${NL}deleted${NL}gone$NL"
  expect "$flavour files --dir HOST::GUEST" 0 "$FILES_OUT" "" -- --dir "$TMP/data-$flavour::/data" "$g/files.wasm" /data
  expect "$flavour files --dir HOST" 0 "$FILES_OUT" "" -- --dir "$TMP/data-$flavour" "$g/files.wasm" "$TMP/data-$flavour"
  expect "$flavour files without --dir" 1 "" "" -- "$g/files.wasm" /data
  # proc_exit(3): 3 from a module; 1 from a component (the preview-1 adapter maps a non-zero
  # code to wasi:cli/exit's `err`, which carries no code).
  code3=3
  if [ "$flavour" = wasip2 ]; then code3=1; fi
  expect "$flavour exit3" "$code3" "exiting with 3$NL" "" -- "$g/exit3.wasm"
  "$RUN" "$g/clock_random.wasm" >"$TMP/out" 2>&1
  if [ $? -ne 0 ] || ! grep -q '^random [0-9a-f]\{32\}$' "$TMP/out"; then
    fail "$flavour clock_random: $(cat "$TMP/out")"
  else
    echo "ok: $flavour clock_random"
  fi
  # Precompiled: compile once, run the result.
  "$RUN" --precompile "$TMP/hello-$flavour.cwasm" "$g/hello.wasm" || fail "$flavour --precompile"
  expect "$flavour precompiled hello" 0 "$HELLO" "" -- "$TMP/hello-$flavour.cwasm"
  expect "$flavour precompile exit3" 0 "" "" -- --precompile "$TMP/exit3.cwasm" "$g/exit3.wasm"
  expect "$flavour precompiled exit3" "$code3" "exiting with 3$NL" "" -- "$TMP/exit3.cwasm"
done

# --invoke with WAVE arguments and results; text files.
cat >"$TMP/math.wat" <<'WAT'
;; a module in the text format
(module
  (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "half") (param f64) (result f64) local.get 0 f64.const 2 f64.div)
  (func (export "wide") (param i64) (result i64 i32) local.get 0 i64.const 1 i64.add i32.const -1)
  (func (export "loop") (loop br 0))
  (func (export "_start") unreachable))
WAT
expect "invoke add" 0 "42$NL" "" -- --invoke 'add(40, 2)' "$TMP/math.wat"
expect "invoke half" 0 "1.25$NL" "" -- --invoke 'half(2.5)' "$TMP/math.wat"
expect "invoke wide" 0 "9000000000, -1$NL" "" -- --invoke 'wide(8999999999)' "$TMP/math.wat"
cat >"$TMP/answer.wat" <<'WAT'
(component
  (core module $m (func (export "f") (result i32) i32.const 7))
  (core instance $i (instantiate $m))
  (func (export "answer") (result u32) (canon lift (core func $i "f"))))
WAT
expect "invoke component answer" 0 "7$NL" "" -- --invoke 'answer()' "$TMP/answer.wat"
# Component arguments are WAVE text read against each parameter's type: a string (lowered into
# the guest's memory through its realloc), a record, an option result.
cat >"$TMP/args.wat" <<'WAT'
(component
  (core module $m
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      global.get $next local.set $p
      global.get $next local.get 3 i32.add global.set $next
      local.get $p)
    (func (export "len") (param i32 i32) (result i32) local.get 1)
    (func (export "sum") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    ;; option<u32> is returned in memory: the case byte at 0, the payload at 4
    (func (export "half") (param i32) (result i32)
      i32.const 0 local.get 0 i32.const 1 i32.and i32.eqz i32.store8
      i32.const 4 local.get 0 i32.const 1 i32.shr_u i32.store
      i32.const 0))
  (core instance $i (instantiate $m))
  (func (export "len") (param "s" string) (result u32)
    (canon lift (core func $i "len") (memory (core memory $i "mem")) (realloc (core func $i "realloc"))))
  (type $point' (record (field "x" u32) (field "y" u32)))
  (export $point "point" (type $point'))
  (func (export "sum") (param "p" $point) (result u32) (canon lift (core func $i "sum")))
  (func (export "half") (param "n" u32) (result (option u32))
    (canon lift (core func $i "half") (memory (core memory $i "mem")))))
WAT
expect "invoke component string" 0 "6$NL" "" -- --invoke 'len("héllo")' "$TMP/args.wat"
expect "invoke component record" 0 "42$NL" "" -- --invoke 'sum({x: 40, y: 2})' "$TMP/args.wat"
expect "invoke component option some" 0 "some(21)$NL" "" -- --invoke 'half(42)' "$TMP/args.wat"
expect "invoke component option none" 0 "none$NL" "" -- --invoke 'half(7)' "$TMP/args.wat"

# Errors: one line, exit code 125.
expect_error "missing file" "wasmpool-run: cannot read: $TMP/nope.wasm" "$TMP/nope.wasm"
printf '\000asm\001\000\000\000\377\377garbage' >"$TMP/bad.wasm"
expect_error "malformed module" "wasmpool-run: malformed: $TMP/bad.wasm" "$TMP/bad.wasm"
printf '\000asm\015\000\001\000\377garbage' >"$TMP/badc.wasm"
expect_error "malformed component" "wasmpool-run: malformed: $TMP/badc.wasm" "$TMP/badc.wasm"
printf '(module (func $f (i32.bogus)))' >"$TMP/bad.wat"
expect_error "malformed text" "wasmpool-run: malformed: $TMP/bad.wat" "$TMP/bad.wat"
printf '\177ELFnot really' >"$TMP/bad.cwasm"
expect_error "malformed precompiled" "wasmpool-run: malformed: $TMP/bad.cwasm" "$TMP/bad.cwasm"
expect_error "missing export (invoke)" "wasmpool-run: missing export:" --invoke 'nope()' "$TMP/math.wat"
expect_error "missing export (component invoke)" "wasmpool-run: missing export:" --invoke 'nope()' "$TMP/answer.wat"
printf '(module (func (export "f")))' >"$TMP/nostart.wat"
expect_error "missing _start" "wasmpool-run: missing export:" "$TMP/nostart.wat"
expect_error "component without wasi:cli/run" "wasmpool-run: missing export:" "$TMP/answer.wat"
expect_error "trap" "wasmpool-run: trap (unreachable):" "$TMP/math.wat"
expect_error "interrupted" "wasmpool-run: interrupted:" --timeout-ms 100 --invoke 'loop()' "$TMP/math.wat"
expect_error "out of fuel" "wasmpool-run: out of fuel:" --fuel 10000 --invoke 'loop()' "$TMP/math.wat"
printf '(module (memory 4) (func (export "_start")))' >"$TMP/big.wat"
expect_error "--max-memory" "wasmpool-run: instantiate:" --max-memory 65536 "$TMP/big.wat"
expect "--max-memory large enough" 0 "" "" -- --max-memory 262144 "$TMP/big.wat"
expect_error "bad invoke arguments" "wasmpool-run: invoke:" --invoke 'add(1)' "$TMP/math.wat"
expect_error "bad component invoke argument" "wasmpool-run: invoke: argument 0 (\`{x: 1}\`) of \`sum\`:" --invoke 'sum({x: 1})' "$TMP/args.wat"
expect_error "component invoke argument count" "wasmpool-run: invoke: \`len\` takes 1 argument(s)" --invoke 'len()' "$TMP/args.wat"
expect_error "no file" "wasmpool-run: usage:"
expect_error "unknown option" "wasmpool-run: usage:" --frobnicate 1 x.wasm
expect_error "bad number" "wasmpool-run: usage:" --fuel lots x.wasm
expect_error "missing --dir" "wasmpool-run: io:" --dir "$TMP/no-such-dir::/d" "$GUESTS/wasip1/hello.wasm"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all wasmpool-run tests passed"
