// A byte array handed from the page to the engine worker a chunk at a time, through a
// MessagePort: each chunk is copied out of the array when the worker asks for it and transferred
// (not copied again), so the page copies in short tasks of its own instead of one long one, and the
// worker reads while the page copies. The page's array is left as it was.

/** The page's side: answers the worker's asks from `bytes` until the worker says it is done. */
export function offer(bytes, chunk) {
  const { port1, port2 } = new MessageChannel();
  let at = 0;
  port1.onmessage = (event) => {
    if (event.data === 'done') {
      port1.onmessage = null;
      port1.close();
      return;
    }
    // The worker reads the body a second time when its fast reader stepped aside.
    if (event.data === 'again') at = 0;
    const end = Math.min(at + chunk, bytes.length);
    const part = bytes.slice(at, end).buffer;
    at = end;
    port1.postMessage(part, [part]);
  };
  return port2;
}

/** The worker's side: `next()` and `again()` resolve to the next (or the first) chunk's ArrayBuffer. */
export function receive(port) {
  const waiting = [];
  port.onmessage = (event) => waiting.shift()?.(event.data);
  const ask = (what) => new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(what);
  });
  return {
    next: () => ask('next'),
    again: () => ask('again'),
    done: () => {
      port.postMessage('done');
      port.onmessage = null;
      port.close();
    },
  };
}
