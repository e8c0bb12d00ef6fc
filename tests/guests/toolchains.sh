#!/usr/bin/env bash
# Builds the guests of the real component toolchains: the `hello` world (hello/wit/hello.wit) in
# JavaScript with componentize-js (js/hello.js) and in Python with componentize-py (py/app.py).
#
#   bash tests/guests/toolchains.sh OUT_DIR CACHE_DIR
#
# For each toolchain T (js, py) it leaves exactly one of these in OUT_DIR:
#   T/hello.wasm   the component
#   T/hello.skip   one line: why there is no component (the tool is missing or cannot be
#                  installed); the tests print it and skip that component, never silently.
# A toolchain that is installed but fails to build the guest is an error (exit 1).
#
# CACHE_DIR keeps everything that is slow to redo, so a second run takes a second: the npm
# install (CACHE_DIR/npm, npm's download cache in CACHE_DIR/npm-cache), the Python virtual
# environment (CACHE_DIR/venv, pip's cache in CACHE_DIR/pip-cache), and each built component
# under a name derived from the tool version and the sources (CACHE_DIR/built). It may be shared
# by several build trees (scripts/sanitize.sh's share the main tree's). Nothing is written to
# the source tree or to the user's npm and pip caches.
#
# Environment:
#   WASMPOOL_COMPONENTIZE_JS_VERSION  (default 0.23.0)  npm @bytecodealliance/componentize-js
#   WASMPOOL_COMPONENTIZE_PY_VERSION  (default 0.25.1)  PyPI componentize-py
#   WASMPOOL_GUESTS_SKIP_TOOLCHAINS=1  build neither (each gets a .skip saying so)
#   NODE, NPM, PYTHON                  the programs to use (default node, npm, python3)
set -uo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
  echo "usage: $0 OUT_DIR CACHE_DIR [HTTP_WIT_DIR]" >&2
  exit 2
fi
# The wit/ folder of the pinned wasmtime-wasi-http crate, for the JavaScript wasi:http handler.
http_wit="${3:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1" "$2" || exit 1
out="$(cd "$1" && pwd)"
cache="$(cd "$2" && pwd)"
js_version="${WASMPOOL_COMPONENTIZE_JS_VERSION:-0.23.0}"
py_version="${WASMPOOL_COMPONENTIZE_PY_VERSION:-0.25.1}"
node="${NODE:-node}"
npm="${NPM:-npm}"
python="${PYTHON:-python3}"
status=0

# A single lock per cache directory: two build trees sharing it wait for each other.
exec 9>"$cache/.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

now() { date +%s; }

# skip T REASON [GUEST]: no component GUEST (default hello) for T, and say why. Skipping the
# JavaScript hello skips the JavaScript wasi:http handler too.
skip() {
  local g="${3:-hello}"
  mkdir -p "$out/$1"
  rm -f "$out/$1/$g.wasm"
  printf '%s\n' "$2" >"$out/$1/$g.skip"
  echo "toolchains: $1: SKIPPED${3:+ ($g)}: $2"
  if [[ -z ${3:-} && $1 == js ]]; then skip js "$2" proxy; fi
}

# done_ T FILE [GUEST]: FILE is T's component GUEST (default hello).
done_() {
  local g="${3:-hello}"
  mkdir -p "$out/$1"
  rm -f "$out/$1/$g.skip"
  cp -f "$2" "$out/$1/$g.wasm.tmp" && mv -f "$out/$1/$g.wasm.tmp" "$out/$1/$g.wasm"
  echo "toolchains: $1: $out/$1/$g.wasm ($(wc -c <"$out/$1/$g.wasm") bytes)"
}

# key NAME VERSION FILE...: a cache name for what NAME VERSION makes of FILEs.
key() {
  local name=$1 version=$2
  shift 2
  printf '%s %s\n' "$name" "$version" | cat - "$@" | sha256sum | cut -c1-16
}

# last_lines FILE: the end of a log, indented, for a skip reason or an error.
last_lines() { tail -n "${2:-5}" "$1" | sed 's/^/    /'; }

if [[ -n ${WASMPOOL_GUESTS_SKIP_TOOLCHAINS:-} ]]; then
  skip js "disabled by WASMPOOL_GUESTS_SKIP_TOOLCHAINS"
  skip py "disabled by WASMPOOL_GUESTS_SKIP_TOOLCHAINS"
  exit 0
fi
mkdir -p "$cache/built"

# --- JavaScript: componentize-js --------------------------------------------------------------
build_js() {
  if ! command -v "$node" >/dev/null 2>&1 || ! command -v "$npm" >/dev/null 2>&1; then
    skip js "node and npm are needed for componentize-js (Debian: apt-get install nodejs npm)"
    return
  fi
  local major
  major=$("$node" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [[ $major -lt 18 ]]; then
    skip js "componentize-js $js_version needs Node.js 18 or newer (found $("$node" --version 2>&1))"
    return
  fi
  local prefix="$cache/npm" tool="$cache/npm/node_modules/.bin/componentize-js"
  local pkg="$cache/npm/node_modules/@bytecodealliance/componentize-js/package.json"
  local have=""
  [[ -f $pkg ]] && have=$("$node" -p "require('$pkg').version" 2>/dev/null)
  if [[ ! -x $tool || $have != "$js_version" ]]; then
    local t0 log="$cache/npm-install.log"
    t0=$(now)
    echo "toolchains: js: npm install @bytecodealliance/componentize-js@$js_version (into $prefix)"
    mkdir -p "$prefix"
    if ! "$npm" install --prefix "$prefix" --cache "$cache/npm-cache" --no-audit --no-fund \
         --no-update-notifier --loglevel=error "@bytecodealliance/componentize-js@$js_version" \
         >"$log" 2>&1; then
      local why
      why=$(grep -E '^npm (error|ERR!) (code |[A-Za-z]*Error|404)' "$log" | head -n 2 | tr '\n' ' ')
      skip js "npm could not install @bytecodealliance/componentize-js@$js_version (log: $log): ${why:-$(tail -n 1 "$log")}"
      return
    fi
    echo "toolchains: js: installed in $(( $(now) - t0 )) s"
  fi
  local k built
  k=$(key componentize-js "$js_version" "$here/js/hello.js" "$here/hello/wit/hello.wit")
  built="$cache/built/js-hello-$k.wasm"
  if [[ ! -f $built ]]; then
    local t0 log="$cache/built/js-hello-$k.log"
    t0=$(now)
    if ! (cd "$cache" && "$tool" "$here/js/hello.js" --wit "$here/hello/wit" --world-name hello \
            -o "$built.tmp") >"$log" 2>&1; then
      echo "toolchains: js: componentize-js $js_version FAILED to build js/hello.js:" >&2
      last_lines "$log" 20 >&2
      rm -f "$built.tmp"
      status=1
      return
    fi
    mv -f "$built.tmp" "$built"
    echo "toolchains: js: componentize-js $js_version built js/hello.js in $(( $(now) - t0 )) s"
  fi
  done_ js "$built"
  js_proxy "$tool"
}

# The wasi:http handler js/proxy.js. componentize-js's engine exports
# wasi:http/incoming-handler at the wasi:http version it was built against
# (WASMPOOL_COMPONENTIZE_JS_HTTP_VERSION, 0.2.10 for componentize-js 0.23.0), so its world is the
# pinned crate's WIT with the 0.2.x versions rewritten to that one; Wasmtime links any 0.2.x.
js_proxy() {
  local tool=$1 v="${WASMPOOL_COMPONENTIZE_JS_HTTP_VERSION:-0.2.10}"
  if [[ -z $http_wit || ! -f $http_wit/deps/http.wit ]]; then
    skip js "the wit/ folder of the wasmtime-wasi-http crate was not found (got '$http_wit')" proxy
    return
  fi
  local k built wit f
  k=$(key componentize-js-proxy "$js_version $v" "$here/js/proxy.js" "$http_wit"/*.wit "$http_wit"/deps/*.wit)
  built="$cache/built/js-proxy-$k.wasm"
  if [[ ! -f $built ]]; then
    local t0 log="$cache/built/js-proxy-$k.log"
    t0=$(now)
    wit="$cache/built/js-proxy-$k.wit"
    rm -rf "$wit" && mkdir -p "$wit/deps"
    for f in "$http_wit"/*.wit "$http_wit"/deps/*.wit; do
      sed -E "s/0\.2\.[0-9]+/$v/g" "$f" >"$wit/${f#"$http_wit"/}"
    done
    if ! (cd "$cache" && "$tool" "$here/js/proxy.js" --wit "$wit" --world-name wasi:http/proxy \
            -o "$built.tmp") >"$log" 2>&1; then
      echo "toolchains: js: componentize-js $js_version FAILED to build js/proxy.js:" >&2
      last_lines "$log" 20 >&2
      rm -f "$built.tmp"
      status=1
      return
    fi
    mv -f "$built.tmp" "$built"
    echo "toolchains: js: componentize-js $js_version built js/proxy.js in $(( $(now) - t0 )) s"
  fi
  done_ js "$built" proxy
}

# --- Python: componentize-py ------------------------------------------------------------------
build_py() {
  if ! command -v "$python" >/dev/null 2>&1; then
    skip py "python3 is needed for componentize-py (Debian: apt-get install python3 python3-venv)"
    return
  fi
  local venv="$cache/venv" tool="$cache/venv/bin/componentize-py"
  local have=""
  [[ -x $tool ]] && have=$("$tool" --version 2>/dev/null | awk '{print $2}')
  if [[ $have != "$py_version" ]]; then
    local t0 log="$cache/pip-install.log"
    t0=$(now)
    echo "toolchains: py: pip install componentize-py==$py_version (into $venv)"
    if [[ ! -x $venv/bin/pip ]] && ! "$python" -m venv "$venv" >"$log" 2>&1; then
      skip py "cannot create a Python virtual environment (Debian: apt-get install python3-venv): $(tail -n 1 "$log")"
      rm -rf "$venv"
      return
    fi
    if ! PIP_CACHE_DIR="$cache/pip-cache" "$venv/bin/pip" install --disable-pip-version-check \
         --quiet "componentize-py==$py_version" >"$log" 2>&1; then
      skip py "pip could not install componentize-py==$py_version (log: $log): $(tail -n 1 "$log")"
      return
    fi
    echo "toolchains: py: installed in $(( $(now) - t0 )) s"
  fi
  local k built
  k=$(key componentize-py "$py_version" "$here/py/app.py" "$here/hello/wit/hello.wit")
  built="$cache/built/py-hello-$k.wasm"
  if [[ ! -f $built ]]; then
    local t0 log="$cache/built/py-hello-$k.log"
    t0=$(now)
    # The application is imported from a copy: the Python inside componentize-py writes
    # __pycache__ next to the modules it imports, and the source tree stays clean.
    local app="$cache/built/py-hello-$k.src"
    rm -rf "$app" && mkdir -p "$app" && cp "$here/py/app.py" "$app/"
    if ! (cd "$cache" && "$tool" -d "$here/hello/wit" -w hello componentize -p "$app" app \
            -o "$built.tmp") >"$log" 2>&1; then
      echo "toolchains: py: componentize-py $py_version FAILED to build py/app.py:" >&2
      last_lines "$log" 20 >&2
      rm -f "$built.tmp"
      status=1
      return
    fi
    mv -f "$built.tmp" "$built"
    rm -rf "$app"
    echo "toolchains: py: componentize-py $py_version built py/app.py in $(( $(now) - t0 )) s"
  fi
  done_ py "$built"
}

build_js
build_py
exit "$status"
