;; Traps carry their reason; the store stays usable after each.

(module
  (func (export "unreachable") (unreachable))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "rem_u") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
  (func (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  (func $loop (export "loop") (param i32) (result i32) (call $loop (local.get 0)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "fdiv") (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1))))

(assert_trap (invoke "unreachable") "unreachable")
(assert_trap (invoke "div_s" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div_s" (i32.const 0x80000000) (i32.const -1)) "integer overflow")
(assert_trap (invoke "rem_u" (i64.const 1) (i64.const 0)) "integer divide by zero")
(assert_trap (invoke "trunc" (f32.const nan)) "invalid conversion to integer")
(assert_trap (invoke "trunc" (f32.const 3e9)) "integer overflow")
(assert_exhaustion (invoke "loop" (i32.const 0)) "call stack exhausted")
(assert_return (invoke "add" (i32.const 40) (i32.const 2)) (i32.const 42))
(assert_return (invoke "div_s" (i32.const -7) (i32.const 2)) (i32.const -3))
(assert_return (invoke "fdiv" (f64.const 0) (f64.const 0)) (f64.const nan:arithmetic))
(assert_return (invoke "fdiv" (f64.const 1) (f64.const -0)) (f64.const -inf))

;; A start function that traps fails the instantiation.
(assert_trap (module (func $s (unreachable)) (start $s)) "unreachable")

(assert_invalid (module (func (result i32) (i64.const 1))) "type mismatch")
(assert_invalid (module (func (call 3))) "unknown function")
(assert_malformed (module quote "(func (i32.const))") "unexpected token")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
