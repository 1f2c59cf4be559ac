// The page's half of scripts/bench-store.sh --page (a benchmark, not a test: figures printed,
// only a root cause different from the CLI's fails it). Serves the release build in ../../../dist
// on a free localhost port, opens it in headless Chromium, fills the "Log store" panel with the
// ClickHouse and window the CLI just analyzed, clicks "Analyze window" and waits for the report.
// Prints: time from the click to the report, the root cause next to the CLI's, the page's peak
// JS heap (CDP Performance.getMetrics, sampled), the worker's wasm memory, the tab's peak RSS
// (the renderer processes of our profile, sampled from /proc) and the bytes the page received
// from the store (response bodies as received, before gunzip, from the network events).
//
// Environment (set by scripts/bench-store.sh): BENCH_CH=HOST:PORT, BENCH_DB, BENCH_TABLE,
// BENCH_FROM / BENCH_TO ('YYYY-MM-DD HH:MM:SS' UTC), BENCH_CLI_REPORT (the CLI's JSON report for
// the same window), CHROMIUM (default /usr/bin/chromium).

import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DIST = path.join(ROOT, 'dist');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set (scripts/bench-store.sh --page sets it)`);
  return process.env[k];
};
const CH = env('BENCH_CH');
const DB = env('BENCH_DB');
const TABLE = env('BENCH_TABLE');
const FROM = env('BENCH_FROM');
const TO = env('BENCH_TO');
const expected = JSON.parse(fs.readFileSync(env('BENCH_CLI_REPORT'), 'utf8'));
const TIMEOUT = 10 * 60_000;
const MB = (b) => (b / 1e6).toFixed(1);

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml' };

function serve() {
  const server = createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(DIST, path.normalize(p));
    if (!file.startsWith(DIST + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      return res.end('not found');
    }
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Pids of our profile's renderer processes (Chromium rewrites argv, so match the joined text). */
function rendererPids(profile) {
  const procs = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      procs.push({ pid: Number(pid), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), cmd });
    } catch {}
  }
  const ours = new Set(procs.filter((p) => p.cmd.includes(`--user-data-dir=${profile}`)).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (!ours.has(p.pid) && ours.has(p.ppid)) ours.add(p.pid), (grew = true);
  }
  return procs.filter((p) => ours.has(p.pid) && /--type=renderer(\s|$)/.test(p.cmd)).map((p) => p.pid);
}

/** A process's resident and proportional set sizes (PSS splits pages shared with other processes). */
function mem(pid) {
  try {
    const t = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(t)[1]) * 1024;
    return { rss: kb('Rss'), pss: kb('Pss') };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

/**
 * Samples every renderer's memory and the page's JS heap every 100 ms; keeps each renderer's peak
 * (the tab is the renderer that peaks highest) and the peak of their sum.
 */
function sampler(profile, cdp) {
  const s = { per: new Map(), sum: 0, sumPss: 0, heap: 0, heapBefore: null, busy: false };
  let pids = rendererPids(profile);
  let n = 0;
  const tick = async () => {
    if (++n % 20 === 0) pids = rendererPids(profile);
    let sum = 0;
    let sumPss = 0;
    for (const pid of pids) {
      const m = mem(pid);
      const p = s.per.get(pid) || { before: m, rss: 0, pss: 0 };
      p.rss = Math.max(p.rss, m.rss);
      p.pss = Math.max(p.pss, m.pss);
      s.per.set(pid, p);
      sum += m.rss;
      sumPss += m.pss;
    }
    s.sum = Math.max(s.sum, sum);
    s.sumPss = Math.max(s.sumPss, sumPss);
    if (s.busy) return;
    s.busy = true;
    try {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const h = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value || 0;
      if (s.heapBefore == null) s.heapBefore = h;
      s.heap = Math.max(s.heap, h);
    } catch {}
    s.busy = false;
  };
  const timer = setInterval(tick, 100);
  return { s, tick, stop: () => clearInterval(timer) };
}

async function wasmMemory(page) {
  const worker = page.workers().find((w) => w.url().endsWith('/faultline-worker_loader.js'));
  if (!worker) return null;
  // Linear memory never shrinks: after the run its size is the run's peak.
  return worker.evaluate(async () => (await wasm_bindgen()).memory.buffer.byteLength).catch(() => null);
}

async function main() {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error(`no build in ${DIST}: run trunk build --release --offline`);
  const server = await serve();
  const origin = `http://127.0.0.1:${server.address().port}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-store-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'],
  });
  let crashed = false;
  try {
    // The context's first tab, so no other page's renderer is counted.
    const page = context.pages()[0] || (await context.newPage());
    page.on('crash', () => (crashed = true));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    // Bytes from the store: every finished request to its origin (the worker's fetches included),
    // response body as received (gzip) plus headers.
    const storeOrigin = `http://${CH}/`;
    const received = { requests: 0, body: 0, headers: 0, pending: [] };
    context.on('requestfinished', (req) => {
      if (!req.url().startsWith(storeOrigin)) return;
      received.requests += 1;
      received.pending.push(req.sizes().then((z) => {
        received.body += z.responseBodySize;
        received.headers += z.responseHeadersSize;
      }).catch(() => {}));
    });

    await page.goto(origin + '/');
    await page.waitForSelector('[data-testid="input-lines"]', { timeout: 120_000 });
    await page.waitForSelector('[data-testid="progress"][data-state="idle"]', { timeout: 120_000 });
    await page.locator('[data-testid="store-panel"] > summary').click();
    await page.locator('[data-testid="store-address"]').fill(`http://${CH}/${DB}`);
    await page.locator('[data-testid="store-table"]').fill(TABLE);
    await page.locator('[data-testid="store-window"]').selectOption('custom');
    await page.locator('[data-testid="store-from"]').fill(FROM);
    await page.locator('[data-testid="store-to"]').fill(TO);

    const mon = sampler(profile, cdp);
    await mon.tick(); // the "before" figures
    const t0 = Date.now();
    await page.locator('[data-testid="store-analyze"]').click();
    let error = null;
    try {
      const h = await page.waitForFunction(
        (n) => {
          const err = document.querySelector('[data-testid="error"]');
          if (err) return { error: err.textContent.trim() };
          const el = document.querySelector('[data-testid="input-lines"]');
          const st = document.querySelector('[data-testid="progress"]');
          return el && st && st.dataset.state === 'idle' && Number(el.textContent) === n ? { ok: true } : false;
        },
        expected.input.lines,
        { timeout: TIMEOUT, polling: 50 },
      );
      error = (await h.jsonValue()).error || null;
    } catch (e) {
      error = crashed ? 'the tab crashed' : e.message.split('\n')[0];
    }
    const secs = (Date.now() - t0) / 1000;
    await mon.tick();
    mon.stop();
    await Promise.all(received.pending);
    if (error) throw new Error(`no report from the page after ${secs.toFixed(1)} s: ${error}`);
    const wasm = await wasmMemory(page);

    // The report as the page exports it, against the CLI's for the same window.
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="export-json"]').click()]);
    const got = JSON.parse(fs.readFileSync(await dl.path(), 'utf8'));
    const rc = (r) => `${r.root_cause.service} ${r.root_cause.failure_class} ${r.severity}`;
    const same = JSON.stringify(got.root_cause) === JSON.stringify(expected.root_cause) && got.severity === expected.severity;
    const samePz = JSON.stringify(got.forensic.patient_zero) === JSON.stringify(expected.forensic.patient_zero);

    const s = mon.s;
    console.log(`page: report ${secs.toFixed(2)} s after "Analyze window" (${got.input.lines} lines analyzed; the CLI ${expected.input.lines})`);
    console.log(`page: root cause ${rc(got)}; CLI ${rc(expected)}: ${same ? 'same' : 'DIFFERENT'}; patient zero ${samePz ? 'same' : 'DIFFERENT'}`);
    console.log(`page: peak JS heap ${MB(s.heap)} MB (${MB(s.heapBefore)} MB before the click; CDP JSHeapUsedSize every 100 ms)`);
    console.log(`page: worker wasm memory ${wasm == null ? 'n/a' : MB(wasm) + ' MB'} after the run (linear memory never shrinks)`);
    const tab = [...s.per.entries()].sort((a, b) => b[1].rss - a[1].rss)[0][1];
    console.log(`page: peak tab RSS ${MB(tab.rss)} MB, PSS ${MB(tab.pss)} MB (its renderer process; ${MB(tab.before.rss)} MB RSS before the click; /proc every 100 ms)`);
    console.log(`page: all ${s.per.size} renderer processes together: peak RSS ${MB(s.sum)} MB, PSS ${MB(s.sumPss)} MB (RSS counts shared pages once per process)`);
    console.log(`page: received from the store ${MB(received.body)} MB of bodies (${received.body} B as sent, gzip) + ${received.headers} B headers in ${received.requests} requests`);
    console.log(`page: tab under 500 MB: ${tab.rss < 500e6 ? 'yes' : 'NO'}`);
    if (!same) process.exitCode = 1;
  } finally {
    await context.close().catch(() => {});
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
