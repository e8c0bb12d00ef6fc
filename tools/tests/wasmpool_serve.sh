#!/bin/sh
# Tests of wasmpool-serve over loopback with curl, serving the proxy test guest
# (tests/guests/proxy/proxy_guest.c): GET and POST echoed; keep-alive (the second request on one
# connection opens none); 10 MiB in and out byte for byte; 413 over --max-body; 500 for a trap
# and for --timeout-ms, with a line on stderr; 503 when the pool of one instance is busy past
# --slot-wait-ms; a guest sleeping on the server's only connection holds up no new connection; the
# metrics path (0 live instances at rest, the configuration's footprint); a
# precompiled component; SIGTERM with requests in flight (two running, one still uploading 10 MiB:
# all complete whole, new connections refused, exit 0); the one-line errors of bad command lines
# (exit code 125); one Date header per response: the server's when the guest sets none, the
# guest's own when it sets one (date_guest.wat, next to this script).
#
#   sh wasmpool_serve.sh <wasmpool-serve or ""> <guests dir> [<why the tool is missing>] [<why the guests are missing>]
#
# Exit code 77 (ctest: skipped) when the tool was not built (no libmicrohttpd) or curl is missing.
set -u
SERVE=$1
GUESTS=$2
TOOL_MISSING=${3:-}
GUESTS_MISSING=${4:-}
if [ -z "$SERVE" ] || [ ! -x "$SERVE" ]; then
  echo "SKIP: wasmpool-serve was not built: ${TOOL_MISSING:-no binary at '$SERVE'}"
  exit 77
fi
if ! command -v curl >/dev/null 2>&1; then
  echo "SKIP: curl is not installed (Debian: curl); the tests talk HTTP through it"
  exit 77
fi
PROXY=$GUESTS/proxy.wasm
if [ ! -f "$PROXY" ]; then
  echo "FAIL: the proxy test guest is not in '$GUESTS' (${GUESTS_MISSING:-the build did not make it})"
  exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wasmpool-serve-test.XXXXXX")
PIDS=""
cleanup() {
  for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
ok() { echo "ok: $*"; }

# start NAME ARGS...: starts the server on a free loopback port; sets PID and URL (or fails the
# whole test: nothing else can run without it).
start() {
  name=$1
  shift
  "$SERVE" --addr 127.0.0.1:0 "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  PID=$!
  PIDS="$PIDS $PID"
  i=0
  while ! grep -q '^wasmpool-serve: listening on http://' "$TMP/$name.out" 2>/dev/null; do
    if ! kill -0 "$PID" 2>/dev/null || [ $i -ge 600 ]; then
      echo "FAIL: $name: the server did not start: $(cat "$TMP/$name.err")"
      exit 1
    fi
    sleep 0.1
    i=$((i + 1))
  done
  URL=$(sed -n 's|^wasmpool-serve: listening on \(http://[^/]*\)/$|\1|p' "$TMP/$name.out")
  case "$URL" in
    http://127.0.0.1:[1-9]*) ok "$name listens on $URL" ;;
    *) echo "FAIL: $name: unexpected address line: $(cat "$TMP/$name.out")"; exit 1 ;;
  esac
}

# stop NAME PID: SIGTERM, then the exit code must be 0.
stop() {
  kill -TERM "$2"
  wait "$2"
  code=$?
  if [ "$code" -ne 0 ]; then fail "$1: exit code $code after SIGTERM; stderr: $(cat "$TMP/$1.err")"; else ok "$1: exit 0 after SIGTERM"; fi
}

# get NAME PATH EXPECTED_STATUS [CURL ARGS...]: the body goes to $TMP/body, headers to $TMP/head.
get() {
  name=$1 path=$2 want=$3
  shift 3
  status=$(curl -sS --max-time 60 -o "$TMP/body" -D "$TMP/head" -w '%{http_code}' "$@" "$URL$path")
  if [ "$status" != "$want" ]; then
    fail "$name: status $status, expected $want"
    return 1
  fi
  return 0
}

has_header() { # has_header NAME VALUE: in $TMP/head (exactly, case-insensitive name)
  tr -d '\r' <"$TMP/head" | grep -qi "^$1: $2\$"
}
header_count() { # header_count NAME: how many NAME headers $TMP/head has (case-insensitive name)
  tr -d '\r' <"$TMP/head" | grep -ci "^$1:"
}

# The bytes /big?N writes: byte i = i % 251.
pattern() { # pattern N FILE
  i=0 esc=""
  while [ $i -lt 251 ]; do
    esc="$esc\\$(printf '%03o' $i)"
    i=$((i + 1))
  done
  printf "$esc" >"$TMP/p0"
  k=0
  while [ $k -lt 16 ]; do # 251 * 2^16 bytes > 10 MiB
    cat "$TMP/p$k" "$TMP/p$k" >"$TMP/p$((k + 1))"
    rm -f "$TMP/p$k"
    k=$((k + 1))
  done
  head -c "$1" "$TMP/p$k" >"$2"
  rm -f "$TMP/p$k"
}

# ---- the main server: a precompiled component, two workers, metrics ------------------------------
if "$SERVE" --precompile "$TMP/proxy.cwasm" "$PROXY" && [ -s "$TMP/proxy.cwasm" ]; then
  ok "--precompile"
else
  fail "--precompile"
fi
start main --threads 2 --metrics-path /.well-known/wasmpool/metrics --max-body 11000000 "$TMP/proxy.cwasm"
MAIN=$PID

if get "GET /echo" "/echo?a=1&b=%20c" 200 -H 'X-Test: one two'; then
  if has_header x-method GET && has_header x-path '/echo?a=1&b=%20c' && has_header x-echo-x-test 'one two' &&
    [ ! -s "$TMP/body" ]; then
    ok "GET /echo: method, raw path with query, header"
  else
    fail "GET /echo: $(cat "$TMP/head")"
  fi
fi
# The guest sets no Date: the server sends one, once.
if [ "$(header_count date)" = 1 ]; then ok "GET /echo: one Date header (the server's)"; else fail "GET /echo: $(header_count date) Date headers: $(cat "$TMP/head")"; fi
if get "POST /echo" /echo 200 --data-binary 'the body of a POST'; then
  if has_header x-method POST && [ "$(cat "$TMP/body")" = "the body of a POST" ]; then
    ok "POST /echo: body echoed"
  else
    fail "POST /echo: $(cat "$TMP/head") $(cat "$TMP/body")"
  fi
fi
if get "PUT /echo" /echo 200 -X PUT --data-binary 'put'; then
  if has_header x-method PUT && [ "$(cat "$TMP/body")" = put ]; then ok "PUT /echo"; else fail "PUT /echo"; fi
fi

# Keep-alive: two requests in one curl run share its connection.
conns=$(curl -sS --max-time 30 -w '%{num_connects} ' -o /dev/null "$URL/echo" -o /dev/null "$URL/echo?2")
if [ "$conns" = "1 0 " ]; then ok "keep-alive: connections opened per request: $conns"; else fail "keep-alive: connections opened per request: '$conns', expected '1 0 '"; fi

# 10 MiB in and out.
head -c 10485760 /dev/urandom >"$TMP/in"
if get "10 MiB in" /echo 200 --data-binary "@$TMP/in"; then
  if cmp -s "$TMP/in" "$TMP/body"; then ok "10 MiB in, echoed byte for byte"; else fail "10 MiB in: the echo differs ($(wc -c <"$TMP/body") bytes)"; fi
fi
pattern 10485760 "$TMP/want-big"
if get "10 MiB out" "/big?10485760" 200; then
  if cmp -s "$TMP/want-big" "$TMP/body"; then ok "10 MiB out, byte for byte"; else fail "10 MiB out: differs ($(wc -c <"$TMP/body") bytes)"; fi
fi
# Over --max-body: 413, with a Content-Length and chunked.
head -c 11000001 /dev/zero >"$TMP/too-big"
get "413 with Content-Length" /echo 413 --data-binary "@$TMP/too-big" && ok "413 over --max-body (Content-Length)"
get "413 chunked" /echo 413 -H 'Transfer-Encoding: chunked' --data-binary "@$TMP/too-big" && ok "413 over --max-body (chunked)"
get "after 413" /echo 200 --data-binary 'still fine' && [ "$(cat "$TMP/body")" = "still fine" ] && ok "served after a 413"

# A trap: 500 and one line on stderr.
if get "/trap" /trap 500; then
  if grep -q '^wasmpool-serve: 500 GET /trap: trap (unreachable): ' "$TMP/main.err"; then ok "/trap: 500, logged"; else fail "/trap: no log line: $(cat "$TMP/main.err")"; fi
  [ "$(header_count date)" = 1 ] || fail "/trap: $(header_count date) Date headers in the 500: $(cat "$TMP/head")"
fi
get "after a trap" /echo 200 && ok "served after a trap"

# The server's only connection runs its guest on its connection thread: a connection opened while
# that guest sleeps is taken by the other thread and answered at once, not after the sleep.
curl -sS --max-time 30 -o "$TMP/alone" -w '%{http_code}' "$URL/sleep?1500" >"$TMP/alone.status" &
ALONE=$!
sleep 0.3
beside=$(curl -sS --max-time 30 -o "$TMP/beside" -w '%{http_code} %{time_total}' "$URL/echo?beside")
wait "$ALONE"
if [ "$(cat "$TMP/alone.status")" = 200 ] && [ "$(cat "$TMP/alone")" = "slept 1500" ] &&
  [ "${beside%% *}" = 200 ] && awk -v t="${beside#* }" 'BEGIN { exit !(t < 0.9) }'; then
  ok "a sleeping guest on the only connection held up no new one (answered in ${beside#* } s)"
else
  fail "sleeping guest on the only connection: $(cat "$TMP/alone.status") $(cat "$TMP/alone"); beside it: $beside"
fi
get "404 from the guest" /nope 404 && [ "$(cat "$TMP/body")" = "no such route" ] && ok "the guest's own 404"

# Metrics at rest: nothing live.
if get "metrics" /.well-known/wasmpool/metrics 200; then
  if grep -q '"live":{"component_instances":0,"core_instances":0,"memories":0' "$TMP/body" &&
    grep -q '"pooling":true' "$TMP/body" && grep -q '"requests_in_flight":0' "$TMP/body" &&
    grep -q '"capacity":{"component_instances":64,' "$TMP/body" && has_header content-type application/json &&
    grep -q '"footprint":{"total_reserved":[1-9][0-9]*,"instances_max":[1-9][0-9]*,"resident_per_warm_slot":[1-9][0-9]*,"warm_resident_max":[1-9][0-9]*,"max_unused_warm_slots":6}}' "$TMP/body"; then
    ok "metrics at rest: 0 live instances: $(cat "$TMP/body")"
  else
    fail "metrics: $(cat "$TMP/body")"
  fi
fi
get "metrics POST" /.well-known/wasmpool/metrics 405 -d x && ok "metrics path refuses POST"
stop main "$MAIN"

# ---- a guest that sets its own Date header: sent once, as the guest set it ------------------------
DATE_GUEST=$(dirname "$0")/date_guest.wat
start dated --threads 1 "$DATE_GUEST"
DATED=$PID
for n in 1 2; do
  if get "guest's Date ($n)" "/any?$n" 200; then
    if [ "$(header_count date)" = 1 ] && has_header date 'Sun, 06 Nov 1994 08:49:37 GMT' && has_header x-guest date-test; then
      ok "guest's Date ($n): one Date header, the guest's"
    else
      fail "guest's Date ($n): $(header_count date) Date header(s): $(cat "$TMP/head")"
    fi
  fi
done
stop dated "$DATED"

# ---- exhaustion: one instance, two workers ------------------------------------------------------
start small --threads 2 --max-instances 1 --slot-wait-ms 50 --timeout-ms 3000 "$PROXY"
SMALL=$PID
curl -sS --max-time 30 -o "$TMP/slow" -w '%{http_code}' "$URL/sleep?1500" >"$TMP/slow.status" &
SLOW=$!
sleep 0.5
get "503 under exhaustion" /echo 503 && has_header retry-after 1 && ok "503 while the only instance is busy"
wait "$SLOW"
if [ "$(cat "$TMP/slow.status")" = 200 ] && [ "$(cat "$TMP/slow")" = "slept 1500" ]; then ok "the slow request completed"; else fail "slow request: $(cat "$TMP/slow.status") $(cat "$TMP/slow")"; fi
get "after exhaustion" /echo 200 && ok "served once the instance is free"
if get "--timeout-ms" /loop 500; then
  if grep -q '^wasmpool-serve: 500 GET /loop: interrupted' "$TMP/small.err"; then ok "/loop: 500 after --timeout-ms, logged"; else fail "/loop: no log line: $(cat "$TMP/small.err")"; fi
fi
stop small "$SMALL"

# ---- SIGTERM with requests in flight -------------------------------------------------------------
start drain --threads 4 --metrics-path /metrics "$PROXY"
DRAIN=$PID
for n in 1 2; do
  curl -sS --max-time 30 -o "$TMP/drain$n" -w '%{http_code}' "$URL/sleep?1200" >"$TMP/drain$n.status" &
  eval "D$n=\$!"
done
# 10 MiB sent slowly: its body is still coming in when the signal arrives.
curl -sS --max-time 30 -o "$TMP/drain3" -w '%{http_code}' --data-binary "@$TMP/in" --limit-rate 6M "$URL/echo" >"$TMP/drain3.status" &
D3=$!
i=0
while [ $i -lt 100 ]; do # until all three are in the server
  curl -sS --max-time 5 -o "$TMP/drain-metrics" "$URL/metrics" 2>/dev/null
  grep -q '"requests_in_flight":3,' "$TMP/drain-metrics" && break
  sleep 0.05
  i=$((i + 1))
done
[ $i -lt 100 ] || fail "drain: the three requests never were in flight together: $(cat "$TMP/drain-metrics")"
kill -TERM "$DRAIN"
sleep 0.2
if curl -sS --max-time 5 -o /dev/null "$URL/echo" 2>/dev/null; then fail "drain: a new connection was served after SIGTERM"; else ok "drain: new connections refused after SIGTERM"; fi
wait "$DRAIN"
code=$?
[ "$code" -eq 0 ] && ok "drain: exit 0" || fail "drain: exit code $code; $(cat "$TMP/drain.err")"
wait "$D1"; wait "$D2"; wait "$D3"
for n in 1 2; do
  if [ "$(cat "$TMP/drain$n.status")" = 200 ] && [ "$(cat "$TMP/drain$n")" = "slept 1200" ]; then ok "drain: in-flight request $n completed"; else fail "drain: request $n: $(cat "$TMP/drain$n.status") $(cat "$TMP/drain$n")"; fi
done
if [ "$(cat "$TMP/drain3.status")" = 200 ] && cmp -s "$TMP/in" "$TMP/drain3"; then ok "drain: the 10 MiB upload in flight was echoed whole"; else fail "drain: the 10 MiB upload: $(cat "$TMP/drain3.status"), $(wc -c <"$TMP/drain3") bytes back"; fi
grep -q '^wasmpool-serve: SIGTERM: stopped after' "$TMP/drain.err" && ok "drain: $(grep '^wasmpool-serve: SIGTERM' "$TMP/drain.err")"

# ---- bad command lines: one line on stderr, exit code 125 ----------------------------------------
expect_error() { # expect_error NAME PREFIX ARGS...
  name=$1 prefix=$2
  shift 2
  "$SERVE" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
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
    ok "$name: $first"
  fi
}
expect_error "no file" "wasmpool-serve: usage: no FILE"
expect_error "two files" "wasmpool-serve: usage: one FILE only" "$PROXY" "$PROXY"
expect_error "unknown option" "wasmpool-serve: usage: unknown option --frobnicate" --frobnicate 1 "$PROXY"
expect_error "bad number" "wasmpool-serve: usage: --threads takes" --threads many "$PROXY"
expect_error "zero threads" "wasmpool-serve: usage: --threads takes 1 to 1024" --threads 0 "$PROXY"
expect_error "zero instances" "wasmpool-serve: usage: --max-instances takes" --max-instances 0 "$PROXY"
expect_error "option without value" "wasmpool-serve: usage: --addr needs a value" --addr
expect_error "bad metrics path" "wasmpool-serve: usage: --metrics-path" --metrics-path metrics "$PROXY"
expect_error "bad address" "wasmpool-serve: usage: --addr takes HOST:PORT" --addr localhost "$PROXY"
expect_error "unknown host" "wasmpool-serve: cannot listen: no.such.host.invalid:80" --addr no.such.host.invalid:80 "$PROXY"
start busy --threads 1 "$PROXY"
expect_error "address in use" "wasmpool-serve: cannot listen: ${URL#http://}: Address already in use" --addr "${URL#http://}" "$PROXY"
stop busy "$PID"
expect_error "missing file" "wasmpool-serve: cannot read: $TMP/nope.wasm" "$TMP/nope.wasm"
printf '\000asm\015\000\001\000\377garbage' >"$TMP/bad.wasm"
expect_error "malformed component" "wasmpool-serve: malformed: $TMP/bad.wasm" "$TMP/bad.wasm"
printf '\177ELFnot really' >"$TMP/bad.cwasm"
expect_error "malformed precompiled" "wasmpool-serve: malformed: $TMP/bad.cwasm" "$TMP/bad.cwasm"
printf '(module)' >"$TMP/module.wat"
expect_error "a module" "wasmpool-serve: not a component:" "$TMP/module.wat"
if [ -f "$GUESTS/wasip2/hello.wasm" ]; then
  expect_error "not a proxy" "wasmpool-serve: link: $GUESTS/wasip2/hello.wasm is not a wasi:http/proxy component" "$GUESTS/wasip2/hello.wasm"
fi
printf '(component)' >"$TMP/empty.wat"
expect_error "no handler" "wasmpool-serve: link:" "$TMP/empty.wat"
"$SERVE" --help >"$TMP/out" 2>&1 && grep -q '^usage: wasmpool-serve ' "$TMP/out" && ok "--help" || fail "--help: $(cat "$TMP/out")"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all wasmpool-serve tests passed"
