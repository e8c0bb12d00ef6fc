;; Exceptions (exception-handling proposal): thrown and caught inside the guest, with payloads of
;; each number type; uncaught, as an error of kind EXCEPTION (`assert_exception`); and a tag shared
;; through `register`, thrown by one instance and caught by another.

(module $Tags
  (tag $boom (export "boom") (param i32))
  (func (export "throw-boom") (param i32) (throw $boom (local.get 0))))

(register "Tags" $Tags)

(module $M
  (import "Tags" "boom" (tag $boom (param i32)))
  (import "Tags" "throw-boom" (func $throw_boom (param i32)))
  (tag $pair (param i64 f64))
  (tag $f (param f32))

  ;; The payload of $boom thrown by the other instance, plus one.
  (func (export "catch-imported") (param i32) (result i32)
    (block $h (result i32)
      (try_table (catch $boom $h) (call $throw_boom (local.get 0)))
      (return (i32.const -1)))
    (i32.add (i32.const 1)))

  ;; Both payload values of $pair, combined: i64 + trunc(f64).
  (func (export "catch-pair") (param i64 f64) (result i64)
    (block $h (result i64 f64)
      (try_table (catch $pair $h) (throw $pair (local.get 0) (local.get 1)))
      (return (i64.const -1)))
    (i64.trunc_f64_s)
    (i64.add))

  (func (export "catch-f32") (param f32) (result f32)
    (block $h (result f32)
      (try_table (catch $f $h) (throw $f (local.get 0)))
      (return (f32.const -1)))
    (f32.neg))

  ;; catch_all: any tag, no payload.
  (func (export "catch-all") (result i32)
    (block $h
      (try_table (catch_all $h) (call $throw_boom (i32.const 5)))
      (return (i32.const 0)))
    (i32.const 1))

  ;; Not caught here: the other tag passes by.
  (func (export "wrong-tag") (param i32) (result i32)
    (block $h (result f32)
      (try_table (catch $f $h) (call $throw_boom (local.get 0)))
      (return (i32.const 0)))
    (drop)
    (i32.const 1))

  (func (export "uncaught") (param i64 f64) (throw $pair (local.get 0) (local.get 1))))

(assert_return (invoke "catch-imported" (i32.const 41)) (i32.const 42))
(assert_return (invoke "catch-pair" (i64.const 40) (f64.const 2.75)) (i64.const 42))
(assert_return (invoke "catch-f32" (f32.const 1.5)) (f32.const -1.5))
(assert_return (invoke "catch-all") (i32.const 1))
(assert_exception (invoke "wrong-tag" (i32.const 3)))
(assert_exception (invoke "uncaught" (i64.const 1) (f64.const 2)))
(assert_exception (invoke $Tags "throw-boom" (i32.const 7)))
;; The store goes on after an uncaught exception.
(assert_return (invoke $M "catch-imported" (i32.const 0)) (i32.const 1))
