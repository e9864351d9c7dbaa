// The Attribute mapping and Quarantine screens in the real app window. Mapping: against the
// built-in demo server switched to "refuse user attributes it does not declare" (the STACKIT
// behaviour), Entra's default mapping gets a `remove` row for `roles`, the ticked changes
// become overrides TOML, and the hand-off opens Provision on demand. Quarantine: with the
// clock pinned by PREFLIGHT_FAKE_NOW, a failure time gives dated retries and the disable date.
// Run through scripts/app-e2e.sh (APP_BINARY, WEBDRIVER_URL, throwaway HOME and keyring).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, sleep, startDemo } from './webdriver.mjs';

const WEBDRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.APP_BINARY;
const FAKE_NOW = '2030-01-01T12:00:00Z';

let s;
let scratch;

before(async () => {
  assert.ok(APP, 'APP_BINARY must be set');
  scratch = mkdtempSync(join(tmpdir(), 'preflight-e2e-mapping-'));
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('#use-demo', 30000);
});

after(async () => {
  await s?.end();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Bounded poll until `f` returns a truthy value. */
async function until(f, what, timeoutMs = 15000) {
  let last;
  for (let i = 0; i < Math.ceil(timeoutMs / 200) + 1; i++) {
    last = await f();
    if (last) return last;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

const errorText = () => s.exec('return document.getElementById("error")?.textContent ?? ""');

test('without a target the mapping screen says where to set one', async () => {
  await s.click('[data-step="mapping"]');
  await s.waitFor('#map-empty', 10000);
  assert.match(await s.text('#map-empty'), /Target step/);
  assert.equal(await s.exec('return !!document.getElementById("map-run")'), false);
});

test('a strict demo server gets a remove row, the overrides follow the ticks, and the hand-off opens Provision on demand', async () => {
  await s.click('[data-step="target"]');
  await startDemo(s);
  await s.exec('const el = document.getElementById("quirk"); el.value = "strict-attributes"; el.dispatchEvent(new Event("change", { bubbles: true }));');
  await until(async () => (await s.exec('return document.getElementById("quirk").value')) === 'strict-attributes', 'strict quirk on');
  await s.click('[data-step="idp"]');
  await s.exec('const r = document.querySelector(\'input[type="radio"][value="entra"]\'); if (r) r.click();');

  await s.click('[data-step="mapping"]');
  await until(async () => (await s.exec('return document.getElementById("map-dialect")?.value ?? ""')) === 'entra-default', 'Entra dialect preselected');
  await s.click('#map-run');
  await until(async () => (await s.exec('return !!document.querySelector(\'#map-result[data-run="1"]\')')) || (await errorText()), 'plan shown', 30000);
  assert.equal(await errorText(), '');
  assert.equal(await s.attr('#map-result', 'data-readable'), 'true');

  const roles = 'tr[data-attribute="roles"]';
  assert.equal(await s.attr(roles, 'data-action'), 'remove', 'the strict server does not declare roles');
  assert.match(await s.text(roles), /Mappings/, 'the console step is shown');
  assert.equal(await s.attr('tr[data-attribute="userName"]', 'data-action'), 'keep');

  // Proposed changes start ticked; the TOML is what the core parses.
  const toml = () => s.exec('return document.querySelector("#map-overrides textarea")?.value ?? ""');
  await until(async () => /remove = \["roles"\]/.test(await toml()), 'overrides TOML');
  // Unticking every change empties the overrides and disables the hand-off; ticking brings it back.
  const ticks = await s.exec('return document.querySelectorAll("#map-result .map-tick").length');
  assert.ok(ticks >= 1);
  await s.exec('document.querySelectorAll("#map-result .map-tick").forEach(t => { if (t.checked) t.click(); })');
  await until(async () => (await toml()) === '', 'overrides cleared');
  assert.equal(await s.exec('return document.getElementById("map-handoff").disabled'), true);
  await s.click(`${roles} .map-tick`);
  await until(async () => /remove = \["roles"\]/.test(await toml()), 'overrides back');

  await s.click('#map-handoff');
  await until(async () => (await s.attr('[data-step="provision"]', 'aria-current')) === 'step', 'Provision step current');
  await s.waitFor('#prov-h', 10000);
  assert.equal(await errorText(), '');
});

test('with a pinned clock, a failure time gives dated retries, the next one and the disable date', async () => {
  // A wrapper sets the documented test hook for the app that tauri-driver launches.
  const wrapper = join(scratch, 'app-with-fake-now.sh');
  writeFileSync(wrapper, `#!/bin/sh\nPREFLIGHT_FAKE_NOW=${FAKE_NOW} exec "${APP}" "$@"\n`);
  chmodSync(wrapper, 0o755);
  await s.end();
  s = await Session.start(WEBDRIVER, wrapper);
  await s.waitFor('[data-step="quarantine"]', 30000);
  await s.click('[data-step="quarantine"]');

  // Default: the failure is "now" — the pinned clock, not the machine's.
  await s.waitFor('#qt-result', 10000);
  assert.match(await s.text('#qt-fake-clock'), /PREFLIGHT_FAKE_NOW/);
  assert.equal(await s.attr('#qt-retries li', 'data-at'), '2030-01-01T18:00:00Z');

  // 16 hours before the pinned now; the picker takes local time, so convert in the page.
  await s.exec(
    `const d = new Date("2029-12-31T20:00:00Z"); const p = (n) => String(n).padStart(2, "0");
     const el = document.getElementById("qt-failure");
     el.value = d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + "T" + p(d.getHours()) + ":" + p(d.getMinutes());
     el.dispatchEvent(new Event("input", { bubbles: true }));`,
  );
  await s.exec('const el = document.getElementById("qt-vendor"); el.value = "airia"; el.dispatchEvent(new Event("change", { bubbles: true }));');
  await s.click('#qt-show');
  await until(async () => (await s.attr('#qt-result', 'data-show')) === '2', 'schedule for the entered time');
  assert.equal(await errorText(), '');

  const rows = await s.exec('return [...document.querySelectorAll("#qt-retries li")].map(li => ({ at: li.dataset.at, h: li.dataset.hours, past: li.dataset.past, next: li.classList.contains("next") }))');
  assert.deepEqual(rows.slice(0, 4), [
    { at: '2030-01-01T02:00:00Z', h: '6', past: 'true', next: false },
    { at: '2030-01-01T08:00:00Z', h: '12', past: 'true', next: false },
    { at: '2030-01-01T20:00:00Z', h: '24', past: 'false', next: true },
    { at: '2030-01-02T20:00:00Z', h: '48', past: 'false', next: false },
  ]);
  assert.equal(rows.at(-1).at, '2030-01-27T20:00:00Z', 'daily retries until the last day');
  assert.match(await s.text('#qt-retries li.next'), /Tue 1 Jan 2030, 20:00 UTC/);
  assert.equal(await s.text('#qt-next-in'), 'in 8 h 0 min');
  assert.equal(await s.attr('#qt-disabled', 'data-at'), '2030-01-28T20:00:00Z');
  assert.match(await s.text('#qt-disabled'), /Mon 28 Jan 2030, 20:00 UTC \(27 days from now\)/);
  assert.match(await s.text('#qt-sync'), /Airia then needs up to 10 minutes/);
});
