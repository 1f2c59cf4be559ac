//! The Leptos page (wasm32 only).

/// Mounts the app on the document body.
pub fn mount() {}
