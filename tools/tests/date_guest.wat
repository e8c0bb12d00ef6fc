;; A wasi:http/proxy component, in component text, that answers every request with 200, an empty
;; body and two headers of its own: `date: Sun, 06 Nov 1994 08:49:37 GMT` and `x-guest: date-test`.
;; wasmpool_serve.sh serves it to check that a guest's Date header is sent once, as the guest set
;; it (the server adds no second one).
;;
;; It imports only what it calls of wasi:http/types@0.2.12 (the types of those functions spelled
;; out as the WIT declares them) and exports wasi:http/incoming-handler@0.2.12. The linear memory
;; lives in a module of its own, instantiated first, so that the lowered imports can name it.
(component
  (import "wasi:http/types@0.2.12" (instance $http
    (export "fields" (type $fields (sub resource)))
    (export "outgoing-response" (type $response (sub resource)))
    (export "response-outparam" (type $outparam (sub resource)))
    (export "incoming-request" (type (sub resource)))
    (type $header-error' (variant (case "invalid-syntax") (case "forbidden") (case "immutable")))
    (export "header-error" (type $header-error (eq $header-error')))
    (type $dns' (record (field "rcode" (option string)) (field "info-code" (option u16))))
    (export "DNS-error-payload" (type $dns (eq $dns')))
    (type $tls' (record (field "alert-id" (option u8)) (field "alert-message" (option string))))
    (export "TLS-alert-received-payload" (type $tls (eq $tls')))
    (type $size' (record (field "field-name" (option string)) (field "field-size" (option u32))))
    (export "field-size-payload" (type $size (eq $size')))
    (type $error-code' (variant
      (case "DNS-timeout") (case "DNS-error" $dns) (case "destination-not-found")
      (case "destination-unavailable") (case "destination-IP-prohibited")
      (case "destination-IP-unroutable") (case "connection-refused") (case "connection-terminated")
      (case "connection-timeout") (case "connection-read-timeout") (case "connection-write-timeout")
      (case "connection-limit-reached") (case "TLS-protocol-error") (case "TLS-certificate-error")
      (case "TLS-alert-received" $tls) (case "HTTP-request-denied")
      (case "HTTP-request-length-required") (case "HTTP-request-body-size" (option u64))
      (case "HTTP-request-method-invalid") (case "HTTP-request-URI-invalid")
      (case "HTTP-request-URI-too-long") (case "HTTP-request-header-section-size" (option u32))
      (case "HTTP-request-header-size" (option $size))
      (case "HTTP-request-trailer-section-size" (option u32)) (case "HTTP-request-trailer-size" $size)
      (case "HTTP-response-incomplete") (case "HTTP-response-header-section-size" (option u32))
      (case "HTTP-response-header-size" $size) (case "HTTP-response-body-size" (option u64))
      (case "HTTP-response-trailer-section-size" (option u32))
      (case "HTTP-response-trailer-size" $size) (case "HTTP-response-transfer-coding" (option string))
      (case "HTTP-response-content-coding" (option string)) (case "HTTP-response-timeout")
      (case "HTTP-upgrade-failed") (case "HTTP-protocol-error") (case "loop-detected")
      (case "configuration-error") (case "internal-error" (option string))))
    (export "error-code" (type $error-code (eq $error-code')))
    (export "[constructor]fields" (func (result (own $fields))))
    (export "[method]fields.append" (func (param "self" (borrow $fields)) (param "name" string)
      (param "value" (list u8)) (result (result (error $header-error)))))
    (export "[constructor]outgoing-response" (func (param "headers" (own $fields)) (result (own $response))))
    (export "[static]response-outparam.set" (func (param "param" (own $outparam))
      (param "response" (result (own $response) (error $error-code)))))))
  (alias export $http "incoming-request" (type $request))
  (alias export $http "response-outparam" (type $outparam))

  (core module $memory
    (memory (export "memory") 1)
    (data (i32.const 16) "date")
    (data (i32.const 32) "Sun, 06 Nov 1994 08:49:37 GMT")
    (data (i32.const 64) "x-guest")
    (data (i32.const 80) "date-test"))
  (core instance $memory (instantiate $memory))
  (alias core export $memory "memory" (core memory $mem))

  (core func $fields (canon lower (func $http "[constructor]fields")))
  (core func $append (canon lower (func $http "[method]fields.append") (memory $mem) string-encoding=utf8))
  (core func $response (canon lower (func $http "[constructor]outgoing-response")))
  (core func $set (canon lower (func $http "[static]response-outparam.set") (memory $mem)))
  (core func $drop-request (canon resource.drop $request))

  (core module $main
    (import "http" "fields" (func $fields (result i32)))
    ;; self, name (pointer, length), value (pointer, length), where the result goes
    (import "http" "append" (func $append (param i32 i32 i32 i32 i32 i32)))
    (import "http" "response" (func $response (param i32) (result i32)))
    ;; the outparam, then result<outgoing-response, error-code> flattened: case, payload
    (import "http" "set" (func $set (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
    (import "http" "drop-request" (func $drop-request (param i32)))
    (import "env" "memory" (memory 1))
    (func (export "handle") (param $request i32) (param $out i32)
      (local $h i32)
      (local.set $h (call $fields))
      (call $append (local.get $h) (i32.const 16) (i32.const 4) (i32.const 32) (i32.const 29) (i32.const 128))
      (if (i32.load8_u (i32.const 128)) (then unreachable))
      (call $append (local.get $h) (i32.const 64) (i32.const 7) (i32.const 80) (i32.const 9) (i32.const 128))
      (if (i32.load8_u (i32.const 128)) (then unreachable))
      (call $drop-request (local.get $request))
      (call $set (local.get $out) (i32.const 0) (call $response (local.get $h))
        (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))))
  (core instance $main (instantiate $main
    (with "http" (instance
      (export "fields" (func $fields))
      (export "append" (func $append))
      (export "response" (func $response))
      (export "set" (func $set))
      (export "drop-request" (func $drop-request))))
    (with "env" (instance (export "memory" (memory $mem))))))

  (func $handle (param "request" (own $request)) (param "response-out" (own $outparam))
    (canon lift (core func $main "handle")))
  (instance $handler (export "handle" (func $handle)))
  (export "wasi:http/incoming-handler@0.2.12" (instance $handler)))
