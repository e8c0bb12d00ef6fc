// A wasi:http/proxy handler in JavaScript for componentize-js (the fetch-event style its
// StarlingMonkey engine runs): answers every request with a short text naming its method and path.
addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  event.respondWith(
    new Response(`hello from js: ${event.request.method} ${url.pathname}\n`, {
      headers: { "content-type": "text/plain" },
    }),
  );
});
