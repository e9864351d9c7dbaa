// End-to-end: untrusted server text is inert in the real app window (WebKit). The demo server
// (the in-process testbed) is switched to its `hostile-text` quirk: every displayName and
// error detail carries `<img src=x onerror="window.__pwned=1">`, `<script>window.__pwned=1
// </script>`, `<b id="injected">bold</b>`, terminal escapes and bidi controls, and every SCIM
// response an `X-Hostile-Text` header with the same markup. After the checks run, the findings,
// the evidence drawer and the exported HTML report are inspected: the markup is visible as
// literal text, no element it describes exists, and no script it carries has run. (The app's
// and the report's CSP would also stop an injected inline handler from running, so the element
// checks are the ones that catch an escaping mistake; `window.__pwned` is the second line.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Session, sleep, startDemo } from './webdriver.mjs';

const WEBDRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.APP_BINARY;
const RUN_TIMEOUT_MS = 120000;

/** What the payload would leave behind if any of it were inserted as HTML. */
const PROBE = `
  const scripts = [...document.scripts].filter((e) => e.textContent.includes('__pwned')).length;
  return {
    pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned),
    title: document.title,
    injected: document.querySelectorAll('#injected, b[id="injected"]').length,
    images: document.querySelectorAll('img[onerror], img[src="x"], [onerror]').length,
    scripts,
    iframes: document.querySelectorAll('iframe').length,
  };`;

let s;
let origin = '';
let title = '';
let work = '';

before(async () => {
  assert.ok(APP, 'APP_BINARY must be set');
  work = mkdtempSync(join(tmpdir(), 'preflight-e2e-inert-'));
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('#use-demo', 30000);
  await startDemo(s);
  origin = new URL(await s.exec('return document.getElementById("url").value')).origin;
  title = await s.exec('return document.title');
});

after(async () => {
  await s?.end();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Switch the demo server's quirks through its admin endpoint (as the quirk menu does). */
async function setQuirks(quirks) {
  const res = await fetch(`${origin}/_testbed/quirks`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quirks }),
    signal: AbortSignal.timeout(5000),
  });
  assert.ok(res.ok, `quirks ${quirks}: HTTP ${res.status}`);
}

/** Run every check once more; returns the failed count. */
async function runChecks() {
  await s.click('[data-step="checks"]');
  await s.waitFor('#run', 15000);
  const before = Number(await s.exec('const e = document.getElementById("summary"); return e ? e.dataset.run : "0"'));
  await s.click('#run');
  await s.waitFor(`#summary[data-run="${before + 1}"]`, RUN_TIMEOUT_MS, 250);
  return s.attr('#summary', 'data-failed');
}

/** The page shows the payload as text and carries none of its effects. */
async function assertInert(where, expectedTitle = title) {
  // Give an injected `<img onerror>` time to fire before looking for its effect.
  await sleep(300);
  const seen = await s.exec(PROBE);
  assert.equal(seen.pwned, null, `${where}: a script from the server ran (window.__pwned = ${seen.pwned})`);
  assert.equal(seen.title, expectedTitle, `${where}: document.title changed`);
  assert.equal(seen.injected, 0, `${where}: the server's <b id="injected"> became an element`);
  assert.equal(seen.images, 0, `${where}: the server's <img onerror> became an element`);
  assert.equal(seen.scripts, 0, `${where}: the server's <script> became an element`);
  assert.equal(seen.iframes, 0, `${where}: an iframe appeared`);
}

test('error details from the server are text in the findings and the evidence drawer', async () => {
  // `always-403` fails the Users checks with the hostile error detail in their findings.
  await setQuirks('hostile-text,always-403');
  assert.notEqual(await runChecks(), '0', 'a check fails under always-403');

  const checks = await s.exec('return document.getElementById("checks").textContent');
  assert.ok(checks.includes('<script>window.__pwned=1</script>'), 'the detail is shown literally in a finding');
  assert.ok(checks.includes('<img src=x onerror="window.__pwned=1">'), 'the <img> markup is shown literally');
  await assertInert('checks');

  await s.click('li.check[data-status="fail"] .evidence-btn');
  const drawer = await s.text('dialog.drawer');
  assert.match(drawer, /x-hostile-text: <img src=x onerror="window\.__pwned=1"><script>window\.__pwned=1<\/script>/i, 'the header is shown as text');
  assert.ok(drawer.includes('<b id=\\"injected\\">bold</b>'), 'the error body is shown as text');
  await assertInert('evidence drawer (error)');
  await s.click('dialog.drawer header button');
});

test('the exported HTML report shows the same text inertly in the app webview', async () => {
  await s.click('#next-report');
  await s.waitFor('#report-summary', 15000);
  await assertInert('report step');
  await s.click('#bundle-build');
  await s.waitFor('#bundle-files', 15000);
  const zip = join(work, 'package.zip');
  await s.type('#bundle-path', zip);
  await s.click('#bundle-export');
  await s.waitFor('#bundle-saved', 15000);
  execFileSync('unzip', ['-q', zip, 'report.html', '-d', work]);
  const file = join(work, 'report.html');
  assert.ok(readFileSync(file, 'utf8').includes('&lt;script&gt;window.__pwned=1&lt;/script&gt;'), 'escaped in the file');

  const appUrl = await s.cmd('GET', '/url');
  await s.cmd('POST', '/url', { url: pathToFileURL(file).href });
  try {
    for (let i = 0; i < 50 && (await s.exec('return document.readyState')) !== 'complete'; i++) await sleep(100);
    const reportTitle = await s.exec('return document.title');
    assert.match(reportTitle, /Preflight/i);
    // Open every <details> (bodies and headers of each exchange) so nothing is left unrendered.
    await s.exec('document.querySelectorAll("details").forEach((d) => { d.open = true; })');
    const text = await s.exec('return document.body.innerText');
    assert.ok(text.includes('<script>window.__pwned=1</script>'), 'the detail is visible as text in the report');
    assert.ok(text.includes('x-hostile-text: <img src=x onerror='), 'the header is visible as text in the report');
    await assertInert('HTML report', reportTitle);
  } finally {
    await s.cmd('POST', '/url', { url: appUrl });
  }
  await s.waitFor('#use-demo', 30000);
});

test('display names from the server are text in the evidence drawer', async () => {
  // Without always-403 the lists succeed and the hostile displayName is in the bodies.
  // Back from the report file the app starts over on the Target step: use the demo again.
  if (!(await s.exec('return !!document.getElementById("demo-status")'))) await startDemo(s);
  origin = new URL(await s.exec('return document.getElementById("url").value')).origin;
  await setQuirks('hostile-text');
  await runChecks();
  await s.click('li.check[data-check="scim/users-list-shape"] .evidence-btn');
  const drawer = await s.text('dialog.drawer');
  assert.ok(drawer.includes('<img src=x onerror=\\"window.__pwned=1\\">'), 'displayName shown as text in the body');
  assert.ok(drawer.includes('<b id=\\"injected\\">bold</b>'), 'displayName markup shown as text');
  await assertInert('evidence drawer (displayName)');
  await s.click('dialog.drawer header button');
});
