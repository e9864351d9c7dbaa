// Profiles in the real app window: an OAuth client-credentials profile is saved, its secret
// goes to the real keyring and is never shown again, checks run with it, and deleting it
// removes its keyring item and nothing else. Then, with the clock pinned by the test hook
// PREFLIGHT_FAKE_NOW, days left are coloured (yellow < 30, red < 7) and the app warns at start.
// Run through scripts/app-e2e.sh (APP_BINARY, WEBDRIVER_URL, throwaway HOME and keyring).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, readFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session, sleep } from './webdriver.mjs';

const WEBDRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.APP_BINARY;
const CONFIG = process.env.XDG_CONFIG_HOME;

let s;
let scratch;

before(async () => {
  assert.ok(APP, 'APP_BINARY must be set');
  scratch = mkdtempSync(join(tmpdir(), 'preflight-e2e-profiles-'));
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('[data-step="profiles"]', 30000);
});

after(async () => {
  await s?.end();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Bounded poll until `f` returns a truthy value. */
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

/** Set a select/date field the way a user's choice would (Svelte listens to change/input). */
async function choose(css, value, event = 'change') {
  await s.waitFor(css);
  await s.exec(
    `const el = document.querySelector(arguments[0]); el.value = arguments[1]; el.dispatchEvent(new Event(arguments[2], { bubbles: true }));`,
    [css, value, event],
  );
}

function keyring(account) {
  try {
    return execFileSync('secret-tool', ['lookup', 'service', 'preflight', 'username', account], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000,
    });
  } catch {
    return ''; // secret-tool exits 1 when nothing matches
  }
}

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

async function demoUrl() {
  await s.click('[data-step="target"]');
  await s.click('#use-demo');
  await s.waitFor('#demo-status', 15000);
  return s.exec('return document.getElementById("url").value');
}

/** Fill and save the profile form; `fields` holds the optional parts. */
async function saveProfile({ name, url, secret, cc, expires, signIn }) {
  await s.click('[data-step="profiles"]');
  await s.click('#new-profile');
  await s.type('#pf-name', name);
  await s.type('#pf-url', url);
  if (cc) {
    await s.click('#pf-auth-cc');
    await s.type('#pf-token-url', cc.tokenUrl);
    await s.type('#pf-client-id', cc.clientId);
    await s.type('#pf-scope', cc.scope);
  }
  await s.type('#pf-secret', secret);
  if (expires) {
    await choose('#pf-expiry-mode', 'entered');
    await choose('#pf-expiry', expires, 'input');
  }
  if (signIn) {
    await s.click('#pf-sign-in summary');
    await until(async () => s.exec('return document.getElementById("pf-sign-in").open'), 'sign-in section open', 5000);
    await choose('#pf-redirect-uris', signIn.redirectUris.join('\n'), 'input');
    // Below the fold of the app's scrolling panel: bring it into view as a user would.
    await s.exec('document.getElementById("pf-sso-client-id").scrollIntoView({ block: "center" })');
    await s.type('#pf-sso-client-id', signIn.clientId);
  }
  await s.click('#pf-save');
  const id = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  await until(
    async () => (await s.exec('return !!document.querySelector(arguments[0]) && !document.getElementById("profile-form")', [`li.profile[data-profile="${id}"]`]))
      || (await s.exec('return document.getElementById("error")?.textContent ?? ""')),
    `profile ${id} saved`,
  );
  const error = await s.exec('return document.getElementById("error")?.textContent ?? ""');
  assert.equal(error, '', `saving ${id} failed: ${error}`);
  return id;
}

test('a client-credentials profile: secret in the keyring, never shown, checks pass, delete removes only it', async () => {
  const url = await demoUrl();
  const origin = new URL(url).origin;
  const keep = await saveProfile({ name: 'E2E keep me', url, secret: 'demo-token' });
  const id = await saveProfile({
    name: 'E2E client creds', url, secret: 'demo-secret',
    cc: { tokenUrl: `${origin}/oauth2/token`, clientId: 'demo-client', scope: 'scim.read scim.write' },
  });
  assert.equal(id, 'e2e-client-creds');
  assert.match(await s.text(`li.profile[data-profile="${id}"]`), /OAuth client credentials/);

  // The secret is in the real keyring under <id>/client-secret, in no file, and not on the page.
  assert.equal(keyring(`${id}/client-secret`), 'demo-secret');
  assert.equal(keyring(`${id}/token`), '');
  const profilesJson = readFileSync(join(CONFIG, 'preflight', 'profiles.json'), 'utf8');
  assert.match(profilesJson, /"client_id": "demo-client"/);
  for (const dir of [CONFIG, process.env.XDG_DATA_HOME, process.env.XDG_CACHE_HOME].filter(Boolean)) {
    for (const file of walk(dir)) {
      if (file.includes('/keyrings/')) continue; // the keyring's own encrypted store
      assert.ok(!readFileSync(file).includes('demo-secret'), `client secret found in ${file}`);
    }
  }
  await s.click(`li.profile[data-profile="${id}"] [data-action="edit"]`);
  await until(async () => /stored in the OS keyring/.test(await s.text('#pf-secret-status')), 'keyring status');
  assert.equal(await s.exec('return document.getElementById("pf-secret").value'), '');
  assert.equal(await s.exec('return document.documentElement.outerHTML.includes("demo-secret")'), false, 'the secret is not in the page');
  await s.click('#profile-form .nav-buttons button.secondary');

  // Checks run with the client credentials: a token is fetched from the token endpoint first.
  await s.click(`li.profile[data-profile="${id}"] [data-action="use"]`);
  await until(async () => /stored in the OS keyring/.test(await s.text('#token-status')), 'profile in use');
  await s.click('[data-step="checks"]');
  const runsBefore = Number((await s.exec('return document.getElementById("summary")?.dataset.run ?? "0"')) || 0);
  await s.click('#run');
  await s.waitFor(`#summary[data-run="${runsBefore + 1}"]`, 90000, 250);
  assert.equal(await s.attr('#summary', 'data-failed'), '0', await s.text('#summary'));
  assert.equal(await s.attr('li.check[data-check="auth/client-credentials-grant"]', 'data-status'), 'pass');

  // Delete asks first, then removes the profile and its keyring item, and nothing else.
  await s.click('[data-step="profiles"]');
  await s.click(`li.profile[data-profile="${id}"] [data-action="delete"]`);
  await s.waitFor('#confirm-delete');
  assert.equal(keyring(`${id}/client-secret`), 'demo-secret', 'nothing is deleted before the confirmation');
  await s.click('#confirm-delete');
  await until(async () => !(await s.exec('return !!document.querySelector(arguments[0])', [`li.profile[data-profile="${id}"]`])), 'profile gone');
  assert.equal(keyring(`${id}/client-secret`), '');
  assert.equal(keyring(`${keep}/token`), 'demo-token', 'the other profile keeps its token');
  const after = readFileSync(join(CONFIG, 'preflight', 'profiles.json'), 'utf8');
  assert.doesNotMatch(after, /e2e-client-creds/);
  assert.match(after, /"e2e-keep-me"/);
});

test('with a pinned clock, days left are yellow under 30 and red under 7, and the app warns at start', async () => {
  // A wrapper sets the documented test hook for the app that tauri-driver launches.
  const wrapper = join(scratch, 'app-with-fake-now.sh');
  writeFileSync(wrapper, `#!/bin/sh\nPREFLIGHT_FAKE_NOW=2030-01-01T12:00:00Z exec "${APP}" "$@"\n`);
  chmodSync(wrapper, 0o755);
  await s.end();
  s = await Session.start(WEBDRIVER, wrapper);
  await s.waitFor('[data-step="profiles"]', 30000);
  const url = 'https://scim.example.com/scim/v2';
  const red = await saveProfile({ name: 'E2E red', url, secret: 'tok-red', expires: '2030-01-04' });
  const yellow = await saveProfile({ name: 'E2E yellow', url, secret: 'tok-yellow', expires: '2030-01-20' });
  const green = await saveProfile({ name: 'E2E green', url, secret: 'tok-green', expires: '2030-06-01' });

  const badge = (id) => `li.profile[data-profile="${id}"] .expiry`;
  assert.equal(await s.attr(badge(red), 'data-band'), 'critical');
  assert.match(await s.text(badge(red)), /^2 days left$/);
  assert.equal(await s.attr(badge(yellow), 'data-band'), 'warn');
  assert.match(await s.text(badge(yellow)), /^18 days left$/);
  assert.equal(await s.attr(badge(green), 'data-band'), 'ok');
  const colour = (id) => s.exec('return getComputedStyle(document.querySelector(arguments[0])).backgroundColor', [badge(id)]);
  assert.equal(await colour(red), 'rgb(197, 34, 31)', 'red under 7 days');
  assert.equal(await colour(yellow), 'rgb(255, 229, 138)', 'yellow under 30 days');

  // Restart: the banner lists the expiring tokens (not the green one) and says the clock is pinned.
  await s.end();
  s = await Session.start(WEBDRIVER, wrapper);
  await s.waitFor('#expiry-banner', 30000);
  const banner = await s.text('#expiry-banner');
  assert.match(banner, /E2E red/);
  assert.match(banner, /E2E yellow/);
  assert.doesNotMatch(banner, /E2E green/);
  assert.match(banner, /PREFLIGHT_FAKE_NOW/);
  assert.equal(await s.attr(`#expiry-banner li[data-profile="${red}"] .expiry`, 'data-band'), 'critical');
});

test('a vendor is chosen from the list and its URL pattern explains what is wrong', async () => {
  await s.click('[data-step="profiles"]');
  await s.click('#new-profile');
  await until(async () => (await s.exec('return document.querySelectorAll("#pf-vendor option").length')) > 1, 'vendor list loaded');
  await choose('#pf-vendor', 'airia');
  assert.match(await s.text('#pf-vendor-summary'), /180 days/);
  await s.type('#pf-url', 'https://airia.example.com/auth/realms/airia/org/not-a-guid/scim/v2');
  const problem = await until(async () => s.exec('return document.getElementById("pf-url-problem")?.textContent ?? ""'), 'URL problem shown');
  assert.match(problem, /Airia base URL/);
  assert.match(problem, /GUID/i);
  await s.type('#pf-url', 'https://airia.example.com/auth/realms/airia/org/3f2504e0-4f89-11d3-9a0c-0305e82c3301/scim/v2');
  await until(async () => !(await s.exec('return !!document.getElementById("pf-url-problem")')), 'problem cleared');
  await s.click('#profile-form .nav-buttons button.secondary');

  // The Target step has the same check.
  await s.click('[data-step="target"]');
  await choose('#target-vendor', 'airia');
  await s.type('#url', 'https://airia.example.com/scim/v2');
  const onTarget = await until(async () => s.exec('return document.getElementById("target-url-problem")?.textContent ?? ""'), 'Target step URL problem');
  assert.match(onTarget, /Airia base URL/);
  await choose('#target-vendor', '');
});

test('the sign-in section keeps two redirect URIs: saved, in profiles.json, shown again on reopening', async () => {
  const redirectUris = ['https://app.example.com/auth/callback', 'http://localhost:3000/cb'];
  const id = await saveProfile({
    name: 'E2E sign in', url: 'https://scim.example.com/scim/v2', secret: 'tok-sso',
    signIn: { redirectUris, clientId: 'e2e-sso-client' },
  });
  const saved = JSON.parse(readFileSync(join(CONFIG, 'preflight', 'profiles.json'), 'utf8'));
  const profile = saved.profiles.find((p) => p.id === id);
  assert.deepEqual(profile.sign_in, { client_id: 'e2e-sso-client', redirect_uris: redirectUris });

  // Reopened, the section is open and lists both URIs, one per line.
  await s.click(`li.profile[data-profile="${id}"] [data-action="edit"]`);
  await s.waitFor('#pf-redirect-uris');
  assert.equal(await s.exec('return document.getElementById("pf-sign-in").open'), true);
  assert.equal(await s.exec('return document.getElementById("pf-redirect-uris").value'), redirectUris.join('\n'));
  assert.equal(await s.exec('return document.getElementById("pf-sso-client-id").value'), 'e2e-sso-client');

  // A plain-http URI that is not localhost is refused in the form and nothing is saved.
  await choose('#pf-redirect-uris', `${redirectUris[0]}\nhttp://app.example.com/cb`, 'input');
  await s.click('#pf-save');
  const problem = await until(
    async () => s.exec('return [...document.querySelectorAll("#pf-sign-in .field-error")].map((e) => e.textContent).join(" ")'),
    'redirect URI problem shown',
  );
  assert.match(problem, /http only for localhost/);
  await s.click('#profile-form .nav-buttons button.secondary');
  const after = JSON.parse(readFileSync(join(CONFIG, 'preflight', 'profiles.json'), 'utf8'));
  assert.deepEqual(after.profiles.find((p) => p.id === id).sign_in.redirect_uris, redirectUris);
});
