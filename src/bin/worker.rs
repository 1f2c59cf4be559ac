//! `faultline-worker`: the Web Worker that runs the engine for the page (wasm32). Trunk builds it
//! with `data-type="worker"`; the page starts it through `faultline-worker_loader.js`.

#[cfg(target_arch = "wasm32")]
fn main() {
    faultline::worker::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("faultline-worker runs inside the page as a Web Worker; see README.");
}
