// Tally's engine worker: loads the app's own wasm off the main thread and answers the page's
// requests (read a body, summarize, break down, estimate). Messages that arrive while the wasm
// loads are kept and answered first.
//
// The page's first message is `{wasm}`: the WebAssembly.Module it has already compiled, which the
// worker instantiates instead of fetching and compiling the file again (about 60 ms of a widget's
// mount). Without one (`{wasm: null}`), the worker loads the file next to this script.
const early = [];
let wasmFromPage;
const wasmArrived = new Promise((resolve) => { wasmFromPage = resolve; });
self.onmessage = (event) => {
  const data = event.data;
  if (data !== null && typeof data === 'object' && 'wasm' in data) wasmFromPage(data.wasm);
  else early.push(data);
};
Promise.all([import('./tally-web.js'), wasmArrived])
  .then(async ([app, wasm]) => {
    const compiled = typeof WebAssembly === 'object' && wasm instanceof WebAssembly.Module;
    await app.default({ module_or_path: compiled ? wasm : new URL('./tally-web_bg.wasm', import.meta.url) });
    app.engine_worker_start(early);
  })
  .catch((error) => {
    // Reported to the page as the worker's error event; the page then runs the engine itself.
    setTimeout(() => { throw error; });
  });
