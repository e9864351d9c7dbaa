// End-to-end: the Sign-in trace screen with HARs recorded by a real browser (headless
// Chromium, crates/core/tests/fixtures/trace/recorded), opened through the file picker of
// the real app window; and a HAR of 5,000 entries built from one of them, to show the
// timeline stays virtualised (a bounded number of rows in the page) while every hop is reachable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, sleep } from './webdriver.mjs';

const WEBDRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.APP_BINARY;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RECORDED = join(ROOT, 'crates', 'core', 'tests', 'fixtures', 'trace', 'recorded');
const SCENARIOS = JSON.parse(readFileSync(join(RECORDED, 'scenarios.json'), 'utf8')).scenarios;

let s;
let work = '';
let loads = 0;

before(async () => {
  assert.ok(APP, 'APP_BINARY must be set');
  work = mkdtempSync(join(tmpdir(), 'preflight-e2e-trace-'));
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('#use-demo', 30000);
  await s.click('[data-step="trace"]');
  await s.waitFor('#trace-h');
});

after(async () => {
  await s?.end();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Pick `file` in the HAR file input (the real picker path) and wait for its result. */
async function open(file, timeoutMs = 60000) {
  const input = await s.waitFor('#trace-file');
  await s.exec('document.getElementById("trace-file").value = ""');
  await s.cmd('POST', `/element/${input}/value`, { text: file });
  loads += 1;
  await s.waitFor(`#trace-result[data-loads="${loads}"]`, timeoutMs, 100);
}

for (const name of ['oidc-callback-503', 'saml-audience-mismatch', 'oidc-redirect-uri-mismatch']) {
  test(`${name}: the broken hop is highlighted with its cause, its contents in a drawer`, async () => {
    const sc = SCENARIOS.find((x) => x.name === name);
    assert.ok(sc, name);
    if (sc.registered?.redirect_uri) {
      await s.exec('document.querySelector("#trace-h").closest("section").querySelector("details").open = true');
      await s.type('#trace-redirect', sc.registered.redirect_uri);
    } else {
      await s.exec('const el = document.getElementById("trace-redirect"); if (el) { el.value = ""; el.dispatchEvent(new Event("input", { bubbles: true })); }');
    }
    await open(join(RECORDED, sc.har));
    assert.equal(await s.attr('#trace-flow', 'data-outcome'), 'broken');
    assert.equal(await s.attr('#trace-cause', 'data-code'), sc.expect.diagnosis);
    assert.equal(await s.attr('#trace-cause', 'data-entry'), String(sc.expect.broken_entry));
    const broken = await s.exec('return [...document.querySelectorAll("#trace-hops .hop[data-problem=cause]")].map((e) => e.dataset.entry)');
    assert.deepEqual(broken, [String(sc.expect.broken_entry)], 'exactly the broken hop is highlighted');
    assert.match(await s.text('#trace-cause'), /Fix:/);

    await s.click(`#trace-hops .hop[data-entry="${sc.expect.broken_entry}"]`);
    await s.waitFor(`#hop-drawer[open][data-entry="${sc.expect.broken_entry}"]`, 5000);
    const drawer = await s.text('#hop-drawer');
    assert.match(drawer, new RegExp(sc.expect.diagnosis.replace('/', '\\/')));
    if (sc.protocol === 'saml') assert.match(drawer, /SAMLResponse/);
    for (const canary of Object.values(sc.canaries ?? {})) {
      assert.ok(!(await s.exec('return document.body.innerHTML')).includes(canary), `a secret of the HAR reached the page: ${canary}`);
    }
    await s.exec('document.getElementById("hop-drawer").close()');
  });
}

test('Save redacted HAR writes a copy with none of the recording\'s secrets, still HAR 1.2', async () => {
  const sc = SCENARIOS.find((x) => x.name === 'oidc-success');
  const original = readFileSync(join(RECORDED, sc.har), 'utf8');
  const secrets = Object.values(JSON.parse(readFileSync(join(RECORDED, 'scenarios.json'), 'utf8')).canaries)
    .filter((c) => original.includes(c));
  assert.ok(secrets.length > 0, 'the recording holds canary secrets');
  await open(join(RECORDED, sc.har));
  assert.equal(await s.attr('#trace-flow', 'data-outcome'), 'signed-in');
  const out = join(work, 'redacted.har');
  await s.type('#redact-path', out);
  await s.click('#redact-save');
  await s.waitFor('#redact-saved', 15000);
  const copy = readFileSync(out, 'utf8');
  for (const c of secrets) assert.ok(!copy.includes(c), `${c} is still in the redacted copy`);
  const har = JSON.parse(copy);
  assert.equal(har.log.version, '1.2');
  assert.equal(har.log.entries.length, JSON.parse(original).log.entries.length);
  // Again to the same name: refused, the first copy untouched.
  await s.click('#redact-save');
  await s.waitFor('#redact-error', 10000);
  assert.match(await s.text('#redact-error'), /exists/);
  assert.equal(readFileSync(out, 'utf8'), copy);
});

test('a HAR of 5,000 entries stays a virtualised timeline; every hop can be reached', async () => {
  const har = JSON.parse(readFileSync(join(RECORDED, 'oidc-success.har'), 'utf8'));
  const e = har.log.entries;
  const pages = Array.from({ length: 4993 }, (_, i) => {
    const copy = structuredClone(e[2]);
    copy.request.url = `${e[2].request.url}?page=${i}`;
    return copy;
  });
  har.log.entries = [...e.slice(0, 3), ...pages, ...e.slice(3)];
  const file = join(work, 'big.har');
  writeFileSync(file, JSON.stringify(har));
  assert.equal(har.log.entries.length, 5000);

  const started = Date.now();
  await open(file, 120000);
  const hops = Number(await s.attr('#trace-flow', 'data-hops'));
  console.log(`# trace of 5,000 entries: picked → timeline on screen in ${Date.now() - started} ms (${hops} hops)`);
  assert.ok(hops >= 4990, `${hops} hops`);
  assert.equal(await s.attr('#trace-flow', 'data-outcome'), 'signed-in');
  const rendered = () => s.exec('return document.querySelectorAll("#trace-hops .hop").length');
  assert.ok((await rendered()) <= 40, `only the rows in view are in the page, not ${await rendered()}`);

  // Scroll to the end: the last hop is there, the page still holds only a window of rows.
  await s.exec('const l = document.getElementById("trace-hops"); l.scrollTop = l.scrollHeight;');
  let last = null;
  for (let i = 0; i < 50 && !last; i++) {
    await sleep(100);
    last = await s.exec(`return document.querySelector('#trace-hops .hop[data-entry="${har.log.entries.length - 1}"]') ? true : null`);
  }
  assert.ok(last, 'the last hop is rendered after scrolling to the end');
  assert.ok((await rendered()) <= 40);
  await s.click(`#trace-hops .hop[data-entry="${har.log.entries.length - 1}"]`);
  await s.waitFor('#hop-drawer[open]', 5000);
  await s.exec('document.getElementById("hop-drawer").close()');
});

test('a file that is not a HAR is a clear error, never a crash', async () => {
  const bad = join(work, 'not.har');
  writeFileSync(bad, '{"log": {"entries": [');
  const input = await s.waitFor('#trace-file');
  await s.exec('document.getElementById("trace-file").value = ""');
  await s.cmd('POST', `/element/${input}/value`, { text: bad });
  await s.waitFor('#error', 15000);
  assert.match(await s.text('#error'), /trace\/input.*not\.har/s);
});
