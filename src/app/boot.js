// Starts the page's wasm. Trunk's default starter is an inline script, which the page's
// Content-Security-Policy (scripts from 'self' only) forbids; Trunk.toml's pattern_script puts
// this file in its place, with the hashed file names in data attributes.
const el = document.getElementById('faultline-boot');
const bindings = await import(el.dataset.js);
await bindings.default({ module_or_path: el.dataset.wasm });

// Offline after a first visit: sw.js (written at build time, see scripts/service-worker.sh)
// caches this build's files. Relative URL and scope: the page's own directory, wherever it is
// hosted. A browser without service workers (or one that refuses, e.g. private mode in some
// browsers) simply runs online.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js', { scope: './' }).catch((e) => {
    console.info('Faultline works online only here: the offline cache could not be set up.', e);
  });
}
