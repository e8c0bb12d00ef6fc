// The `hello` world (../hello/wit/hello.wit) in JavaScript, for componentize-js.
export function hello(name) {
  return `Hello, ${name}!`;
}
