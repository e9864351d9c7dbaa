// End-to-end: the escalation package from the Report step of the real app. The target is a
// testbed started here with a canary token that goes through the real keyring; the exported
// zip is opened with unzip and every byte of every file is searched for the canary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, sleep } from './webdriver.mjs';

const WEBDRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.APP_BINARY;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TESTBED = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug', 'preflight-testbed');
const CANARY = `canary-token-${process.pid}-e2e-bundle`;
const FILES = ['SUMMARY.md', 'report.json', 'report.md', 'report.html', 'report.junit.xml', 'exchanges.har', 'environment.txt'];

let s;
let testbed;
let base = '';
let work = '';

function startTestbed() {
  return new Promise((resolve, reject) => {
    const child = spawn(TESTBED, ['--port', '0', '--token', CANARY], { stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => reject(new Error('the testbed did not print READY within 20 s')), 20000);
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/READY (\S+)/);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1] }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`testbed exited (${code})`)); });
  });
}

before(async () => {
  assert.ok(APP, 'APP_BINARY must be set');
  assert.ok(existsSync(TESTBED), `no testbed binary at ${TESTBED}: cargo build -p preflight-testbed`);
  work = mkdtempSync(join(tmpdir(), 'preflight-e2e-bundle-'));
  ({ child: testbed, url: base } = await startTestbed());
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('#use-demo', 30000);
});

after(async () => {
  await s?.end();
  testbed?.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
});

async function until(script, what, timeoutMs = 15000) {
  for (let i = 0; i < timeoutMs / 200; i++) {
    const v = await s.exec(script);
    if (v) return v;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('a run with a keyring token, then the package: preview, copy summary, export without the token', async () => {
  // The token goes to the keyring once; runs name the profile.
  await s.click('[data-step="target"]');
  await s.type('#url', base);
  await s.type('#profile', 'e2e-bundle');
  await s.type('#token', CANARY);
  await s.click('#save-token');
  await until('return document.getElementById("token").value === ""', 'the token to be saved');

  await s.click('[data-step="checks"]');
  await s.click('#run');
  await s.waitFor('#summary[data-run="1"]', 120000, 250);
  await s.click('#next-report');

  await s.click('#bundle-build');
  await s.waitFor('#bundle-files', 15000);
  const names = await s.exec('return [...document.querySelectorAll("#bundle-files li")].map((e) => e.dataset.file)');
  assert.deepEqual(names, FILES);
  // Every file can be opened in the preview before export.
  await s.exec('document.querySelector("#bundle-files li[data-file=\\"exchanges.har\\"] button").click()');
  const har = await s.text('#bundle-files pre.bundle-content');
  assert.match(har, /"version": "1\.2"/);
  assert.ok(!har.includes(CANARY), 'the HAR preview carries no token');
  assert.ok(!(await s.exec('return document.body.innerHTML')).includes(CANARY), 'no preview shows the token');

  // The question only the admin can answer, with where to look.
  assert.match(await s.text('label[for="bundle-answer"]'), /API-token page/);
  await s.type('#bundle-answer', 'Yes, last used 10:02 UTC, matching the run');
  await s.exec('document.getElementById("bundle-answer").dispatchEvent(new Event("change", { bubbles: true }))');
  await sleep(500);

  // Copy summary puts ticket-ready text on the real clipboard: paste it into a text box.
  await s.click('#bundle-copy');
  await until('return document.getElementById("bundle-copy").textContent.includes("Copied") || document.getElementById("bundle-error")', 'the copy');
  assert.equal(await s.exec('return document.getElementById("bundle-error")'), null, 'the clipboard accepted the summary');
  await s.click('[data-step="sso"]');
  await s.click('#tab-explain');
  const box = await s.waitFor('#explain-text');
  await s.cmd('POST', `/element/${box}/click`, {});
  await s.cmd('POST', `/element/${box}/value`, { text: '\uE009v\uE000' });
  const pasted = await until('return document.getElementById("explain-text").value', 'the pasted summary');
  assert.match(pasted, /^# Preflight escalation package/);
  assert.match(pasted, /\| SCIM base URL \|/);
  assert.match(pasted, /Answered by the admin[\s\S]*last used 10:02 UTC/);
  assert.ok(!pasted.includes(CANARY));
  await s.click('[data-step="report"]');
  await s.waitFor('#bundle');
  // The panel starts afresh after leaving the step: build it and answer again.
  await s.click('#bundle-build');
  await s.waitFor('#bundle-files', 15000);
  await s.type('#bundle-answer', 'Yes, last used 10:02 UTC, matching the run');

  // Export: a missing folder is a clear error and leaves nothing behind.
  const bad = join(work, 'no', 'such', 'folder', 'p.zip');
  await s.type('#bundle-path', bad);
  await s.click('#bundle-export');
  await s.waitFor('#bundle-error', 10000);
  assert.match(await s.text('#bundle-error'), /does not exist/);
  assert.equal(existsSync(join(work, 'no')), false);

  const out = join(work, 'escalation.zip');
  await s.type('#bundle-path', out);
  await s.click('#bundle-export');
  await s.waitFor('#bundle-saved', 15000);
  assert.equal(await s.attr('#bundle-saved', 'data-path'), out);
  const listed = execFileSync('unzip', ['-Z1', out], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listed, FILES);
  const dir = join(work, 'unzipped');
  execFileSync('unzip', ['-q', out, '-d', dir]);
  for (const f of FILES) {
    const bytes = readFileSync(join(dir, f));
    assert.equal(bytes.indexOf(CANARY), -1, `${f} holds the token`);
  }
  assert.equal(readFileSync(out).indexOf(CANARY), -1);
  const summary = readFileSync(join(dir, 'SUMMARY.md'), 'utf8');
  assert.match(summary, new RegExp(base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.match(summary, /Answered by the admin/);

  // The same name again is refused unless replacing is allowed; the first zip stays intact.
  const before = readFileSync(out);
  await s.click('#bundle-export');
  await s.waitFor('#bundle-error', 10000);
  assert.match(await s.text('#bundle-error'), /exists/);
  assert.deepEqual(readFileSync(out), before);
  assert.deepEqual(readdirSync(work).filter((n) => n.endsWith('.tmp')), [], 'no temp file left');
});
