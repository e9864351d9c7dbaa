// Records real browser HARs of OIDC and SAML sign-ins, good and broken, for Preflight's
// `trace` tests. Usage: node tests/real-browser/record.mjs OUTDIR
//
// Starts, on 127.0.0.1, a relying party (app.test), a real OpenID Provider (oidc-provider,
// op.test) and a real SAML IdP (samlify, idp.test); drives headless Chromium through every
// scenario in lib/scenarios.mjs; writes OUTDIR/<scenario>.har and OUTDIR/scenarios.json.
// Env: CHROMIUM (default /usr/bin/chromium). Exit 0 on success, 2 on usage errors, 1 when a
// recording does not show its scenario, 3 when the overall time limit is hit.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import * as xmllint from '@authenio/samlify-xmllint-wasm';
import samlify from 'samlify';

import { launchBrowser, recordSignIn } from './lib/browser.mjs';
import { makeCanaries, makeDirectory } from './lib/directory.mjs';
import { listenLoopback } from './lib/http-util.mjs';
import { oidcProviderHandler } from './lib/oidc-op.mjs';
import { relyingPartyHandler, samlServiceProvider } from './lib/relying-party.mjs';
import { samlIdentityProvider, samlIdpHandler } from './lib/saml-idp.mjs';
import { SCENARIOS, traceArgs } from './lib/scenarios.mjs';
import { makeSigningCert } from './lib/signing-cert.mjs';

const TOTAL_LIMIT_MS = 100_000;
const HAR_SIZE_LIMIT = 300 * 1024;
const CLIENT_ID = 'preflight-rp';

const outDir = process.argv[2];
if (!outDir || process.argv.length > 3) {
  console.error('usage: node tests/real-browser/record.mjs OUTDIR');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const servers = [];
let browser;
async function shutdown() {
  await browser?.close().catch(() => {});
  for (const s of servers) s.closeAllConnections?.();
  await Promise.all(servers.map((s) => new Promise((done) => s.close(() => done()))));
}
const limit = setTimeout(() => {
  console.error(`record: not finished after ${TOTAL_LIMIT_MS / 1000} s; giving up`);
  process.exit(3);
}, TOTAL_LIMIT_MS);
limit.unref();

try {
  await main();
  console.log(`record: wrote ${SCENARIOS.length} HARs and scenarios.json to ${resolve(outDir)}`);
} catch (err) {
  console.error(`record: ${err.stack || err}`);
  process.exitCode = 1;
} finally {
  await shutdown();
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  samlify.setSchemaValidator(xmllint);
  const canaries = makeCanaries();
  const directory = makeDirectory(canaries);

  const [rp, op, idp] = await Promise.all([listenLoopback(), listenLoopback(), listenLoopback()]);
  servers.push(rp.server, op.server, idp.server);
  const env = {
    rpBase: `http://app.test:${rp.port}`,
    opIssuer: `http://op.test:${op.port}`,
    idpBase: `http://idp.test:${idp.port}`,
  };
  env.redirectUri = `${env.rpBase}/callback`;
  env.spEntityId = `${env.rpBase}/saml/metadata`;
  env.acsUrl = `${env.rpBase}/saml/acs`;

  const rpMode = {};
  const idpMode = {};
  const { key, cert } = makeSigningCert('Preflight real-browser SAML IdP');
  const idpEntity = samlIdentityProvider({ base: env.idpBase, key, cert });
  op.server.on('request', oidcProviderHandler({
    issuer: env.opIssuer,
    client: { id: CLIENT_ID, secret: canaries.clientSecret, redirectUri: env.redirectUri },
    directory,
  }));
  idp.server.on('request', samlIdpHandler({
    base: env.idpBase, idp: idpEntity, app: { entityId: env.spEntityId, acsUrl: env.acsUrl }, directory, mode: idpMode,
  }));
  rp.server.on('request', relyingPartyHandler({
    base: env.rpBase,
    oidc: {
      issuer: env.opIssuer,
      backchannel: `http://127.0.0.1:${op.port}`,
      clientId: CLIENT_ID,
      clientSecret: canaries.clientSecret,
      redirectUri: env.redirectUri,
    },
    saml: {
      sp: samlServiceProvider({ entityId: env.spEntityId, acsUrl: env.acsUrl }),
      idp: samlify.IdentityProvider({ metadata: idpEntity.getMetadata() }),
      entityId: env.spEntityId,
    },
    sessionPrefix: canaries.sessionCookie,
    mode: rpMode,
  }));

  browser = await launchBrowser({ executablePath, hosts: ['app.test', 'op.test', 'idp.test'] });
  const described = [];
  for (const scenario of SCENARIOS) {
    reset(rpMode, scenario.rp?.(env));
    reset(idpMode, scenario.idp?.(env));
    const harFile = `${scenario.name}.har`;
    const harPath = join(outDir, harFile);
    const started = Date.now();
    await recordSignIn(browser, {
      harPath,
      startUrl: scenario.start(env),
      login: scenario.user,
      password: canaries.password,
    });
    described.push(describe(scenario, env, canaries, harPath, harFile));
    console.log(`record: ${scenario.name}: ${described.at(-1).entries} entries, broken hop ${described.at(-1).expect.broken_entry}, ${Date.now() - started} ms`);
  }

  const har = JSON.parse(readFileSync(join(outDir, `${SCENARIOS[0].name}.har`), 'utf8'));
  writeFileSync(join(outDir, 'scenarios.json'), `${JSON.stringify({
    version: 1,
    recorder: 'tests/real-browser/record.mjs',
    browser: har.log.browser ?? null,
    hosts: { relying_party: env.rpBase, oidc_provider: env.opIssuer, saml_idp: env.idpBase },
    canaries: { password: canaries.password, client_secret: canaries.clientSecret, session_cookie: canaries.sessionCookie },
    scenarios: described,
  }, null, 2)}\n`);
}

function reset(mode, values = {}) {
  for (const k of Object.keys(mode)) delete mode[k];
  Object.assign(mode, values);
}

/** Reads back the HAR, locates the broken hop and lists which canaries it really contains. */
function describe(scenario, env, canaries, harPath, harFile) {
  const size = statSync(harPath).size;
  if (size > HAR_SIZE_LIMIT) throw new Error(`${scenario.name}: HAR is ${size} bytes, over the ${HAR_SIZE_LIMIT} byte budget`);
  const text = readFileSync(harPath, 'utf8');
  const entries = JSON.parse(text).log.entries;
  const broken = scenario.brokenHop(entries, env);
  const present = {};
  if (text.includes(canaries.password)) present.password = canaries.password;
  if (text.includes(canaries.sessionCookie)) present.session_cookie = canaries.sessionCookie;
  if (text.includes(canaries.clientSecret)) present.client_secret = canaries.clientSecret;
  if (scenario.user && !present.password) throw new Error(`${scenario.name}: the login POST with the canary password is missing from the HAR`);
  const registered = scenario.protocol === 'oidc'
    ? { redirect_uri: env.redirectUri }
    : { sp_entity_id: env.spEntityId, acs_url: env.acsUrl };
  return {
    name: scenario.name,
    protocol: scenario.protocol,
    description: scenario.description,
    har: harFile,
    entries: entries.length,
    expect: {
      exit_code: scenario.expect ? 1 : 0,
      diagnosis: scenario.expect,
      broken_entry: broken,
      broken_url: broken === null ? null : entries[broken].request.url,
    },
    registered,
    trace_args: traceArgs(scenario, env),
    canaries: present,
  };
}
