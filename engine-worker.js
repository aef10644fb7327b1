// Tally's engine worker: loads the app's own wasm off the main thread and answers the page's
// requests (read a body, summarize, break down, estimate). Messages that arrive while the wasm
// loads are kept and answered first.
const early = [];
self.onmessage = (event) => early.push(event.data);
import('./tally-web.js')
  .then(async (app) => {
    await app.default({ module_or_path: new URL('./tally-web_bg.wasm', import.meta.url) });
    app.engine_worker_start(early);
  })
  .catch((error) => {
    // Reported to the page as the worker's error event; the page then runs the engine itself.
    setTimeout(() => { throw error; });
  });
