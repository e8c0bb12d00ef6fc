;; Reference values through wasmpool_val_t: funcref and externref arguments
;; and results, ref.null / ref.is_null / ref.func, globals and tables of
;; references, and typed function references.

(module $R
  (type $i2i (func (param i32) (result i32)))
  (func $inc (type $i2i) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (type $i2i) (i32.mul (local.get 0) (i32.const 2)))
  (elem declare func $inc $dbl)

  ;; externref in and out
  (func (export "id-extern") (param externref) (result externref) (local.get 0))
  (func (export "is-null-extern") (param externref) (result i32) (ref.is_null (local.get 0)))
  (func (export "null-extern") (result externref) (ref.null extern))
  (func (export "pick") (param i32 externref externref) (result externref)
    (select (result externref) (local.get 1) (local.get 2) (local.get 0)))

  ;; funcref in and out
  (func (export "get-inc") (result funcref) (ref.func $inc))
  (func (export "null-func") (result funcref) (ref.null func))
  (func (export "is-null-func") (param funcref) (result i32) (ref.is_null (local.get 0)))
  (func (export "id-func") (param funcref) (result funcref) (local.get 0))

  ;; globals of references
  (global $ge (export "ge") (mut externref) (ref.null extern))
  (global $gf (export "gf") (mut funcref) (ref.func $dbl))
  (func (export "set-ge") (param externref) (global.set $ge (local.get 0)))
  (func (export "get-ge") (result externref) (global.get $ge))
  (func (export "get-gf") (result funcref) (global.get $gf))

  ;; tables of references
  (table $te (export "te") 3 externref)
  (table $tf (export "tf") 2 funcref)
  (func (export "te-set") (param i32 externref) (table.set $te (local.get 0) (local.get 1)))
  (func (export "te-get") (param i32) (result externref) (table.get $te (local.get 0)))
  (func (export "te-grow") (param externref i32) (result i32) (table.grow $te (local.get 0) (local.get 1)))
  (func (export "te-size") (result i32) (table.size $te))
  (func (export "tf-set") (param i32 funcref) (table.set $tf (local.get 0) (local.get 1)))
  (func (export "tf-call") (param i32 i32) (result i32)
    (call_indirect $tf (type $i2i) (local.get 1) (local.get 0)))

  ;; typed function references (function-references proposal)
  (func (export "get-typed") (result (ref $i2i)) (ref.func $dbl))
  (func (export "call-typed") (param (ref null $i2i) i32) (result i32)
    (call_ref $i2i (local.get 1) (local.get 0)))
)

(assert_return (invoke "id-extern" (ref.extern 7)) (ref.extern 7))
(assert_return (invoke "id-extern" (ref.extern 0)) (ref.extern 0))
(assert_return (invoke "id-extern" (ref.null extern)) (ref.null extern))
(assert_return (invoke "is-null-extern" (ref.null extern)) (i32.const 1))
(assert_return (invoke "is-null-extern" (ref.extern 3)) (i32.const 0))
(assert_return (invoke "null-extern") (ref.null extern))
(assert_return (invoke "pick" (i32.const 1) (ref.extern 10) (ref.extern 20)) (ref.extern 10))
(assert_return (invoke "pick" (i32.const 0) (ref.extern 10) (ref.extern 20)) (ref.extern 20))

(assert_return (invoke "get-inc") (ref.func))
(assert_return (invoke "null-func") (ref.null func))
(assert_return (invoke "is-null-func" (ref.null func)) (i32.const 1))
(assert_return (invoke "id-func" (ref.null func)) (ref.null func))

(assert_return (get "ge") (ref.null extern))
(invoke "set-ge" (ref.extern 42))
(assert_return (get "ge") (ref.extern 42))
(assert_return (invoke "get-ge") (ref.extern 42))
(assert_return (get "gf") (ref.func))
(assert_return (invoke "get-gf") (ref.func))

(assert_return (invoke "te-get" (i32.const 0)) (ref.null extern))
(invoke "te-set" (i32.const 1) (ref.extern 5))
(assert_return (invoke "te-get" (i32.const 1)) (ref.extern 5))
(assert_return (invoke "te-grow" (ref.extern 9) (i32.const 2)) (i32.const 3))
(assert_return (invoke "te-size") (i32.const 5))
(assert_return (invoke "te-get" (i32.const 4)) (ref.extern 9))
(assert_trap (invoke "te-get" (i32.const 5)) "out of bounds table access")
(assert_trap (invoke "tf-call" (i32.const 0) (i32.const 1)) "uninitialized element")
(invoke "tf-set" (i32.const 0) (ref.null func))
(assert_trap (invoke "tf-call" (i32.const 0) (i32.const 1)) "uninitialized element")

(assert_return (invoke "get-typed") (ref.func))
(assert_trap (invoke "call-typed" (ref.null $i2i) (i32.const 1)) "null reference")

;; A module's funcref export imported elsewhere, and externref globals and
;; tables imported across instances.
(register "R" $R)
(module
  (import "R" "ge" (global $ge (mut externref)))
  (import "R" "te" (table $te 5 externref))
  (func (export "read-ge") (result externref) (global.get $ge))
  (func (export "read-te") (param i32) (result externref) (table.get $te (local.get 0))))
(assert_return (invoke "read-ge") (ref.extern 42))
(assert_return (invoke "read-te" (i32.const 1)) (ref.extern 5))
(assert_unlinkable (module (import "R" "ge" (global (mut funcref)))) "incompatible import type")
