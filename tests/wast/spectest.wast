;; The `spectest` module a C host defines: print functions, globals, a
;; table and a memory made with wasmpool_global_new, _table_new, _memory_new.

(module
  (import "spectest" "print" (func $print))
  (import "spectest" "print_i32" (func $print_i32 (param i32)))
  (import "spectest" "print_i64" (func $print_i64 (param i64)))
  (import "spectest" "print_f32" (func $print_f32 (param f32)))
  (import "spectest" "print_f64" (func $print_f64 (param f64)))
  (import "spectest" "print_i32_f32" (func $print_i32_f32 (param i32 f32)))
  (import "spectest" "print_f64_f64" (func $print_f64_f64 (param f64 f64)))
  (import "spectest" "global_i32" (global $gi32 i32))
  (import "spectest" "global_i64" (global $gi64 i64))
  (import "spectest" "global_f32" (global $gf32 f32))
  (import "spectest" "global_f64" (global $gf64 f64))
  (func (export "print-all")
    (call $print)
    (call $print_i32 (i32.const 1))
    (call $print_i64 (i64.const 2))
    (call $print_f32 (f32.const 3))
    (call $print_f64 (f64.const 4))
    (call $print_i32_f32 (i32.const 5) (f32.const 6))
    (call $print_f64_f64 (f64.const 7) (f64.const 8)))
  (func (export "gi32") (result i32) (global.get $gi32))
  (func (export "gi64") (result i64) (global.get $gi64))
  (func (export "gf32") (result f32) (global.get $gf32))
  (func (export "gf64") (result f64) (global.get $gf64)))

(assert_return (invoke "print-all"))
(assert_return (invoke "gi32") (i32.const 666))
(assert_return (invoke "gi64") (i64.const 666))
(assert_return (invoke "gf32") (f32.const 666.6))
(assert_return (invoke "gf64") (f64.const 666.6))

;; The host memory: 1 page, at most 2; two modules share it.
(module $A
  (import "spectest" "memory" (memory 1 2))
  (data (i32.const 8) "\2a\00\00\00")
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
(module $B
  (import "spectest" "memory" (memory 1))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1))))

(assert_return (invoke $A "load" (i32.const 8)) (i32.const 42))
(invoke $B "store" (i32.const 8) (i32.const 7))
(assert_return (invoke $A "load" (i32.const 8)) (i32.const 7))
(assert_return (invoke $A "size") (i32.const 1))
(assert_trap (invoke $A "load" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke $A "grow" (i32.const 1)) (i32.const 1))
(assert_return (invoke $A "size") (i32.const 2))
(assert_return (invoke $A "load" (i32.const 65536)) (i32.const 0))
;; The host memory's maximum is 2 pages.
(assert_return (invoke $A "grow" (i32.const 1)) (i32.const -1))
(assert_return (invoke $A "size") (i32.const 2))

;; A module asking for the grown size links now (sizes are read at
;; instantiation); one asking for more than the maximum does not.
(module (import "spectest" "memory" (memory 2)))
(assert_unlinkable (module (import "spectest" "memory" (memory 1 1))) "incompatible import type")

;; The host table: 10 funcref elements, at most 20.
(module $T
  (import "spectest" "table" (table 10 20 funcref))
  (type $v2i (func (result i32)))
  (func $seven (result i32) (i32.const 7))
  (elem (i32.const 3) $seven)
  (func (export "call") (param i32) (result i32) (call_indirect (type $v2i) (local.get 0)))
  (func (export "size") (result i32) (table.size))
  (func (export "grow") (param i32) (result i32) (table.grow (ref.null func) (local.get 0))))
(assert_return (invoke $T "call" (i32.const 3)) (i32.const 7))
(assert_trap (invoke $T "call" (i32.const 4)) "uninitialized element")
(assert_trap (invoke $T "call" (i32.const 10)) "undefined element")
(assert_return (invoke $T "size") (i32.const 10))
(assert_return (invoke $T "grow" (i32.const 5)) (i32.const 10))
(assert_return (invoke $T "size") (i32.const 15))
(assert_return (invoke $T "grow" (i32.const 6)) (i32.const -1))
(assert_unlinkable (module (import "spectest" "table" (table 10 funcref)) (import "spectest" "print_i32" (func (param i64)))) "incompatible import type")
(assert_unlinkable (module (import "spectest" "global_i32" (global (mut i32)))) "incompatible import type")
(assert_unlinkable (module (import "spectest" "memory" (table 1 funcref))) "incompatible import type")
