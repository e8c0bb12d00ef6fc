;; One instance's exports satisfy another module's imports (`register`):
;; functions, a memory, a table and globals, shared by reference.

(module $M
  (memory (export "mem") 1 4)
  (table (export "tab") 4 funcref)
  (global (export "counter") (mut i32) (i32.const 10))
  (global (export "seed") i64 (i64.const 42))
  (func $double (export "double") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 2)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "read-counter") (result i32) (global.get 0))
  (elem (i32.const 1) $double))

(register "M" $M)

(module $N
  (import "M" "double" (func $double (param i32) (result i32)))
  (import "M" "mem" (memory 1))
  (import "M" "tab" (table 4 funcref))
  (import "M" "counter" (global $counter (mut i32)))
  (import "M" "seed" (global $seed i64))
  (type $i2i (func (param i32) (result i32)))
  (func (export "quad") (param i32) (result i32)
    (call $double (call $double (local.get 0))))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $i2i) (local.get 1) (local.get 0)))
  (func (export "bump") (global.set $counter (i32.add (global.get $counter) (i32.const 1))))
  (func (export "seed") (result i64) (global.get $seed)))

(assert_return (invoke $N "quad" (i32.const 5)) (i32.const 20))
(assert_return (invoke $N "indirect" (i32.const 1) (i32.const 21)) (i32.const 42))
(assert_trap (invoke $N "indirect" (i32.const 0) (i32.const 1)) "uninitialized element")
(assert_trap (invoke $N "indirect" (i32.const 9) (i32.const 1)) "undefined element")
(assert_return (invoke $N "seed") (i64.const 42))

;; The memory is shared: what $N stores, $M loads.
(invoke $N "store" (i32.const 100) (i32.const 0x01020304))
(assert_return (invoke $M "load" (i32.const 100)) (i32.const 0x01020304))

;; So is the mutable global.
(invoke $N "bump")
(invoke $N "bump")
(assert_return (invoke $M "read-counter") (i32.const 12))
(assert_return (get $M "counter") (i32.const 12))

;; Registering under a second name works too; a chain of registrations.
(register "N" $N)
(module $O
  (import "N" "quad" (func $quad (param i32) (result i32)))
  (func (export "octo") (param i32) (result i32)
    (i32.mul (call $quad (local.get 0)) (i32.const 2))))
(assert_return (invoke $O "octo" (i32.const 3)) (i32.const 24))

;; Imports that cannot be satisfied.
(assert_unlinkable
  (module (import "M" "missing" (func)))
  "unknown import")
(assert_unlinkable
  (module (import "M" "mem" (table 1 funcref)))
  "incompatible import type")
(assert_unlinkable
  (module (import "M" "double" (func (param i64))))
  "incompatible import type")
(assert_unlinkable
  (module (import "M" "mem" (memory 5)))
  "incompatible import type")
(assert_unlinkable
  (module (import "M" "seed" (global (mut i64))))
  "incompatible import type")
(assert_unlinkable
  (module (import "nowhere" "f" (func)))
  "unknown import")
