// Faultline's service worker: after one visit, the page keeps working offline.
//
// Network first, always: while online every request goes to the server as if this worker did
// not exist (a new deploy, or an error, shows at once; error responses are passed through and
// never stored). Only when the network fails does it answer from the cache.
//
// The cache holds exactly the files of one build, fetched when this worker installs: FILES
// and VERSION are filled in at build time by scripts/service-worker.sh (a trunk post_build
// hook), from the files trunk staged and a digest of their contents. A new build is a new
// VERSION, hence a new worker and a new cache; the old cache is deleted when it takes over.
// URLs are relative to this file, so the page works at any path (scope: its own directory).
// Nothing outside the page's own directory is ever requested.

const VERSION = 'dev';
const FILES = [];

const SCOPE = self.registration.scope;
// CacheStorage is per origin: name caches by scope too, so two copies of the page on one
// origin (say / and /preview/) never delete each other's files.
const PREFIX = 'faultline:';
const CACHE = `${PREFIX}${VERSION}:${SCOPE}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        // addAll is all or nothing, and rejects on any non-2xx answer: no error is cached.
        await cache.addAll(['./', ...FILES].map((f) => new Request(f, { cache: 'reload' })));
      } catch (e) {
        await caches.delete(CACHE);
        throw e; // install fails; the browser tries again on a later visit
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name.endsWith(`:${SCOPE}`) && name !== CACHE) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || !req.url.startsWith(SCOPE)) return;
  event.respondWith(
    fetch(req).catch(async (offline) => {
      const cache = await caches.open(CACHE);
      const hit =
        (await cache.match(req, { ignoreSearch: true })) ||
        (req.mode === 'navigate' ? await cache.match('./') : undefined);
      if (hit) return hit;
      throw offline;
    }),
  );
});
