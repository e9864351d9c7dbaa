// End-to-end: the SSO step in the real app window — OIDC against a real OpenID Provider
// (panva's oidc-provider from tests/real-servers, started here on 127.0.0.1) with the client
// secret in the real keyring; a SAML metadata file made with openssl in this run; and the
// sign-in error explainer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session, sleep } from './webdriver.mjs';

const WEBDRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444';
const APP = process.env.APP_BINARY;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROVIDER_DIR = join(ROOT, 'tests', 'real-servers', 'oidc-provider');
const SECRET = `e2e-oidc-secret-${process.pid}-canary`;
const AUDIENCE = 'urn:preflight:api';
const RUN_TIMEOUT_MS = 60000;

let s;
let provider;
let issuer = '';
let work = '';

function startProvider() {
  return new Promise((resolve, reject) => {
    const child = spawn('node', ['server.js'], {
      cwd: PROVIDER_DIR, env: { ...process.env, PORT: '0', CLIENT_SECRET: SECRET, AUDIENCE }, stdio: ['ignore', 'pipe', 'ignore'],
    });
    const timer = setTimeout(() => reject(new Error('oidc-provider did not print READY within 20 s')), 20000);
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/READY (\S+)/);
      if (m) { clearTimeout(timer); resolve({ child, issuer: m[1] }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`oidc-provider exited (${code})`)); });
  });
}

before(async () => {
  assert.ok(APP, 'APP_BINARY must be set');
  work = mkdtempSync(join(tmpdir(), 'preflight-e2e-sso-'));
  if (existsSync(join(PROVIDER_DIR, 'node_modules', 'oidc-provider', 'package.json'))) {
    ({ child: provider, issuer } = await startProvider());
  }
  s = await Session.start(WEBDRIVER, APP);
  await s.waitFor('#use-demo', 30000);
  await s.click('[data-step="sso"]');
  await s.waitFor('#sso-h');
});

after(async () => {
  await s?.end();
  provider?.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
});

async function statusOf(results, id) {
  return s.attr(`#${results} li.check[data-check="${id}"]`, 'data-status');
}

test('OIDC against a real provider: discovery, JWKS, client-credentials token verified, redirect URI', async (t) => {
  if (!issuer) {
    assert.equal(process.env.PREFLIGHT_REQUIRE_REAL_SERVERS, undefined, 'oidc-provider is not installed: run tests/real-servers/install.sh');
    t.skip('oidc-provider not installed (tests/real-servers/install.sh); the CLI tests cover the plan');
    return;
  }
  await s.click('#tab-oidc');
  await s.type('#oidc-issuer', issuer);
  await s.type('#oidc-client', 'preflight-test');
  await s.type('#oidc-scope', 'api:read');
  await s.type('#oidc-audience', AUDIENCE);
  await s.type('#oidc-redirect', 'https://app.example/callback');
  await s.type('#oidc-registered', 'https://app.example/callback');
  await s.type('#oidc-secret', SECRET);
  await s.click('#oidc-save-secret');
  // Saved to the keyring: the box empties and the checkbox turns on.
  for (let i = 0; i < 100 && (await s.exec('return document.getElementById("oidc-secret").value')); i++) await sleep(100);
  assert.equal(await s.exec('return document.getElementById("oidc-use-secret").checked'), true);
  const stored = execFileSync('secret-tool', ['search', '--all', 'service', 'preflight'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(stored, /default\/client-secret/);

  await s.click('#oidc-run');
  await s.waitFor('#oidc-results [data-role="summary"][data-run="1"]', RUN_TIMEOUT_MS, 250);
  assert.equal(await s.attr('#oidc-results [data-role="summary"]', 'data-failed'), '0', await s.text('#oidc-results'));
  for (const id of ['oidc/discovery-valid', 'oidc/issuer-exact-match', 'oidc/jwks-valid', 'auth/client-credentials-grant', 'oidc/access-token-valid', 'sso/redirect-uri-exact-match']) {
    assert.equal(await statusOf('oidc-results', id), 'pass', id);
  }
  assert.ok(!(await s.exec('return document.body.innerHTML')).includes(SECRET), 'the secret never reaches the page');

  // A registered redirect URI with a trailing slash is a mismatch the IdP would refuse.
  await s.type('#oidc-registered', 'https://app.example/callback/');
  await s.click('#oidc-run');
  await s.waitFor('#oidc-results [data-role="summary"][data-run="2"]', RUN_TIMEOUT_MS, 250);
  assert.equal(await statusOf('oidc-results', 'sso/redirect-uri-exact-match'), 'fail');
  assert.match(await s.text('#oidc-results li.check[data-check="sso/redirect-uri-exact-match"]'), /sso\/redirect-uri-mismatch/);
});

test('a SAML metadata file is checked: entity, SSO binding, signing certificate', async () => {
  const key = join(work, 'idp.key');
  const crt = join(work, 'idp.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '365', '-subj', '/CN=e2e-idp'], { stdio: 'ignore' });
  const der = readFileSync(crt, 'utf8').replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const metadata = join(work, 'idp-metadata.xml');
  writeFileSync(metadata, `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="https://idp.e2e.example/saml">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${der}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.e2e.example/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`);
  await s.click('#tab-saml');
  // The real file chooser path: WebDriver puts the file on the <input type="file">.
  const input = await s.waitFor('#saml-file');
  await s.cmd('POST', `/element/${input}/value`, { text: metadata });
  await s.waitFor('#saml-file-name', 5000);
  await s.type('#saml-entity', 'https://app.e2e.example/saml');
  await s.type('#saml-acs', 'https://app.e2e.example/saml/acs');
  await s.click('#saml-run');
  await s.waitFor('#saml-results [data-role="summary"][data-run="1"]', RUN_TIMEOUT_MS, 250);
  assert.equal(await statusOf('saml-results', 'saml/metadata-valid'), 'pass', await s.text('#saml-results'));
  assert.equal(await statusOf('saml-results', 'saml/signing-cert-valid'), 'pass', await s.text('#saml-results'));
  assert.equal(await statusOf('saml-results', 'saml/sp-config-valid'), 'pass', await s.text('#saml-results'));
  // No response pasted: the response checks say so instead of guessing.
  assert.equal(await statusOf('saml-results', 'saml/response-signature-valid'), 'skip');

  // A pasted SAMLResponse is decoded and judged: this one is not signed.
  const now = new Date();
  const iso = (d) => d.toISOString().replace(/\.\d+Z$/, 'Z');
  const response = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="${iso(now)}" Destination="https://app.e2e.example/saml/acs"><saml:Issuer>https://idp.e2e.example/saml</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status><saml:Assertion ID="_a1" Version="2.0" IssueInstant="${iso(now)}"><saml:Issuer>https://idp.e2e.example/saml</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">ada@corp.example</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData Recipient="https://app.e2e.example/saml/acs" NotOnOrAfter="${iso(new Date(now.getTime() + 300000))}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="${iso(new Date(now.getTime() - 60000))}" NotOnOrAfter="${iso(new Date(now.getTime() + 300000))}"><saml:AudienceRestriction><saml:Audience>https://app.e2e.example/saml</saml:Audience></saml:AudienceRestriction></saml:Conditions></saml:Assertion></samlp:Response>`;
  await s.type('#saml-response', Buffer.from(response).toString('base64'));
  await s.click('#saml-run');
  await s.waitFor('#saml-results [data-role="summary"][data-run="2"]', RUN_TIMEOUT_MS, 250);
  assert.equal(await statusOf('saml-results', 'saml/response-signature-valid'), 'fail', await s.text('#saml-results'));
  assert.match(await s.text('#saml-results li.check[data-check="saml/response-signature-valid"]'), /saml\/signature/);
  await s.type('#saml-response', ' ');

  // An ACS URL over plain http is named.
  await s.type('#saml-acs', 'http://app.e2e.example/saml/acs');
  await s.click('#saml-run');
  await s.waitFor('#saml-results [data-role="summary"][data-run="3"]', RUN_TIMEOUT_MS, 250);
  assert.notEqual(await statusOf('saml-results', 'saml/sp-config-valid'), 'pass');
});

test('the explainer turns a pasted AADSTS error URL into cause, place and fix', async () => {
  await s.click('#tab-explain');
  await s.type('#explain-text', 'https://app.example.com/cb?error=invalid_request&error_description=AADSTS50011%3A+The+redirect+URI+specified+in+the+request+does+not+match');
  await s.click('#explain-run');
  await s.waitFor('#explain-result[data-asked="1"]', 5000);
  const found = await s.text('#explain-result article[data-matched="AADSTS50011"]');
  assert.match(found, /Cause:/);
  assert.match(found, /Where to look:/);
  assert.match(found, /Fix:/);
  assert.match(found, /sso\/redirect-uri-mismatch/);

  await s.type('#explain-text', 'nothing anyone has ever seen');
  await s.click('#explain-run');
  await s.waitFor('#explain-result[data-asked="2"]', 5000);
  assert.equal(await s.attr('#explain-result', 'data-count'), '0');
  assert.match(await s.text('#explain-result'), /does not know this error/);
});
