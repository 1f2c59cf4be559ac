// A/B speed of two page builds on one corpus, runs alternating (A, B, A, B, ...) in one browser,
// so a shared machine's load swings hit both builds alike: figures printed, nothing asserted.
//
//   (cd tests/e2e && node ab.mjs DIST_A DIST_B CORPUS_DIR [RUNS])
//
// Each run: a fresh tab of that build with its engine's worker alone (?workers=1), the corpus
// picked through the file input, the time from the pick to the report (the progress line idle
// and the line count changed), and the CPU time of the renderer's worker threads (less swayed by
// other load than the wall time). Then the native CLI (target/release/faultline analyze --json)
// on the same corpus, for wasm / native. Environment: CHROMIUM (default /usr/bin/chromium).

import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const [distA, distB, corpusDir, runsArg] = process.argv.slice(2);
const RUNS = Number(runsArg || 4);
const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

function serve(dist) {
  const root = path.resolve(dist);
  const server = createServer((req, res) => {
    let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (p.endsWith('/')) p += 'index.html';
    const file = path.join(root, path.normalize(p));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const CLK_TCK = 100;
/** CPU seconds of every "DedicatedWorker" thread of the Chromium processes whose command line has `profile`. */
function workerCpu(profile) {
  let secs = 0;
  const pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const ours = new Set();
  const parent = {};
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      parent[pid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profile)) ours.add(pid);
    } catch {}
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const pid of pids) if (!ours.has(pid) && ours.has(parent[pid])) ours.add(pid), (grew = true);
  }
  for (const pid of ours) {
    let tids = [];
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {}
    for (const tid of tids) {
      try {
        if (!fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').startsWith('DedicatedWorker')) continue;
        const f = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const v = f.slice(f.lastIndexOf(')') + 2).split(' ');
        secs += (Number(v[11]) + Number(v[12])) / CLK_TCK;
      } catch {}
    }
  }
  return secs;
}

async function run(context, profile, origin, files) {
  const page = await context.newPage();
  await page.goto(origin + '/?workers=1');
  await page.waitForSelector('[data-testid="progress"][data-state="idle"]', { timeout: 60_000 });
  const lines = () => page.evaluate(() => document.querySelector('[data-testid="input-lines"]')?.textContent);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="input-lines"]')?.textContent) > 0);
  const before = await lines();
  const cpu0 = workerCpu(profile);
  const t0 = await page.evaluate(() => performance.now());
  await page.locator('[data-testid="file-input"]').setInputFiles(files);
  const h = await page.waitForFunction(
    (before) => {
      const el = document.querySelector('[data-testid="input-lines"]');
      const st = document.querySelector('[data-testid="progress"]');
      if (document.querySelector('[data-testid="error"]')) return { error: true };
      return st?.dataset.state === 'idle' && el && el.textContent !== before ? { t: performance.now(), n: el.textContent } : false;
    },
    before,
    { timeout: 10 * 60_000, polling: 50 },
  );
  const v = await h.jsonValue();
  const cpu = workerCpu(profile) - cpu0;
  await page.close();
  if (v.error) throw new Error('the page showed an error');
  return { secs: (v.t - t0) / 1000, cpu, lines: v.n };
}

function native(dir) {
  const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', path.join(ROOT, 'target/release/faultline'), 'analyze', '--json', dir], { maxBuffer: 1 << 30 });
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr.toString());
  return m ? Number(m[1]) + Number(m[2]) : null;
}

const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main() {
  const files = fs.readdirSync(corpusDir).sort().map((f) => path.join(corpusDir, f));
  const servers = [await serve(distA), await serve(distB)];
  const origins = servers.map((s) => `http://127.0.0.1:${s.address().port}`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-ab-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const got = [[], []];
  const nat = [];
  try {
    native(corpusDir); // warm the page cache
    for (let i = 0; i < RUNS; i++) {
      for (const k of i % 2 ? [1, 0] : [0, 1]) {
        const r = await run(context, profile, origins[k], files);
        got[k].push(r);
        console.log(`run ${i + 1} ${'AB'[k]}: ${r.secs.toFixed(2)} s wall, worker CPU ${r.cpu.toFixed(2)} s, ${r.lines} lines`);
      }
      nat.push(native(corpusDir));
      console.log(`run ${i + 1} native CPU ${nat[nat.length - 1].toFixed(2)} s`);
    }
  } finally {
    await context.close().catch(() => {});
    servers.forEach((s) => s.close());
    fs.rmSync(profile, { recursive: true, force: true });
  }
  const n = med(nat);
  for (const k of [0, 1]) {
    const w = med(got[k].map((r) => r.secs));
    const c = med(got[k].map((r) => r.cpu));
    console.log(`${'AB'[k]} ${[distA, distB][k]}: median wall ${w.toFixed(2)} s, median worker CPU ${c.toFixed(2)} s, wasm/native CPU ${(c / n).toFixed(2)}x (native median ${n.toFixed(2)} s)`);
  }
  const ratio = med(got[1].map((r) => r.cpu)) / med(got[0].map((r) => r.cpu));
  console.log(`B / A worker CPU: ${ratio.toFixed(3)}; B / A wall: ${(med(got[1].map((r) => r.secs)) / med(got[0].map((r) => r.secs))).toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
