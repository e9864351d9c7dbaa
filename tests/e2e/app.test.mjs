// End-to-end: the real app binary, driven over WebDriver (tauri-driver) under Xvfb.
// Run through scripts/app-e2e.sh, which provides APP_BINARY, WEBDRIVER_URL, SCREENSHOT and
// a throwaway HOME/XDG config dir with an unlocked gnome-keyring.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Session, sleep } from './webdriver.mjs';

const WEBDRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.APP_BINARY;
const SCREENSHOT = process.env.SCREENSHOT;
const RUN_TIMEOUT_MS = 90000;

let s;

before(async () => {
  assert.ok(APP, 'APP_BINARY must be set');
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('#use-demo', 30000);
});

after(async () => {
  await s?.end();
});

async function setQuirk(quirk) {
  await s.click('[data-step="target"]');
  await s.waitFor('#quirk');
  await s.exec(
    `const el = document.getElementById("quirk"); el.value = ${JSON.stringify(quirk)}; el.dispatchEvent(new Event("change", { bubbles: true }));`,
  );
  // Bounded wait until the server confirms the quirk (the select shows what it reports).
  for (let i = 0; i < 50; i++) {
    await sleep(100);
    if ((await s.exec('return document.getElementById("quirk").value')) === quirk) return;
  }
  throw new Error(`the demo server did not switch to quirk '${quirk}'`);
}

let runs = 0;

async function runAndWait() {
  await s.click('[data-step="checks"]');
  await s.click('#run');
  runs += 1;
  // Bounded: the summary of this run (not the previous one) appears when it is done.
  await s.waitFor(`#summary[data-run="${runs}"]`, RUN_TIMEOUT_MS, 250);
  return s.attr('#summary', 'data-failed');
}

test('the demo server passes every check', async () => {
  await s.click('#use-demo');
  await s.waitFor('#demo-status', 15000);
  const url = await s.exec('return document.getElementById("url").value');
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);

  const failed = await runAndWait();
  assert.equal(failed, '0', `summary: ${await s.text('#summary')}`);
  assert.equal((await s.findAll('li.check[data-status="fail"]')).length, 0);
  assert.ok((await s.findAll('li.check[data-status="pass"]')).length > 0);

  if (SCREENSHOT) {
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await sleep(1000);
    writeFileSync(SCREENSHOT, await s.screenshot());
  }

  await s.click('#next-report');
  assert.match(await s.text('#report-summary'), /\b0 failed\b/);
  await s.click('#download-json');
  let saved = '';
  for (let i = 0; i < 50 && !saved; i++) {
    saved = (await s.text('#saved-to')).replace(/^Saved to /, '');
    if (!saved) await sleep(200);
  }
  assert.ok(saved.startsWith(process.env.HOME ?? '/nonexistent'), saved);
  const written = JSON.parse(readFileSync(saved, 'utf8'));
  assert.equal(written.summary.failed, 0);
  assert.ok(!readFileSync(saved, 'utf8').includes('demo-token'), 'the report is redacted');
});

test('the page cannot eval, reach the network or see a global Tauri API', async () => {
  const evalResult = await s.exec("try { eval('1'); return 'allowed'; } catch (e) { return 'blocked'; }");
  assert.equal(evalResult, 'blocked', 'CSP forbids eval');
  assert.equal(await s.exec('return typeof window.__TAURI__'), 'undefined', 'withGlobalTauri is off');
  // The demo server is up and reachable from Node, but the CSP keeps the page from it.
  await s.click('[data-step="target"]');
  const url = await s.exec('return document.getElementById("url").value');
  assert.equal((await fetch(`${url}/ServiceProviderConfig`, { signal: AbortSignal.timeout(5000) })).status, 200);
  const r = await s.cmd('POST', '/execute/async', {
    script: "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(() => done('fetched'), () => done('blocked'));",
    args: [`${url}/ServiceProviderConfig`],
  });
  assert.equal(r, 'blocked', 'CSP connect-src blocks the page from fetching');
});

test('filter-ignored is diagnosed with its fix', async () => {
  await setQuirk('filter-ignored');

  const failed = await runAndWait();
  assert.notEqual(failed, '0');
  const codes = await s.exec('return [...document.querySelectorAll(".diag-code")].map(e => e.textContent)');
  assert.ok(codes.includes('scim/filter-ignored'), `diagnosis codes shown: ${codes.join(', ')}`);
  const text = await s.text('#checks');
  assert.match(text, /must apply the filter and answer `?totalResults: 0`?/);

  // The evidence drawer shows the redacted exchanges and never the token.
  await s.click('li.check[data-status="fail"] .evidence-btn');
  const drawer = await s.text('dialog.drawer');
  assert.match(drawer, /GET http:\/\/127\.0\.0\.1/);
  assert.doesNotMatch(drawer, /demo-token/);
  await s.click('dialog.drawer header button');
});

test('a slow run can be cancelled', async () => {
  await setQuirk('slow=1000');
  await s.click('[data-step="checks"]');
  await s.click('#run');
  runs += 1;
  await s.waitFor('li.check[data-status="running"]', 10000, 100);
  await sleep(500);
  await s.click('#cancel');
  await s.waitFor(`#summary[data-run="${runs}"][data-cancelled="true"]`, 30000, 200);
  assert.ok((await s.findAll('li.check[data-status="skip"]')).length > 0, 'checks after the cancel are skipped');
  assert.equal(await s.exec('return document.getElementById("run").disabled'), false, 'Run is enabled again');
  await setQuirk('');
});

test('a run uses the token saved for a profile', async () => {
  await s.click('[data-step="target"]');
  await s.type('#profile', 'e2e-run');
  await s.type('#token', 'demo-token');
  await s.click('#save-token');
  await s.waitFor('#saved', 10000);
  for (let i = 0; i < 50; i++) {
    const cleared = await s.exec('return document.getElementById("token").value === ""');
    if (cleared && /stored in the OS keyring/.test(await s.text('#token-status'))) break;
    await sleep(200);
  }
  assert.match(await s.text('#token-status'), /stored in the OS keyring/);
  const failed = await runAndWait();
  assert.equal(failed, '0', `summary: ${await s.text('#summary')}`);
  // The saved profile is listed and can be chosen again.
  await s.click('[data-step="target"]');
  const options = await s.exec('return [...document.querySelectorAll("#saved option")].map(o => o.value)');
  assert.ok(options.includes('e2e-run'), options.join(','));
});

test('a saved token goes to the keyring and into no file', async (t) => {
  const configDir = process.env.XDG_CONFIG_HOME;
  if (!configDir) return t.skip('no throwaway XDG_CONFIG_HOME');
  const canary = `canary-${Date.now()}-token`;
  await s.click('[data-step="target"]');
  await s.type('#profile', 'e2e-profile');
  await s.type('#token', canary);
  await s.click('#save-token');
  // Bounded wait for the keyring write to be confirmed (or an error to show).
  let status = '';
  for (let i = 0; i < 50; i++) {
    status = await s.exec('return (document.getElementById("error")?.textContent ?? "") + document.getElementById("token-status").textContent');
    const cleared = await s.exec('return document.getElementById("token").value === ""');
    if ((cleared && /stored in the OS keyring/.test(status)) || /secrets\//.test(status)) break;
    await sleep(200);
  }
  assert.match(status, /stored in the OS keyring/, status);
  assert.equal(await s.exec('return document.getElementById("token").value'), '', 'the token field is cleared');

  const found = execFileSync('secret-tool', ['search', '--all', 'service', 'preflight'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
  assert.match(found, /e2e-profile/);

  const profiles = join(configDir, 'preflight', 'profiles.json');
  assert.match(readFileSync(profiles, 'utf8'), /"e2e-profile"/, 'the profile settings are saved');
  for (const dir of [configDir, process.env.XDG_DATA_HOME, process.env.XDG_CACHE_HOME].filter(Boolean)) {
    for (const file of walk(dir)) {
      if (file.includes('/keyrings/')) continue; // the keyring's own encrypted store
      assert.ok(!readFileSync(file).includes(canary), `token found in ${file}`);
    }
  }
});

function* walk(dir, depth = 0) {
  if (depth > 8) return;
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) yield* walk(p, depth + 1);
    else if (st.isFile() && st.size < 10_000_000) yield p;
  }
}

/** Bounded poll until `script` returns a truthy value; returns it. */
async function until(script, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let v;
  while (Date.now() < deadline) {
    v = await s.exec(script);
    if (v) return v;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
}

test('the last results of a profile are shown again after the app is reopened', async (t) => {
  const dataDir = process.env.XDG_DATA_HOME;
  if (!dataDir) return t.skip('no throwaway XDG_DATA_HOME');
  const results = join(dataDir, 'dev.preflight.desktop', 'results');
  const kept = readFileSync(join(results, 'e2e-run.json'), 'utf8');
  const report = JSON.parse(kept);
  assert.equal(report.summary.failed, 0);
  assert.ok(!kept.includes('demo-token'), 'the kept results hold no token');
  // A damaged file for another profile must not break anything.
  writeFileSync(join(results, 'e2e-profile.json'), '{"schema_version": 1, "tool": ');

  // Quit the app and start it again, with the same HOME and XDG dirs.
  await s.end();
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('#use-demo', 30000);

  await until('return document.getElementById("saved")?.value === "e2e-run"', 'the profile run last to be selected');
  const options = await s.exec('return [...document.querySelectorAll("#saved option")].map(o => o.value)');
  assert.ok(options.includes('e2e-run') && options.includes('e2e-profile'), options.join(','));
  await s.click('[data-step="checks"]');
  const lastRun = await s.text('#last-run');
  assert.match(lastRun, /^Last run: .*\d/);
  assert.equal(await s.attr('#last-run', 'data-at'), report.started_at);
  assert.equal(await s.attr('#summary', 'data-failed'), '0');
  assert.equal((await s.findAll('li.check[data-status="pass"]')).length, report.summary.passed);

  // The damaged file shows a note, never a crash.
  await s.click('[data-step="target"]');
  await s.exec('const el = document.getElementById("saved"); el.value = "e2e-profile"; el.dispatchEvent(new Event("change", { bubbles: true }));');
  await s.click('[data-step="checks"]');
  assert.match(await s.text('#last-run-note'), /damaged/);
  assert.equal((await s.findAll('#last-run')).length, 0);
  assert.equal((await s.findAll('li.check[data-status="pass"]')).length, 0);
});

test('the SCIM connection step tests the endpoint like Entra does', async () => {
  await s.click('[data-step="target"]');
  await s.click('#use-demo');
  await s.waitFor('#demo-status', 15000);
  await s.click('[data-step="idp"]');
  await s.click('input[name="idp"][value="entra"]');
  await s.click('[data-step="scim"]');
  assert.match(await s.text('#scim-where'), /Enterprise applications.*Provisioning.*Admin Credentials/);
  assert.match(await s.text('#connection-test'), /Test like Entra does/);

  await s.click('#test-connection');
  await s.waitFor('#connection-result[data-run="1"]', RUN_TIMEOUT_MS, 250);
  assert.equal(await s.attr('#connection-result', 'data-status'), 'pass', await s.text('#connection-result'));
  const ran = await s.exec('return [...document.querySelectorAll("#connection-result li.check")].map(e => e.dataset.check)');
  assert.deepEqual(ran.sort(), ['auth/users-accepts-token', 'entra/test-connection', 'scim/endpoint-reachable']);

  await setQuirk('filter-ignored');
  await s.click('[data-step="scim"]');
  await s.click('#test-connection');
  await s.waitFor('#connection-result[data-run="2"]', RUN_TIMEOUT_MS, 250);
  assert.equal(await s.attr('#connection-result', 'data-status'), 'fail');
  const codes = await s.exec('return [...document.querySelectorAll("#connection-result .diag-code")].map(e => e.textContent)');
  assert.ok(codes.includes('scim/filter-ignored'), `diagnosis codes shown: ${codes.join(', ')}`);
  await setQuirk('');
});
