// End-to-end tests of the page, against the release build in ../../dist.
//
//   (cd tests/e2e && node run.mjs)          # scripts/test.sh runs exactly this
//   ONLY=history node run.mjs               # only tests whose name contains "history"
//
// Loads every spec in ./specs/ (in name order), serves dist/ (see lib.mjs), drives headless
// Chromium through playwright-core, one fresh page per test. Exits nonzero if any test fails,
// after a summary. Every request must go to the page's own origin unless a test allows more.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tests, serve, assert, HERE, DIST, SHOTS, SUBPATH, CHROMIUM, TIMEOUT } from './lib.mjs';

for (const f of fs.readdirSync(path.join(HERE, 'specs')).filter((f) => f.endsWith('.mjs')).sort()) {
  await import(pathToFileURL(path.join(HERE, 'specs', f)).href);
}

// ---------------------------------------------------------------- the runner

async function main() {
  assert(fs.existsSync(path.join(DIST, 'index.html')), `no build in ${DIST}: run trunk build --release first`);
  const hooks = {};
  const server = await serve(hooks);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const results = [];
  const allRequests = [];
  const only = process.env.ONLY;
  for (const t of tests.filter((t) => !only || t.name.includes(only))) {
    const page = await context.newPage();
    const requests = [];
    const consoleErrors = [];
    const onRequest = (r) => requests.push(r.url());
    context.on('request', onRequest);
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    const started = Date.now();
    let error = null;
    try {
      await Promise.race([
        t.fn({ page, origin, requests, consoleErrors, hooks }),
        new Promise((_, reject) => setTimeout(() => reject(new Error('test timed out')), 3 * TIMEOUT)),
      ]);
      const allowed = [origin, ...(t.opts.allowOrigins ? t.opts.allowOrigins(origin) : [])];
      const foreign = requests.filter((u) => !allowed.some((o) => u.startsWith(o + '/')));
      if (foreign.length) throw new Error(`requests beyond the page's origin: ${foreign.join(', ')}`);
      const csp = consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e));
      if (csp.length) throw new Error(`CSP violations: ${csp.join(' | ')}`);
    } catch (e) {
      error = e;
      try {
        fs.mkdirSync(SHOTS, { recursive: true });
        await page.screenshot({ path: path.join(SHOTS, `FAILED-${results.length + 1}.png`), fullPage: true });
      } catch {}
    }
    context.off('request', onRequest);
    // The final check covers every request except those to an origin the test allowed.
    const extra = t.opts.allowOrigins ? t.opts.allowOrigins(origin) : [];
    allRequests.push(...requests.filter((u) => !extra.some((o) => u.startsWith(o + '/'))));
    delete hooks.fail;
    await page.close();
    const ms = Date.now() - started;
    results.push({ name: t.name, error, ms, consoleErrors });
    console.log(`${error ? '✗ FAIL' : '✓ ok  '} ${t.name} (${ms} ms)`);
    if (error) {
      console.log(`    ${error.message.split('\n').join('\n    ')}`);
      if (consoleErrors.length) console.log(`    console: ${consoleErrors.slice(0, 5).join('\n    console: ')}`);
    }
  }
  await context.close();
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });

  // Every request the page made, over all tests, was for a static file of its own origin.
  const files = [...new Set(allRequests.map((u) => new URL(u).pathname.replace(SUBPATH, '/')))].sort();
  console.log(`\nrequests: ${allRequests.length}, all to ${origin}; files: ${files.join(' ')}`);
  const notStatic = files.filter((f) => !fs.existsSync(path.join(DIST, f.endsWith('/') ? f + 'index.html' : f)));
  const foreign = allRequests.filter((u) => !u.startsWith(origin + '/'));
  results.push({
    name: 'every request was for a static file of the page\'s own origin',
    error:
      foreign.length || notStatic.length
        ? new Error(`foreign: ${foreign.join(', ') || 'none'}; not in dist/: ${notStatic.join(', ') || 'none'}`)
        : null,
  });
  const failed = results.filter((r) => r.error);
  console.log(`\n${results.length - failed.length} passed, ${failed.length} failed `);
  for (const r of failed) console.log(`  FAILED: ${r.name}: ${r.error.message.split('\n')[0]}`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
