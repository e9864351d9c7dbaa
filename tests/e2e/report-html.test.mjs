// End-to-end: the self-contained HTML report, rendered by the app's own webview (WebKit), with
// no external request. The report.html comes from the escalation package the app exports; the
// webview is pointed at it, its resource timeline is read, a screenshot is kept in
// docs/screenshot-report.png, then the webview returns to the app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Session, sleep } from './webdriver.mjs';

const WEBDRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.APP_BINARY;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCREENSHOT = process.env.REPORT_SCREENSHOT ?? join(ROOT, 'docs', 'screenshot-report.png');

let s;
let work = '';

before(async () => {
  assert.ok(APP, 'APP_BINARY must be set');
  work = mkdtempSync(join(tmpdir(), 'preflight-e2e-html-'));
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('#use-demo', 30000);
});

after(async () => {
  await s?.end();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the HTML report renders in the app webview with no external request', async () => {
  // A run with a failure, so the report shows a diagnosis with its evidence.
  await s.click('#use-demo');
  await s.waitFor('#demo-status', 15000);
  await s.exec('const el = document.getElementById("quirk"); el.value = "filter-ignored"; el.dispatchEvent(new Event("change", { bubbles: true }));');
  await sleep(500);
  await s.click('[data-step="checks"]');
  await s.click('#run');
  await s.waitFor('#summary[data-run="1"]', 120000, 250);
  assert.notEqual(await s.attr('#summary', 'data-failed'), '0');
  await s.click('#next-report');
  await s.click('#bundle-build');
  await s.waitFor('#bundle-files', 15000);
  const zip = join(work, 'package.zip');
  await s.type('#bundle-path', zip);
  await s.click('#bundle-export');
  await s.waitFor('#bundle-saved', 15000);
  execFileSync('unzip', ['-q', zip, 'report.html', '-d', work]);
  const file = join(work, 'report.html');
  const html = readFileSync(file, 'utf8');

  // Static: a CSP that forbids every fetch, and nothing that would load from the network.
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  for (const pattern of [/\b(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?\/\//i, /url\(\s*["']?\s*(?:https?:)?\/\//i, /@import/i, /<script\b[^>]*\bsrc=/i, /<link\b/i]) {
    assert.doesNotMatch(html, pattern, `report.html must not load anything: ${pattern}`);
  }

  // Rendered by the same WebKit the app uses.
  const appUrl = await s.cmd('GET', '/url');
  await s.cmd('POST', '/url', { url: pathToFileURL(file).href });
  try {
    for (let i = 0; i < 50 && (await s.exec('return document.readyState')) !== 'complete'; i++) await sleep(100);
    assert.match(await s.exec('return document.body.innerText'), /scim\/filter-ignored/);
    const loaded = await s.exec('return performance.getEntriesByType("resource").map((e) => e.name)');
    assert.deepEqual(loaded.filter((u) => /^(https?|wss?):/i.test(u)), [], 'no request left the page');
    assert.equal(await s.exec('return document.querySelectorAll("img[src^=http], script[src], link[href], iframe").length'), 0);
    await sleep(300);
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    writeFileSync(SCREENSHOT, await s.screenshot());
  } finally {
    await s.cmd('POST', '/url', { url: appUrl });
  }
  await s.waitFor('#use-demo', 30000);
});
