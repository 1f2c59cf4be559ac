// A helper of the engine worker's pool (src/worker/pool.rs). The engine's code is not fetched
// and compiled again: the first message is the engine worker's own compiled WebAssembly.Module
// (the same code, already warm), and instantiating it runs the engine's main, which answers
// `ready` like any engine worker. Messages sent before this script ran wait in its queue.
importScripts('./faultline-worker.js');
self.onmessage = (ev) => {
  self.onmessage = null;
  wasm_bindgen({ module_or_path: ev.data });
};
