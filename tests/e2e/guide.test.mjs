// Following the Entra setup guide in the real app window against the built-in demo (testbed)
// server: the guide shows the console's menu path and fields filled from the target, with copy
// buttons, and a step's "Run check" runs the checks that prove it.
// Run through scripts/app-e2e.sh (APP_BINARY, WEBDRIVER_URL, throwaway HOME and keyring).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Session, sleep } from './webdriver.mjs';

const WEBDRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.APP_BINARY;

let s;

before(async () => {
  assert.ok(APP, 'APP_BINARY must be set');
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('#use-demo', 30000);
});

after(async () => {
  await s?.end();
});

test('the Entra guide is filled from the target and its step checks run against the demo server', async () => {
  await s.click('#use-demo');
  await s.waitFor('#demo-status', 15000);
  const url = await s.exec('return document.getElementById("url").value');
  await s.click('[data-step="idp"]');
  await s.exec('const r = document.querySelector(\'input[type="radio"][value="entra"]\'); if (r) r.click();');
  await s.click('[data-step="guide"]');
  await s.waitFor('#guide-steps', 15000);
  assert.match(await s.text('#guide-h'), /Entra/);

  const step = 'li.guide-step[data-step="scim-admin-credentials"]';
  const text = await s.text(step);
  assert.match(text, /Provisioning/, 'the console menu path is shown');
  const values = await s.exec('return [...document.querySelectorAll(arguments[0] + " .copy-field input")].map(i => i.value)', [step]);
  assert.ok(values.includes(url), `the Tenant URL is filled with the demo URL: ${values.join(' | ')}`);
  const copy = await s.exec('return [...document.querySelectorAll(arguments[0] + " .copy-field button")].map(b => b.getAttribute("aria-label"))', [step]);
  assert.ok(copy.some((l) => /^Copy /.test(l)), copy.join(','));
  assert.ok(!(await s.exec('return document.documentElement.outerHTML.includes("demo-token")')), 'no token is shown in the guide');

  await s.click(`${step} .run-step`);
  // Bounded wait for this step's results.
  let statuses = {};
  for (let i = 0; i < 150 && !statuses['entra/test-connection']; i++) {
    await sleep(200);
    statuses = await s.exec('return Object.fromEntries([...document.querySelectorAll(arguments[0] + " .step-results li")].map(li => [li.dataset.check, li.dataset.status]))', [step]);
  }
  assert.equal(statuses['entra/test-connection'], 'pass', JSON.stringify(statuses));
  assert.equal(statuses['auth/users-accepts-token'], 'pass', JSON.stringify(statuses));
  const error = await s.exec('return document.getElementById("error")?.textContent ?? ""');
  assert.equal(error, '', error);
});
