// End-to-end: write mode behind consent, provision on demand, the tenant scan and the
// start-up journal sweep, in the real app window against its demo server (the in-process
// testbed). What reached the server is read from the testbed's own request log.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, sleep, startDemo } from './webdriver.mjs';

const WEBDRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.APP_BINARY;
const RUN_TIMEOUT_MS = 120000;
const TOKEN = { authorization: 'Bearer demo-token' };

let s;
let base = '';
let origin = '';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TESTBED = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'debug', 'preflight-testbed');

function journalDir() {
  const dataHome = process.env.XDG_DATA_HOME ?? join(process.env.HOME, '.local', 'share');
  return join(dataHome, 'preflight', 'journal');
}

/** A journal entry from a "crashed" earlier run, for a server no profile knows. */
function seedOrphanJournal() {
  const dir = journalDir();
  mkdirSync(dir, { recursive: true });
  const entry = {
    event: 'intent', key: 'e2eorphan-0', run: 'e2eorphan', base_url: 'http://127.0.0.1:9/scim/v2',
    kind: 'user', name: 'preflight-test-e2eorphan-create@example.invalid',
  };
  writeFileSync(join(dir, 'e2eorphan.jsonl'), JSON.stringify(entry) + '\n');
}

before(async () => {
  assert.ok(APP, 'APP_BINARY must be set');
  seedOrphanJournal();
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('#use-demo', 30000);
  await startDemo(s);
  base = await s.exec('return document.getElementById("url").value');
  origin = new URL(base).origin;
});

after(async () => {
  await s?.end();
});

async function until(script, what, timeoutMs = 15000) {
  for (let i = 0; i < timeoutMs / 200; i++) {
    if (await s.exec(script)) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function requestLog() {
  const res = await fetch(`${origin}/_testbed/requests`, { signal: AbortSignal.timeout(5000) });
  return res.json();
}
async function clearLog() {
  await fetch(`${origin}/_testbed/requests`, { method: 'DELETE', signal: AbortSignal.timeout(5000) });
}
async function setQuirks(quirks) {
  const res = await fetch(`${origin}/_testbed/quirks`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quirks }),
    signal: AbortSignal.timeout(5000),
  });
  assert.ok(res.ok, `quirks ${quirks}: HTTP ${res.status}`);
}
/** Every test object still on the demo server. */
async function testObjects() {
  const out = [];
  for (const [coll, attr] of [['Users', 'userName'], ['Groups', 'displayName']]) {
    const res = await fetch(`${base}/${coll}?startIndex=1&count=1000`, { headers: TOKEN, signal: AbortSignal.timeout(5000) });
    const body = await res.json();
    for (const r of body.Resources ?? []) if (String(r[attr]).toLowerCase().startsWith('preflight-test-')) out.push(r[attr]);
  }
  return out;
}
/** Empty a text field the way typing would (WebDriver cannot send empty text). */
function clearField(id) {
  return s.exec(`const el = document.getElementById(${JSON.stringify(id)}); el.value = ""; el.dispatchEvent(new Event("input", { bubbles: true }));`);
}

function select(id, value) {
  return s.exec(`const el = document.getElementById(${JSON.stringify(id)}); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event("change", { bubbles: true }));`);
}
async function consentNames() {
  await s.waitFor('#consent[open]', 10000);
  return s.exec('return [...document.querySelectorAll("#consent-objects .object-name")].map((e) => e.textContent)');
}

test('the app sweeps the cleanup journal on start and says what it kept', async () => {
  await s.waitFor('#journal-sweep', 15000);
  assert.equal(await s.attr('#journal-sweep', 'data-kept'), '1');
  const text = await s.text('#journal-sweep');
  assert.match(text, /127\.0\.0\.1:9\/scim\/v2/);
  assert.match(text, /preflight cleanup --url/);
});

test('write mode asks first: the consent lists the objects, and cancel sends nothing', async () => {
  await s.click('[data-step="checks"]');
  await s.click('#write-mode');
  await s.waitFor('#write-dialect');
  await select('write-dialect', 'entra-default');
  await clearLog();
  await s.click('#run-write');
  const names = await consentNames();
  const runId = await s.attr('#consent', 'data-run-id');
  assert.match(runId, /^[0-9a-f]{8}$/);
  assert.ok(names.length >= 12, names.join(', '));
  for (const n of names) assert.ok(n.startsWith(`preflight-test-${runId}-`), n);
  assert.match(await s.text('#consent'), /Everything is removed at the end/);
  assert.match(await s.text('#consent'), /entra-default/);

  await s.click('#consent-cancel');
  await s.waitFor('#write-declined', 5000);
  await sleep(500);
  assert.deepEqual(await requestLog(), [], 'nothing reached the server after Cancel');
  assert.deepEqual(await testObjects(), []);
});

test('accepted write mode runs the write plan and removes every object it created', async () => {
  await clearLog();
  await s.click('#run-write');
  const names = await consentNames();
  const consentText = await s.text('#consent-objects');
  await s.click('#consent-accept');
  await s.waitFor('#summary[data-run="1"]', RUN_TIMEOUT_MS, 250);
  await s.waitFor('#write-cleanup', 10000);
  assert.equal(await s.attr('#write-cleanup', 'data-left'), '0', await s.text('#write-cleanup'));
  assert.equal(await s.attr('#summary', 'data-failed'), '0', await s.text('#summary'));
  assert.ok((await s.findAll('li.check[data-check="entra/provision-on-demand"][data-status="pass"]')).length === 1);

  const created = (await requestLog())
    .filter((r) => r.method === 'POST' && /\/(Users|Groups)$/.test(r.path))
    .map((r) => { const b = JSON.parse(r.body); return b.userName ?? b.displayName; });
  assert.ok(created.length >= 12, `only ${created.length} creates`);
  // The uniqueness check sends a listed name once more upper-cased; the dialog says so.
  const listed = names.map((n) => n.toLowerCase());
  for (const n of created) assert.ok(listed.includes(n.toLowerCase()), `${n} was created but not listed in the consent dialog`);
  assert.match(consentText, /as PREFLIGHT-TEST-.*-DUPLICATE@EXAMPLE\.INVALID/);
  assert.deepEqual(await testObjects(), [], 'no test object is left on the server');
});

test('provision on demand shows each step, with the request and the response, then cleans up', async () => {
  await s.click('[data-step="provision"]');
  await s.waitFor('#prov-dialect option[value="okta-oin"]', 10000);
  await select('prov-dialect', 'okta-oin');
  await s.type('#prov-givenName', 'Ada');
  await s.type('#prov-familyName', 'Lovelace');
  await s.type('#prov-email', 'ada@corp.example');
  await clearLog();
  await s.click('#provision');
  const names = await consentNames();
  assert.equal(names.length, 1, names.join(', '));
  assert.match(names[0], /^preflight-test-[0-9a-f]{8}-okta-oin-1@example\.invalid$/);
  await s.click('#consent-accept');
  await s.waitFor('#provision-result[data-run="1"]', RUN_TIMEOUT_MS, 250);
  assert.equal(await s.attr('#provision-result', 'data-status'), 'pass', await s.text('#provision-result'));
  const states = await s.exec('return [...document.querySelectorAll("#provision-steps li.od-step")].map((e) => e.dataset.state)');
  assert.ok(states.length >= 4 && states.every((x) => x === 'pass'), states.join(','));
  // The request and the response of a step, as the IdP's on-demand view shows them.
  await s.exec('document.querySelector("#provision-steps li.od-step:nth-child(2) button.link").click()');
  await s.waitFor('#provision-steps article.exchange pre.resp', 5000);
  const evidence = await s.text('#provision-steps article.exchange');
  assert.match(evidence, /POST .*\/Users/);
  assert.match(evidence, /"givenName": ?"Ada"/);
  assert.doesNotMatch(evidence, /demo-token/, 'the token is redacted in the evidence');

  const posted = (await requestLog()).filter((r) => r.method === 'POST' && r.path.endsWith('/Users'));
  assert.equal(posted.length, 1);
  assert.match(posted[0].body, /ada@corp\.example/);
  assert.deepEqual(await testObjects(), []);
});

test('provision on demand names the broken step and its diagnosis', async () => {
  await setQuirks('patch-op-case-sensitive');
  try {
    await select('prov-dialect', 'entra-default');
    await s.click('#provision');
    await consentNames();
    await s.click('#consent-accept');
    await s.waitFor('#provision-result[data-run="2"]', RUN_TIMEOUT_MS, 250);
    assert.equal(await s.attr('#provision-result', 'data-status'), 'fail');
    const failed = await s.text('#provision-steps li.od-step[data-state="fail"]');
    assert.match(failed, /scim\/patch-op-case/);
    assert.match(failed, /What the IdP concludes/);
    assert.ok((await s.findAll('#provision-steps li.od-step[data-state="not_run"]')).length >= 1);
    assert.equal(await s.attr('#provision-cleanup', 'data-state'), 'pass');
    assert.deepEqual(await testObjects(), [], 'the half-provisioned user is removed too');
  } finally {
    await setQuirks('');
  }
});

test('a real userName is only looked up; the update branch is rehearsed with the app\'s own user', async () => {
  await select('prov-dialect', 'entra-default');
  const real = 'alice@example.com';
  const found = await (await fetch(`${base}/Users?filter=${encodeURIComponent(`userName eq "${real}"`)}`, { headers: TOKEN, signal: AbortSignal.timeout(5000) })).json();
  const aliceId = found.Resources[0].id;
  await s.type('#prov-userName', real);
  await clearLog();
  await s.click('#provision');
  await s.waitFor('#provision-match[data-found="true"]', 15000);
  const said = await s.text('#provision-match');
  assert.match(said, /already exists on the target/);
  assert.match(said, /Preflight will not modify it/);
  const lookups = await requestLog();
  assert.ok(lookups.length >= 1 && lookups.every((r) => r.method === 'GET'), 'the lookup is read-only');
  assert.ok(lookups.some((r) => decodeURIComponent(r.path.replace(/\+/g, ' ')).includes(`userName eq "${real}"`)), 'Entra\'s own match filter');
  assert.equal((await s.findAll('#consent[open]')).length, 0, 'no consent before the admin chooses');

  // The admin chooses the rehearsal: the consent lists the app's own user, and why it exists.
  await s.click('#provision-rehearse');
  const names = await consentNames();
  assert.equal(names.length, 1, names.join(', '));
  assert.match(names[0], /^preflight-test-[0-9a-f]{8}-entra-default-1@example\.invalid$/);
  assert.match(await s.text('#consent-objects'), /earlier provisioning cycle/);
  await clearLog();
  await s.click('#consent-accept');
  await s.waitFor('#provision-result[data-run="3"]', RUN_TIMEOUT_MS, 250);
  assert.equal(await s.attr('#provision-result', 'data-status'), 'pass', await s.text('#provision-result'));
  await s.waitFor('#provision-rehearsal-note');
  const first = await s.text('#provision-steps li.od-step:nth-child(1)');
  assert.match(first, /earlier provisioning cycle/);
  assert.match(await s.text('#provision-steps li.od-step:nth-child(2)'), /match the user/);

  const log = await requestLog();
  const posts = log.filter((r) => r.method === 'POST' && r.path.endsWith('/Users'));
  assert.equal(posts.length, 1, 'one create: the IdP updates the user its match found');
  assert.doesNotMatch(posts[0].body, new RegExp(real), 'the real userName is never sent');
  const postAt = log.indexOf(posts[0]);
  const matchAt = log.findIndex((r) => r.method === 'GET' && r.path.includes('filter='));
  assert.ok(postAt < matchAt, 'the user exists before the match');
  const patch = log.find((r) => r.method === 'PATCH' && /"Replace"/.test(r.body) && /givenName/.test(r.body));
  assert.ok(patch, 'Entra\'s update shape: Replace ops');
  assert.ok(log.filter((r) => r.method !== 'GET').every((r) => !r.path.includes(aliceId)), 'the real user is never written to');
  assert.deepEqual(await testObjects(), [], 'the rehearsal user is removed');
  await clearField('prov-userName');
  await s.click('#prov-rehearse');
  assert.equal(await s.attr('section[aria-labelledby="prov-h"]', 'data-rehearse'), 'false');
});

test('pasted mapping overrides are sent with the run', async () => {
  await setQuirks('strict-attributes');
  try {
    await s.exec('document.querySelector("#prov-mapping-paste").open = true');
    await s.type('#prov-mapping', 'remove = ["roles"]');
    await clearLog();
    await s.click('#provision');
    await consentNames();
    await s.click('#consent-accept');
    await s.waitFor('#provision-result[data-run="4"]', RUN_TIMEOUT_MS, 250);
    assert.equal(await s.attr('#provision-result', 'data-status'), 'pass', await s.text('#provision-result'));
    await s.waitFor('#provision-mapping-note');
    const post = (await requestLog()).find((r) => r.method === 'POST' && r.path.endsWith('/Users'));
    assert.doesNotMatch(post.body, /"roles"/);
    // A file the core refuses is explained before anything is sent.
    await s.type('#prov-mapping', 'remove = ["userName"]');
    await clearLog();
    await s.click('#provision');
    await until('return /every IdP matches users on it/.test(document.body.textContent)', 'the mapping error');
    assert.deepEqual(await requestLog(), [], 'nothing was sent');
    await clearField('prov-mapping');
  } finally {
    await setQuirks('');
  }
  assert.deepEqual(await testObjects(), []);
});

test('the planner\'s mapping is handed over, shown with its counts, sent with the run, and can be cleared', async () => {
  await setQuirks('strict-attributes');
  try {
    await s.click('[data-step="mapping"]');
    await s.waitFor('#map-dialect option[value="entra-default"]', 10000);
    await select('map-dialect', 'entra-default');
    await s.click('#map-run');
    await s.waitFor('#map-result', 30000, 250);
    await until('return /remove = \\["roles"\\]/.test(document.querySelector("#map-overrides textarea")?.value ?? "")', 'overrides TOML');
    await s.click('#map-handoff');
    await s.waitFor('#prov-mapping-handoff', 10000);
    assert.match(await s.text('#prov-mapping-handoff'), /Using the mapping from the planner \(1 removal, 0 additions\) for entra-default/);
    assert.equal(await s.exec('return document.getElementById("prov-dialect").value'), 'entra-default');
    assert.equal(await s.exec('return document.getElementById("prov-mapping").disabled'), true, 'the hand-off wins over pasted text');
    await clearLog();
    await s.click('#provision');
    await consentNames();
    await s.click('#consent-accept');
    await s.waitFor('#provision-result[data-status]', RUN_TIMEOUT_MS, 250);
    assert.equal(await s.attr('#provision-result', 'data-status'), 'pass', await s.text('#provision-result'));
    await s.waitFor('#provision-mapping-note');
    const post = (await requestLog()).find((r) => r.method === 'POST' && r.path.endsWith('/Users'));
    assert.doesNotMatch(post.body, /"roles"/);
    await s.click('#prov-mapping-clear');
    await until('return !document.getElementById("prov-mapping-handoff")', 'the hand-off cleared');
    assert.equal(await s.exec('return document.getElementById("prov-mapping").disabled'), false);
  } finally {
    await setQuirks('');
  }
  assert.deepEqual(await testObjects(), []);
});

test('the tenant scan streams its pages and reports the inventory', async () => {
  await s.click('[data-step="scan"]');
  await s.type('#scan-page-size', '1');
  await s.click('#scan-run');
  await s.waitFor('#scan-result[data-run="1"]', RUN_TIMEOUT_MS, 250);
  const users = (await (await fetch(`${base}/Users?startIndex=1&count=1000`, { headers: TOKEN })).json()).totalResults;
  assert.match(await s.text('#scan-result h2'), new RegExp(`^${users} users, \\d+ groups`));
  assert.ok(Number(await s.attr('#scan-progress', 'data-requests')) >= users, 'one request per page at page size 1');
  assert.ok((await s.findAll('#scan-result tr[data-check]')).length === 6);
});

test('a slow scan can be cancelled and says its counts are partial', async () => {
  await setQuirks('slow=400');
  try {
    await s.click('#scan-run');
    await until('return Number(document.getElementById("scan-progress")?.dataset.requests) >= 2', 'two pages');
    await s.click('#scan-cancel');
    await s.waitFor('#scan-result[data-run="2"]', 30000, 250);
    assert.equal(await s.attr('#scan-result', 'data-cancelled'), 'true');
    await s.waitFor('#scan-cancelled');
  } finally {
    await setQuirks('');
  }
});

test('on the next start, a crashed run\'s test user is removed with the saved profile\'s keyring token', async () => {
  assert.ok(existsSync(TESTBED), `no testbed binary at ${TESTBED}`);
  const token = `e2e-sweep-token-${process.pid}`;
  const child = spawn(TESTBED, ['--port', '0', '--token', token], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the testbed did not start')), 20000);
      let buf = '';
      child.stdout.on('data', (d) => {
        buf += d;
        const m = buf.match(/READY (\S+)/);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      });
    });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' };
    // What a run killed after its create left behind: the user on the server, the journal entry.
    const name = 'preflight-test-e2esweep-create@example.invalid';
    const created = await (await fetch(`${url}/Users`, {
      method: 'POST', headers: auth, signal: AbortSignal.timeout(5000),
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: name }),
    })).json();
    assert.ok(created.id, JSON.stringify(created));
    const entry = { key: 'e2esweep-0', run: 'e2esweep', base_url: url, kind: 'user', name };
    writeFileSync(join(journalDir(), 'e2esweep.jsonl'),
      JSON.stringify({ event: 'intent', ...entry }) + '\n' + JSON.stringify({ event: 'created', ...entry, id: created.id }) + '\n');

    // A saved profile for that server, its token in the keyring.
    await s.click('[data-step="target"]');
    await s.type('#url', url);
    await s.type('#profile', 'e2e-sweep');
    await s.type('#token', token);
    await s.click('#save-token');
    await until('return document.getElementById("token").value === ""', 'the token to be saved');

    // Restart the app: it sweeps on start.
    await s.end();
    s = await Session.start(WEBDRIVER, APP);
    await s.waitFor('#journal-sweep', 30000);
    await until('return Number(document.getElementById("journal-sweep")?.dataset.removed) >= 1', 'the sweep to remove the user', 30000);
    const text = await s.text('#journal-sweep');
    assert.match(text, /profile e2e-sweep/);
    assert.match(text, /removed 1 test object/);
    const after = await fetch(`${url}/Users/${created.id}`, { headers: auth, signal: AbortSignal.timeout(5000) });
    assert.equal(after.status, 404, 'the leftover user is gone from the server');
  } finally {
    child.kill('SIGTERM');
  }
});
