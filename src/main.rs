//! The page's entry point: mounts the Leptos app (wasm32). Natively it only says where the page is.

#[cfg(all(target_arch = "wasm32", feature = "page"))]
fn main() {
    faultline::app::mount();
}

#[cfg(not(all(target_arch = "wasm32", feature = "page")))]
fn main() {
    eprintln!(
        "faultline-web is the browser page: build it with `trunk build --release` (see README)."
    );
}
