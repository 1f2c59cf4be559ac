// Starts the page's wasm. Trunk's default starter is an inline script, which the page's
// Content-Security-Policy (scripts from 'self' only) forbids; Trunk.toml's pattern_script puts
// this file in its place, with the hashed file names in data attributes.
const el = document.getElementById('faultline-boot');
const bindings = await import(el.dataset.js);
await bindings.default({ module_or_path: el.dataset.wasm });
