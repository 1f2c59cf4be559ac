//! The Web Worker that runs the engine off the UI thread (wasm32 only).
