// The whole report on the page, against the CLI's report for the same input: every section,
// the timeline and graph SVGs, evidence links into the log view, copy buttons, keyboard use,
// 390 px without page overflow, inert markup, and screenshots of the Report and Templates views.

import path from 'node:path';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import {
  test, DEMO, ROOT, SHOTS, CLI, cliReport, waitForLines, assert, assertEq, paste, TIMEOUT,
} from '../lib.mjs';

const demo = cliReport([path.relative(ROOT, DEMO)]);
// The page names the demo's files by their base names; the CLI by the path it was given.
const base = (f) => path.basename(f);
const at = (e) => `${base(e.file)}:${e.line}`;

// The fixture folder of each of the page's demos (src/app/demo.rs; specs/40-shell.mjs has the same).
const DEMO_DIRS = {
  'connection-leak': DEMO,
  oom: 'tests/fixtures/incidents/oom-invoice-worker',
  'tls-expiry': 'tests/fixtures/incidents/tls-cert-expired',
  'disk-full': 'tests/fixtures/incidents/disk-full-postgres',
  dns: 'tests/fixtures/incidents/dns-nxdomain-after-corefile-change',
};

/** The CLI's report for a demo's folder, files named as the page names them. */
function demoFolderReport(key) {
  const dir = path.resolve(ROOT, DEMO_DIRS[key]);
  const files = fs.readdirSync(dir).filter((f) => f !== 'expected.json').sort();
  return JSON.parse(execFileSync(CLI, ['analyze', '--json', ...files], { cwd: dir, maxBuffer: 64 << 20 }).toString('utf8'));
}

/** Labels of graph nodes that overlap each other on screen. */
async function overlappingLabels(page) {
  const boxes = await page.$$eval('[data-testid="graph-node"] .node-label', (ls) => ls.map((l) => {
    const r = l.getBoundingClientRect();
    return { x0: r.left, x1: r.right, y0: r.top, y1: r.bottom, name: l.textContent };
  }));
  const out = [];
  for (const a of boxes) for (const b of boxes) {
    if (a.name >= b.name) continue;
    if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) out.push(`${a.name}/${b.name}`);
  }
  return out;
}

async function openDemo(page, origin) {
  await page.goto(origin + '/');
  await waitForLines(page, demo.input.lines);
}

const attrs = (page, sel, names) =>
  page.$$eval(sel, (els, names) => els.map((e) => Object.fromEntries(names.map((n) => [n, e.getAttribute(n)]))), names);

test('report: every section is present, in order, with a heading', async ({ page, origin }) => {
  await openDemo(page, origin);
  const ids = ['summary', 'input', 'affected', 'timeline', 'graph', 'forensic', 'whys', 'recommendations', 'trail'];
  const found = await page.$$eval('[data-testid="view-report"] section[data-testid^="section-"]', (els) =>
    els.map((e) => ({ id: e.id, heading: !!e.querySelector('h2') })),
  );
  assertEq(found.map((f) => f.id), ids, 'sections in order');
  assert(found.every((f) => f.heading), 'every section has an h2');
  for (const t of ['timeline-svg', 'graph-svg', 'patient-zero', 'propagation-path', 'five-whys', 'recommendations', 'reasoning-trail', 'grounding']) {
    assertEq(await page.locator(`[data-testid="${t}"]`).count(), 1, `one ${t}`);
  }
});

test('report: header shows the CLI title, severity, confidence, reasons and input stats', async ({ page, origin }) => {
  await openDemo(page, origin);
  const t = (id) => page.locator(`[data-testid="${id}"]`).innerText();
  assertEq((await t('report-title')).trim(), demo.title, 'title');
  assertEq((await t('severity')).trim(), demo.severity, 'severity');
  assertEq((await t('confidence')).trim(), `${Math.round(demo.confidence * 100)}%`, 'confidence');
  assertEq((await t('root-cause-statement')).trim(), demo.root_cause.statement, 'statement');
  const reasons = await page.$$eval('[data-testid="confidence-reasons"] li', (l) => l.map((e) => e.textContent));
  assertEq(reasons, demo.confidence_reasons, 'confidence reasons');
  const rationale = await page.$$eval('[data-testid="severity-rationale"] li', (l) => l.map((e) => e.textContent));
  assertEq(rationale, demo.severity_rationale, 'severity rationale');
  assertEq(Number(await t('input-invalid-utf8')), demo.input.invalid_utf8, 'invalid utf-8');
  assertEq(Number(await t('input-unparsed')), demo.input.unparsed_lines, 'unparsed');
  const ev = await attrs(page, '[data-testid="root-cause-evidence"] [data-testid="evidence-link"]', ['data-file', 'data-line']);
  assertEq(ev, demo.root_cause.evidence.map((e) => ({ 'data-file': base(e.file), 'data-line': String(e.line) })), 'root-cause evidence');
});

test('report: affected services equal the CLI (name, role, health) with worded badges', async ({ page, origin }) => {
  await openDemo(page, origin);
  const rows = await page.$$eval('[data-testid="affected-row"]', (rows) =>
    rows.map((r) => ({
      name: r.querySelector('[data-testid="affected-name"]').textContent,
      role: r.querySelector('[data-testid="affected-role"]').textContent,
      health: r.querySelector('[data-testid="affected-health"]').dataset.health,
      badge: r.querySelector('[data-testid="affected-health"]').innerText,
    })),
  );
  assert(demo.affected_services.length > 0, 'the demo has affected services');
  assertEq(rows.map(({ name, role, health }) => ({ name, role, health })),
    demo.affected_services.map(({ name, role, health }) => ({ name, role, health })), 'affected services');
  for (const r of rows) assert(r.badge.includes(r.health), `health badge shows the word: ${r.badge}`);
});

test('report: timeline has one mark per timed entry, patient zero marked, lanes per service', async ({ page, origin }) => {
  await openDemo(page, origin);
  const timed = demo.timeline.filter((e) => e.time);
  const marks = await attrs(page, '[data-testid="timeline-mark"]', ['data-file', 'data-line', 'data-patient-zero', 'tabindex', 'data-level']);
  assertEq(marks.length, timed.length, 'marks');
  assertEq(marks.map((m) => `${m['data-file']}:${m['data-line']}`), timed.map((e) => at(e.evidence)), 'marks in entry order');
  assert(marks.every((m) => m.tabindex === '0'), 'marks are focusable');
  const pz = marks.filter((m) => m['data-patient-zero'] === 'true');
  const want = demo.forensic.patient_zero.evidence;
  assertEq(pz.map((m) => `${m['data-file']}:${m['data-line']}`), [at(want)], 'patient-zero mark');
  assertEq(await page.locator('[data-testid="timeline-pz"]').count(), 0, 'no separate patient-zero mark when an entry is its line');
  // Errors differ in shape, not only in colour.
  const shapes = await page.$$eval('[data-testid="timeline-mark"]', (els) =>
    els.map((e) => ({ level: e.dataset.level, shape: e.querySelector('.shape').tagName })));
  assert(shapes.some((s) => s.level === 'error'), 'the demo has error marks');
  for (const s of shapes) assertEq(s.shape, s.level === 'error' ? 'polygon' : 'circle', `shape of a ${s.level} mark`);
  const titles = await page.$$eval('[data-testid="timeline-mark"] > title', (t) => t.length);
  assertEq(titles, timed.length, 'every mark has a <title>');
  const lanes = await page.$$eval('[data-testid="timeline-lane"]', (l) => l.map((e) => e.dataset.service));
  const services = new Set([...demo.timeline.map((e) => e.service).filter(Boolean), ...demo.affected_services.map((s) => s.name)]);
  // Entries without a service (k8s events name none since the entities change) share one lane.
  if (demo.timeline.some((e) => !e.service)) services.add('(no service)');
  assertEq([...lanes].sort(), [...services].sort(), 'one lane per service');
  assertEq(await page.locator('[data-testid="timeline-row"]').count(), demo.timeline.length, 'event list rows');
  // Clicking a mark opens its line.
  await page.locator('[data-testid="timeline-mark"][data-patient-zero="true"]').click();
  await page.locator('[data-testid="view-logs"]').waitFor({ state: 'visible' });
  assertEq(await page.locator('[data-testid="tab-logs"]').getAttribute('aria-selected'), 'true', 'logs tab selected');
});

test('report: graph highlights the propagation path in order, marks the root cause, lists edges', async ({ page, origin }) => {
  await openDemo(page, origin);
  const edges = await attrs(page, '[data-testid="path-edge"]', ['data-step', 'data-from', 'data-to']);
  edges.sort((a, b) => Number(a['data-step']) - Number(b['data-step']));
  const p = demo.forensic.propagation_path;
  assert(p.length > 1, 'the demo spreads across services');
  const walked = edges.length ? [edges[0]['data-from'], ...edges.map((e) => e['data-to'])] : [];
  assertEq(walked, p, 'highlighted path');
  for (let i = 1; i < edges.length; i++) assertEq(edges[i]['data-from'], edges[i - 1]['data-to'], 'path edges chain');
  const numbered = await page.$$eval('[data-testid="graph-node"][data-step]', (n) =>
    n.map((e) => ({ name: e.dataset.name, step: Number(e.dataset.step), shown: e.querySelector('.step-num').textContent })));
  numbered.sort((a, b) => a.step - b.step);
  assertEq(numbered.map((n) => n.name), p, 'nodes numbered in path order');
  assert(numbered.every((n) => String(n.step) === n.shown), 'numbers are drawn');
  const root = await page.$$eval('[data-testid="graph-node"][data-root="true"]', (n) => n.map((e) => e.dataset.name));
  assertEq(root, [demo.root_cause.service], 'root-cause node');
  const deps = await attrs(page, '[data-testid="dep-edge"]', ['data-from', 'data-to']);
  assertEq(deps, demo.dependencies.map((d) => ({ 'data-from': d.from, 'data-to': d.to })), 'dependency edges');
  assertEq(await page.locator('[data-testid="graph-edges"] li').count(), demo.dependencies.length, 'text alternative lists every edge');
  // Labels must not overlap at 1280 px.
  assertEq(await overlappingLabels(page), [], 'overlapping graph labels');
});

test('report: forensic, whys, recommendations and trail equal the CLI', async ({ page, origin }) => {
  await openDemo(page, origin);
  const pz = demo.forensic.patient_zero;
  const pzEl = page.locator('[data-testid="patient-zero"]');
  assertEq(await pzEl.getAttribute('data-file'), base(pz.evidence.file), 'patient zero file');
  assertEq(await pzEl.getAttribute('data-line'), String(pz.evidence.line), 'patient zero line');
  assertEq((await pzEl.locator('.evidence-text').innerText()), pz.evidence.text, 'patient zero text verbatim');
  const pathShown = await page.$$eval('[data-testid="propagation-path"] li', (l) => l.map((e) => e.textContent));
  assertEq(pathShown, demo.forensic.propagation_path, 'propagation path');
  assertEq(await page.locator('[data-testid="trigger"]').getAttribute('data-kind'), demo.forensic.trigger.kind, 'trigger kind');
  assertEq(await page.locator('[data-testid="blast-radius"] tbody tr').count(), demo.forensic.blast_radius.length, 'blast radius');
  assertEq(await page.locator('[data-testid="candidate"]').count(), demo.candidates.length, 'candidates');
  assertEq(await page.locator('[data-testid="dependencies"] tbody tr').count(), demo.dependencies.length, 'dependencies');
  assertEq(await page.locator('[data-testid="why"]').count(), demo.five_whys.length, 'five whys');
  assertEq((await page.locator('[data-testid="why"] .question').first().innerText()), demo.five_whys[0].question, 'first why');
  assertEq((await page.locator('[data-testid="systemic-cause"]').innerText()), demo.systemic_cause, 'systemic cause');
  assertEq((await page.locator('[data-testid="counterfactual"]').innerText()), demo.counterfactual, 'counterfactual');
  const recs = page.locator('[data-testid="recommendation"]');
  assertEq(await recs.count(), demo.recommendations.length, 'recommendations');
  assert((await recs.first().locator('[data-testid="recommendation-title"]').innerText()).includes(demo.recommendations[0].title), 'first recommendation title');
  const cmds = await page.$$eval('[data-testid="command"]', (c) => c.map((e) => e.textContent));
  assertEq(cmds, demo.recommendations.flatMap((r) => r.commands), 'commands');
  assertEq(await page.locator('[data-testid="trail-step"]').count(), demo.reasoning_trail.length, 'trail steps');
  const g = page.locator('[data-testid="grounding"]');
  assertEq(await g.getAttribute('data-passed'), String(demo.grounding.passed), 'grounding passed');
  assertEq(Number(await page.locator('[data-testid="grounding-checked"]').innerText()), demo.grounding.checked, 'grounding checked');
  assertEq(await page.locator('[data-testid="grounding-problems"] li').count(), demo.grounding.problems.length, 'grounding problems');
});

test('report: an evidence link opens the Logs tab at its line', async ({ page, origin }) => {
  await openDemo(page, origin);
  const link = page.locator('[data-testid="patient-zero"] [data-testid="evidence-link"]');
  await link.click();
  await page.locator('[data-testid="view-logs"]').waitFor({ state: 'visible' });
  assertEq(await page.locator('[data-testid="tab-logs"]').getAttribute('aria-selected'), 'true', 'logs tab selected');
  assert(await page.locator('[data-testid="view-report"]').isHidden(), 'report hidden');
  assertEq(await link.getAttribute('data-file'), base(demo.forensic.patient_zero.evidence.file), 'link file');
  assertEq(await link.getAttribute('data-line'), String(demo.forensic.patient_zero.evidence.line), 'link line');
});

test('report: copy puts the command on the clipboard', async ({ page, origin }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await openDemo(page, origin);
  const first = demo.recommendations.flatMap((r) => r.commands)[0];
  assert(first, 'the demo has a command');
  const btn = page.locator('[data-testid="copy"]').first();
  await btn.click();
  await page.waitForFunction(() => document.querySelector('[data-testid="copy"]').textContent === 'Copied', null, { timeout: 5000 });
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  assertEq(clip, first, 'clipboard');
  await page.context().clearPermissions();
});

test('report: a refused clipboard says so', async ({ page, origin }) => {
  await openDemo(page, origin);
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  });
  await page.locator('[data-testid="copy"]').first().click();
  await page.waitForFunction(() => /refused/.test(document.querySelector('[data-testid="copy-status"]').textContent), null, { timeout: 5000 });
  assertEq(await page.locator('[data-testid="copy"]').first().innerText(), 'Copy', 'button not "Copied"');
});

test('report: keyboard: Tab reaches the first evidence link, Enter opens it; a mark opens with Enter', async ({ page, origin }) => {
  await openDemo(page, origin);
  await page.locator('[data-testid="tab-report"]').focus();
  let reached = null;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => {
      const a = document.activeElement;
      return a && a.dataset.testid === 'evidence-link' ? { file: a.dataset.file, line: a.dataset.line } : null;
    });
  }
  assert(reached, 'Tab never reached an evidence link');
  const first = demo.root_cause.evidence[0];
  assertEq(reached, { file: base(first.file), line: String(first.line) }, 'first evidence link is the root cause\'s');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="view-logs"]').waitFor({ state: 'visible' });
  // Back to the report; a timeline mark opens with Enter too.
  await page.locator('[data-testid="tab-report"]').click();
  await page.locator('[data-testid="timeline-mark"]').first().focus();
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="view-logs"]').waitFor({ state: 'visible' });
});

test('report: a big graph draws the path and the busiest edges; lists are capped; "show all" shows all', async ({ page, origin }) => {
  // 90 services, each trace passing through three of them: hundreds of dependency edges.
  const lines = [];
  let t = 0;
  const pad = (n) => String(n).padStart(2, '0');
  for (let i = 0; i < 90; i++) {
    const b = `svc-${pad((i + 1) % 90)}`;
    for (const x of [`svc-${pad(i)}`, b, `svc-${pad((i + 7) % 90)}`]) {
      t++;
      lines.push(JSON.stringify({ ts: `2024-05-01T10:${pad(Math.floor(t / 60) % 60)}:${pad(t % 60)}Z`, level: 'error', service: x, trace_id: `tr${String(i).padStart(4, '0')}`, msg: `upstream ${b} connection refused` }));
    }
  }
  const body = lines.join('\n') + '\n';
  const r = cliReport(['-'], Buffer.from(body));
  assert(r.dependencies.length > 60 && r.affected_services.length > 50, `a big graph (${r.dependencies.length} edges)`);
  await openDemo(page, origin);
  await paste(page, body);
  await waitForLines(page, r.input.lines);
  const count = (id) => page.locator(`[data-testid="${id}"]`).count();
  assertEq(await count('dep-edge'), 60, 'busiest edges drawn');
  const p = r.forensic.propagation_path;
  assertEq(await count('path-edge'), Math.max(0, p.length - 1), 'the whole propagation path drawn');
  assert((await page.locator('[data-testid="graph-capped"]').innerText()).includes(`of ${r.dependencies.length} dependencies`), 'says what is drawn');
  assertEq(await page.locator('[data-testid="graph-edges"] li').count(), 50, 'dependency list capped');
  assertEq(await count('affected-row'), 50, 'affected list capped');
  await page.locator('[data-testid="graph-edges-all"]').click();
  assertEq(await page.locator('[data-testid="graph-edges"] li').count(), r.dependencies.length, 'all dependencies listed');
  await page.locator('[data-testid="affected-all"]').focus();
  await page.keyboard.press('Enter');
  assertEq(await count('affected-row'), r.affected_services.length, 'all affected services listed');
  await page.locator('[data-testid="graph-all"]').click();
  assertEq(await count('dep-edge'), r.dependencies.length, 'all edges drawn');
  assertEq(await count('graph-capped'), 0, 'no cap note once all are drawn');
});

test('report: a long event list starts collapsed, "Skip the chart" reaches it, Enter opens it', async ({ page, origin }) => {
  await openDemo(page, origin);
  const n = await page.locator('[data-testid="timeline-row"]').count();
  assert(n > 15, `the demo has a long event list (${n})`);
  assertEq(await page.locator('[data-testid="timeline-events-details"]').evaluate((d) => d.open), false, 'collapsed by default');
  assert(!(await page.locator('[data-testid="timeline-row"]').first().isVisible()), 'rows hidden while collapsed');
  const skip = page.locator('[data-testid="timeline-skip"]');
  assert((await skip.innerText()).includes('Skip the chart'), 'a labelled skip control');
  await skip.focus();
  await page.keyboard.press('Enter');
  assertEq(await page.evaluate(() => document.activeElement.dataset.testid), 'timeline-events-summary', 'skip lands on the list');
  await page.keyboard.press('Enter');
  assertEq(await page.locator('[data-testid="timeline-events-details"]').evaluate((d) => d.open), true, 'Enter opens it');
  assert(await page.locator('[data-testid="timeline-row"]').first().isVisible(), 'rows shown once open');
});

test('report: at 390 px the inputs fold under "New analysis" and the headline is near the top', async ({ page, origin }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await openDemo(page, origin);
  assertEq(await page.locator('[data-testid="root-cause"]').count(), 1, 'one root-cause');
  assertEq(await page.locator('[data-testid="severity"]').count(), 1, 'one severity');
  const top = await page.locator('[data-testid="root-cause"]').evaluate((e) => e.getBoundingClientRect().top + scrollY);
  assert(top < 800, `root cause at ${top.toFixed(0)} px, below the first screen`);
  const toggle = page.locator('[data-testid="new-analysis"]');
  assertEq(await toggle.getAttribute('aria-expanded'), 'false', 'folded');
  assert(!(await page.locator('[data-testid="paste"]').isVisible()), 'paste box folded away');
  await toggle.focus();
  await page.keyboard.press('Enter');
  assertEq(await toggle.getAttribute('aria-expanded'), 'true', 'unfolded');
  assert(await page.locator('[data-testid="paste"]').isVisible(), 'paste box shown');
  // Wide screens never fold the inputs.
  await page.keyboard.press('Enter');
  assertEq(await toggle.getAttribute('aria-expanded'), 'false', 'folded again');
  await page.setViewportSize({ width: 1280, height: 800 });
  assert(await page.locator('[data-testid="paste"]').isVisible(), 'inputs always shown at 1280');
  assert(!(await toggle.isVisible()), 'no toggle at 1280');
});

test('report: no horizontal page overflow at 390 px', async ({ page, origin }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  await openDemo(page, origin);
  for (const view of ['report', 'templates']) {
    await page.locator(`[data-testid="tab-${view}"]`).click();
    const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert(w <= 390, `${view}: page scrolls sideways (${w} px)`);
    // Anything wider than the viewport must sit inside a scroll container.
    const wide = await page.evaluate(() => [...document.querySelectorAll('[role=tabpanel]:not([hidden]) *')]
      .filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('.chart-scroll'))
      .map((e) => e.tagName + '.' + e.className).slice(0, 5));
    assertEq(wide, [], `${view}: elements past the right edge outside scroll containers`);
  }
});

test('report: markup in log lines stays inert in every section', async ({ page, origin }) => {
  await openDemo(page, origin);
  const evil = '<img src=x onerror=window.__pwned=1>';
  const body = [
    `2024-05-01T10:00:00Z INFO pay-api started ${evil}`,
    `2024-05-01T10:00:01Z WARN pay-api pool at 90% <script>window.__pwned=2</script>`,
    `2024-05-01T10:00:02Z ERROR pay-api db pool exhausted ${evil}`,
    `2024-05-01T10:00:03Z ERROR web-gw upstream pay-api returned 503 <svg onload=window.__pwned=3>`,
    `2024-05-01T10:00:04Z ERROR web-gw upstream pay-api returned 503 <b>bold</b>`,
  ].join('\n') + '\n';
  const expected = cliReport(['-'], Buffer.from(body));
  await paste(page, body);
  await waitForLines(page, expected.input.lines);
  await page.locator('[data-testid="tab-templates"]').click();
  await page.locator('[data-testid="tab-report"]').click();
  const shown = await page.locator('[data-testid="view-report"]').innerText();
  assert(shown.includes('<img src=x onerror=window.__pwned=1>'), 'the markup shows as text');
  const r = await page.evaluate(() => ({
    pwned: window.__pwned,
    imgs: document.querySelectorAll('main img').length,
    bold: document.querySelectorAll('main b').length,
    scripts: [...document.querySelectorAll('main script, main svg[onload], main [onerror]')].length,
  }));
  assertEq(r, { pwned: undefined, imgs: 0, bold: 0, scripts: 0 }, 'inert');
  const tpl = await page.locator('[data-testid="view-templates"]').innerText();
  assert(tpl.includes('<') && tpl.includes('>'), 'templates show markup as text');
});

test('report: every demo: path, marks and patient zero equal the CLI; no overlap at 1280, no overflow at 390', async ({ page, origin }) => {
  await openDemo(page, origin);
  const keys = await page.$$eval('[data-testid="demo-picker"] option', (os) => os.map((o) => o.value));
  assert(keys.length > 1, 'several demos');
  for (const key of keys) {
    assert(DEMO_DIRS[key], `unknown demo ${key}: add its folder to DEMO_DIRS`);
    const r = demoFolderReport(key);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.locator('[data-testid="demo-picker"]').selectOption(key);
    await page.locator('[data-testid="demo-load"]').click();
    await page.waitForFunction((t) => document.querySelector('[data-testid="report-title"]')?.textContent === t
      && document.querySelector('[data-testid="progress"]')?.dataset.state === 'idle', r.title, { timeout: TIMEOUT });
    const edges = await attrs(page, '[data-testid="path-edge"]', ['data-step', 'data-from', 'data-to']);
    edges.sort((a, b) => Number(a['data-step']) - Number(b['data-step']));
    const walked = edges.length ? [edges[0]['data-from'], ...edges.map((e) => e['data-to'])] : [];
    const p = r.forensic.propagation_path;
    assertEq(walked, p.length > 1 ? p : [], `${key}: highlighted path`);
    const timed = r.timeline.filter((e) => e.time);
    assertEq(await page.locator('[data-testid="timeline-mark"]').count(), timed.length, `${key}: marks`);
    const pz = r.forensic.patient_zero;
    if (pz) {
      const marked = await attrs(page, '[data-patient-zero="true"]', ['data-file', 'data-line']);
      const want = pz.time ? [{ 'data-file': pz.evidence.file, 'data-line': String(pz.evidence.line) }] : [];
      assertEq(marked, want, `${key}: patient-zero mark`);
    }
    assertEq(await page.locator('[data-testid="affected-row"]').count(), r.affected_services.length, `${key}: affected`);
    assertEq(await page.locator('[data-testid="recommendation"]').count(), r.recommendations.length, `${key}: recommendations`);
    assertEq(await overlappingLabels(page), [], `${key}: overlapping graph labels`);
    await page.setViewportSize({ width: 390, height: 800 });
    const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
    assert(w <= 390, `${key}: page is ${w} px wide at 390`);
  }
});

test('report: sections with no data say so instead of disappearing', async ({ page, origin }) => {
  await openDemo(page, origin);
  const body = 'hello world\nanother plain line\n';
  const expected = cliReport(['-'], Buffer.from(body));
  assertEq([expected.affected_services.length, expected.timeline.length, expected.dependencies.length, expected.five_whys.length, expected.recommendations.length], [0, 0, 0, 0, 0], 'the paste has no findings');
  await paste(page, body);
  await waitForLines(page, expected.input.lines);
  // The trail always has steps (the tools ran), so it is not among these.
  for (const id of ['affected', 'timeline', 'graph', 'forensic', 'whys', 'recommendations']) {
    const sec = page.locator(`[data-testid="section-${id}"]`);
    assertEq(await sec.count(), 1, `section ${id} present`);
    assert((await sec.locator('[data-testid="empty"]').count()) > 0, `section ${id} says it has nothing`);
  }
  assertEq(await page.locator('[data-testid="timeline-mark"]').count(), 0, 'no marks');
  assert((await page.locator('[data-testid="section-forensic"]').innerText()).includes('No dependencies were seen in the logs'), 'dependencies say none');
});

test('report: timeline entries without a time are listed but not charted', async ({ page, origin }) => {
  await openDemo(page, origin);
  const body = 'ERROR pay-api db pool exhausted\nERROR web-gw upstream pay-api returned 503\n';
  const expected = cliReport(['-'], Buffer.from(body));
  const untimed = expected.timeline.filter((e) => !e.time).length;
  assert(untimed > 0, 'the paste has untimed timeline entries');
  await paste(page, body);
  await waitForLines(page, expected.input.lines);
  assertEq(await page.locator('[data-testid="timeline-row"]').count(), expected.timeline.length, 'listed');
  assertEq(await page.locator('[data-testid="timeline-mark"]').count(), expected.timeline.length - untimed, 'charted');
});

test('templates: counts, sparklines over the time range, filter and show all', async ({ page, origin }) => {
  await openDemo(page, origin);
  await page.locator('[data-testid="tab-templates"]').click();
  const items = await page.$$eval('[data-testid="templates"] li', (l) =>
    l.map((e) => ({
      count: Number(e.querySelector('.count').textContent),
      template: e.querySelector('code').textContent,
      spark: e.querySelector('[data-testid="sparkline"]')?.dataset.counts,
      bars: e.querySelectorAll('[data-testid="sparkline"] rect').length,
    })));
  const want = demo.templates.slice(0, 50);
  assertEq(items.map((i) => [i.count, i.template]), want.map((t) => [t.count, t.template]), 'templates and counts');
  assertEq(items.map((i) => i.spark), want.map((t) => t.sparkline.join(',')), 'sparkline data');
  for (let i = 0; i < items.length; i++) {
    assertEq(items[i].bars, want[i].sparkline.filter((c) => c > 0).length, `bars of template ${i}`);
  }
  // Filter narrows the list (case-insensitive) and says how many match.
  const needle = 'POOL';
  const matching = demo.templates.filter((t) => t.template.toLowerCase().includes(needle.toLowerCase()));
  assert(matching.length > 0 && matching.length < demo.templates.length, 'the needle must narrow the list');
  await page.locator('[data-testid="template-filter"]').fill(needle);
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="templates"] li').length === n, Math.min(matching.length, 50));
  assert((await page.locator('[data-testid="templates-count"]').innerText()).startsWith(`${matching.length} of`), 'match count');
  await page.locator('[data-testid="template-filter"]').fill('no template says this zzzq');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="templates"] li').length === 0);
});

test('templates: more than 50 show 50 until "show all"; new against a baseline is marked', async ({ page, origin }) => {
  await openDemo(page, origin);
  const lines = [];
  // Words made of letters (digits would be masked as variables) so every line is its own template.
  const L = 'abcdefghijklmnopqrstuvwxyz';
  const word = (i, s) => L[i % 26] + L[(i * 7 + s) % 26] + L[(i * 3 + s * 5) % 26] + 'word';
  for (let i = 0; i < 70; i++) {
    const words = Array.from({ length: 3 + (i % 5) }, (_, s) => word(i, s)).join(' ');
    lines.push(`2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO svc ${words}`);
  }
  const body = lines.join('\n') + '\n';
  const expected = cliReport(['-'], Buffer.from(body));
  assert(expected.templates.length > 50, `need more than 50 templates, got ${expected.templates.length}`);
  await paste(page, body);
  await waitForLines(page, expected.input.lines);
  await page.locator('[data-testid="tab-templates"]').click();
  assertEq(await page.locator('[data-testid="templates"] li').count(), 50, 'first 50');
  await page.locator('[data-testid="templates-show-all"]').click();
  assertEq(await page.locator('[data-testid="templates"] li').count(), expected.templates.length, 'all after show all');
  // The page does not take a baseline yet; no template may claim to be new without one.
  assertEq(await page.locator('[data-testid="template-new"]').count(), expected.templates.filter((t) => t.new).length, 'new badges');
});

test('screenshots: report and templates, light and dark, 1280 and 390 px', async ({ page, origin }) => {
  await openDemo(page, origin);
  fs.mkdirSync(SHOTS, { recursive: true });
  for (const scheme of ['light', 'dark']) {
    for (const width of [1280, 390]) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width, height: 900 });
      for (const view of ['report', 'templates']) {
        await page.locator(`[data-testid="tab-${view}"]`).click();
        const w = await page.evaluate(() => document.scrollingElement.scrollWidth);
        assert(w <= width, `${view} ${scheme} ${width}: page is ${w} px wide`);
        await page.screenshot({ path: path.join(SHOTS, `${view}-${scheme}-${width}.png`), fullPage: true });
      }
    }
  }
}, { timeout: TIMEOUT });
