// Rotating a token through the wizard in the real app window, against the built-in demo
// (testbed) server and the real keyring: "revoke old" stays disabled until the connection
// test with the NEW token passed, and the old token stays in the keyring until then.
// Run through scripts/app-e2e.sh (APP_BINARY, WEBDRIVER_URL, throwaway HOME and keyring).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Session, sleep } from './webdriver.mjs';

const WEBDRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.APP_BINARY;
const ID = 'e2e-rotate';

let s;

before(async () => {
  assert.ok(APP, 'APP_BINARY must be set');
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('#use-demo', 30000);
});

after(async () => {
  await s?.end();
});

async function until(f, what, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (let i = 0; i < Math.ceil(timeoutMs / 200) + 1; i++) {
    last = await f();
    if (last) return last;
    if (Date.now() > deadline) break;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

function keyring(account) {
  try {
    return execFileSync('secret-tool', ['lookup', 'service', 'preflight', 'username', account], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000,
    });
  } catch {
    return '';
  }
}

const stepState = (step) => s.attr(`#rot-steps li[data-step="${step}"]`, 'data-state');
const disabled = (css) => s.exec('return document.querySelector(arguments[0]).disabled', [css]);

async function noError() {
  const e = await s.exec('return document.getElementById("error")?.textContent ?? ""');
  assert.equal(e, '', e);
}

/** Paste a new token in step 1 and confirm step 2. */
async function pasteAndConfirmIdp(token) {
  await s.type('#rot-secret', token);
  await s.click('#rot-save-secret');
  await until(async () => (await stepState('update_idp')) === 'current', 'step 2 current');
  assert.equal(await s.exec('return document.getElementById("rot-secret").value'), '', 'the UI keeps no copy');
  await s.click('#rot-idp-done');
  await until(async () => (await stepState('connection_test')) === 'current', 'step 3 current');
}

async function runTest() {
  const before = await s.exec('return document.getElementById("rot-test-result")?.dataset.passed ?? null');
  await s.click('#rot-test');
  // Bounded: the button says "Testing…" while the run is in flight.
  await until(async () => !(await disabled('#rot-test')) || (await stepState('connection_test')) === 'done', 'test finished', 60000);
  await noError();
  const after = await s.attr('#rot-test-result', 'data-passed');
  return { before, after };
}

test('rotate a token: the old one stays until the new one passed, revoke only after that', async () => {
  await s.click('#use-demo');
  await s.waitFor('#demo-status', 15000);
  const url = await s.exec('return document.getElementById("url").value');

  // A bearer profile on the demo server holding the old token.
  await s.click('[data-step="profiles"]');
  await s.click('#new-profile');
  await s.type('#pf-name', 'E2E rotate');
  await s.type('#pf-url', url);
  await s.type('#pf-secret', 'demo-token');
  await s.click('#pf-save');
  await s.waitFor(`li.profile[data-profile="${ID}"]`, 15000);
  await noError();
  assert.equal(keyring(`${ID}/token`), 'demo-token');

  // The "new token": issued by the demo server's OAuth endpoint, as a vendor portal would.
  const res = await fetch(`${new URL(url).origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret&scope=scim.read%20scim.write',
    signal: AbortSignal.timeout(10000),
  });
  assert.equal(res.status, 200);
  const newToken = (await res.json()).access_token;
  assert.ok(newToken.split('.').length === 3, 'a JWT');

  await s.click(`li.profile[data-profile="${ID}"] [data-action="rotate"]`);
  await s.click('#rot-start');
  await s.waitFor('#rot-steps');
  assert.equal(await stepState('create_new'), 'current');
  assert.equal(await disabled('#rot-revoke'), true, 'revoke old is disabled from the start');

  // A wrong new token: the connection test fails, nothing changes in the keyring.
  await pasteAndConfirmIdp('pasted-the-wrong-token');
  assert.equal(keyring(`${ID}/next-token`), 'pasted-the-wrong-token', 'kept as pending');
  const failed = await runTest();
  assert.equal(failed.after, 'false');
  assert.match(await s.text('#rot-test-result'), /auth\/users-accepts-token/);
  assert.equal(keyring(`${ID}/token`), 'demo-token', 'the old token stays after a failed test');
  assert.equal(await disabled('#rot-revoke'), true);
  assert.equal(await stepState('revoke_old'), 'locked');

  // The real new token: step 1 again (later steps start over), then the test passes.
  await pasteAndConfirmIdp(newToken);
  assert.equal(keyring(`${ID}/token`), 'demo-token', 'still the old token before the test');
  assert.equal(await disabled('#rot-revoke'), true, 'still disabled before the test');
  const passed = await runTest();
  assert.equal(passed.after, 'true');
  assert.equal(await stepState('connection_test'), 'done');
  assert.equal(keyring(`${ID}/token`), newToken, 'the new token replaced the old one');
  assert.equal(keyring(`${ID}/next-token`), '', 'no pending copy left');

  // Revoke needs the provisioning event too; then it finishes the rotation.
  assert.equal(await disabled('#rot-revoke'), true);
  await s.click('#rot-prov-done');
  await until(async () => !(await disabled('#rot-revoke')), 'revoke enabled');
  await s.click('#rot-revoke');
  await s.waitFor('#rot-finished', 15000);
  await noError();

  // The profile now carries the new token's expiry (from its JWT exp: under a day left).
  await s.click('[data-step="profiles"]');
  assert.equal(await s.attr(`li.profile[data-profile="${ID}"] .expiry`, 'data-band'), 'critical');
});
