//! The page's entry point: mounts the Leptos app (wasm32). Natively it only says where the page is.

#[cfg(target_arch = "wasm32")]
fn main() {
    faultline::app::mount();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("faultline-web is the browser page: build it with `trunk build --release` (see README).");
}
