// The tiny relying party the browser signs in to: an OIDC client (authorization code + PKCE,
// confidential, code exchanged on the back channel) and a SAML service provider (samlify),
// both keeping sessions in memory. `mode` bends it the ways real apps break:
//   sentRedirectUri   - the redirect_uri it sends (a typo'd one for the mismatch scenario)
//   callbackDown      - its callback answers 503, as a proxy with no healthy backend does
//   forgetSessions    - its session store loses every session, so it starts sign-in again
import { createHash, randomBytes } from 'node:crypto';

import { createLocalJWKSet, jwtVerify } from 'jose';
import samlify from 'samlify';

import { cookiesOf, escapeHtml, readForm, redirect, sendHtml } from './http-util.mjs';

const PENDING_LIMIT = 200;
const BACKCHANNEL_TIMEOUT_MS = 5000;

/** The SP's samlify entity: wants signed assertions, sends unsigned AuthnRequests. */
export function samlServiceProvider({ entityId, acsUrl }) {
  return samlify.ServiceProvider({
    entityID: entityId,
    assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: acsUrl }],
    authnRequestsSigned: false,
    wantAssertionsSigned: true,
  });
}

/**
 * `oidc` = { issuer, backchannel (loopback URL of the provider), clientId, clientSecret,
 * redirectUri }; `saml` = { sp, idp (the IdP as read from its metadata), entityId };
 * `sessionPrefix` is the canary every session cookie value starts with.
 */
export function relyingPartyHandler({ base, oidc, saml, sessionPrefix, mode }) {
  const sessions = new Map();
  const pendingOidc = new Map();
  const pendingSaml = new Set();
  let sessionCount = 0;
  let jwks;

  return (req, res) => {
    const url = new URL(req.url, base);
    const route = `${req.method} ${url.pathname}`;
    let step;
    if (route === 'GET /app') step = () => oidcApp(req, res);
    else if (route === 'GET /callback') step = () => oidcCallback(req, res, url);
    else if (route === 'GET /saml/app') step = () => samlApp(req, res);
    else if (route === 'POST /saml/acs') step = () => samlAcs(req, res);
    else if (route === 'GET /saml/metadata') step = async () => {
      res.writeHead(200, { 'Content-Type': 'application/samlmetadata+xml' });
      res.end(saml.sp.getMetadata());
    };
    else step = async () => sendHtml(res, 404, 'Not found', '<p>Not found.</p>');
    step().catch((err) => sendHtml(res, 500, 'Application error', `<p>${escapeHtml(err.message)}</p>`));
  };

  function signedInUser(req) {
    return sessions.get(cookiesOf(req).get('rp_session') || '');
  }

  /** Starts a session; a forgetful store hands out the cookie but never remembers it. */
  function startSession(res, user, location) {
    sessionCount += 1;
    const id = `${sessionPrefix}-${sessionCount}`;
    if (!mode.forgetSessions) sessions.set(id, user);
    redirect(res, location, { 'Set-Cookie': `rp_session=${id}; Path=/; HttpOnly; SameSite=Lax` });
  }

  function welcome(res, user) {
    sendHtml(res, 200, 'Signed in', `<p id="signed-in">Signed in as ${escapeHtml(user)}.</p>`);
  }

  async function oidcApp(req, res) {
    const user = signedInUser(req);
    if (user) {
      welcome(res, user);
      return;
    }
    const state = randomBytes(16).toString('base64url');
    const nonce = randomBytes(16).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    if (pendingOidc.size >= PENDING_LIMIT) pendingOidc.clear();
    pendingOidc.set(state, { nonce, verifier });
    const authorize = new URL('/auth', oidc.issuer);
    authorize.search = new URLSearchParams({
      client_id: oidc.clientId,
      redirect_uri: mode.sentRedirectUri || oidc.redirectUri,
      response_type: 'code',
      scope: 'openid email profile',
      state,
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    redirect(res, authorize.href, { 'Set-Cookie': `rp_state=${state}; Path=/; HttpOnly; SameSite=Lax` });
  }

  async function oidcCallback(req, res, url) {
    if (mode.callbackDown) {
      sendHtml(res, 503, 'Service Unavailable', '<h1>503 Service Unavailable</h1><p>No server is available to handle this request.</p>',
        { 'Retry-After': '120' });
      return;
    }
    const params = url.searchParams;
    if (params.get('error')) {
      sendHtml(res, 403, 'Sign-in failed', `<h1>Sign-in failed</h1><p>${escapeHtml(params.get('error'))}: `
        + `${escapeHtml(params.get('error_description') || '')}</p>`);
      return;
    }
    const state = params.get('state') || '';
    const pending = pendingOidc.get(state);
    if (!pending || cookiesOf(req).get('rp_state') !== state) {
      sendHtml(res, 400, 'Sign-in failed', '<p>The sign-in response does not belong to this browser; start again.</p>');
      return;
    }
    pendingOidc.delete(state);
    const claims = await redeem(params.get('code') || '', pending);
    startSession(res, claims.email || claims.sub, '/app');
  }

  /** Exchanges the code on the back channel and verifies the ID token it brings. */
  async function redeem(code, pending) {
    const basic = Buffer.from(`${encodeURIComponent(oidc.clientId)}:${encodeURIComponent(oidc.clientSecret)}`).toString('base64');
    const reply = await fetch(new URL('/token', oidc.backchannel), {
      method: 'POST',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: oidc.redirectUri, code_verifier: pending.verifier }),
      signal: AbortSignal.timeout(BACKCHANNEL_TIMEOUT_MS),
    });
    const body = await reply.json();
    if (!reply.ok) throw new Error(`token endpoint answered ${reply.status}: ${body.error || 'unknown error'}`);
    if (!jwks) {
      const keys = await fetch(new URL('/jwks', oidc.backchannel), { signal: AbortSignal.timeout(BACKCHANNEL_TIMEOUT_MS) });
      jwks = createLocalJWKSet(await keys.json());
    }
    const { payload } = await jwtVerify(body.id_token, jwks, { issuer: oidc.issuer, audience: oidc.clientId });
    if (payload.nonce !== pending.nonce) throw new Error('ID token nonce does not match the request');
    const info = await fetch(new URL('/me', oidc.backchannel), {
      headers: { Authorization: `Bearer ${body.access_token}` },
      signal: AbortSignal.timeout(BACKCHANNEL_TIMEOUT_MS),
    });
    return info.ok ? { ...payload, ...(await info.json()) } : payload;
  }

  async function samlApp(req, res) {
    const user = signedInUser(req);
    if (user) {
      welcome(res, user);
      return;
    }
    const { id, context } = saml.sp.createLoginRequest(saml.idp, 'redirect', { relayState: '/saml/app' });
    if (pendingSaml.size >= PENDING_LIMIT) pendingSaml.clear();
    pendingSaml.add(id);
    redirect(res, context);
  }

  /** Validates the posted response (schema, status, signature, time, audience, InResponseTo). */
  async function samlAcs(req, res) {
    const form = await readForm(req);
    let parsed;
    try {
      parsed = await saml.sp.parseLoginResponse(saml.idp, 'post', { body: Object.fromEntries(form) });
    } catch (err) {
      refuse(res, explainSamlError(err));
      return;
    }
    const extract = parsed.extract;
    if (extract.audience !== saml.entityId) {
      refuse(res, `the assertion is for audience ${extract.audience}, but this application is ${saml.entityId}`);
      return;
    }
    if (!pendingSaml.delete(extract.response?.inResponseTo)) {
      refuse(res, 'the response answers a request this application did not send');
      return;
    }
    const relay = form.get('RelayState');
    startSession(res, extract.nameID, relay && relay.startsWith('/saml/') ? relay : '/saml/app');
  }

  function refuse(res, why) {
    sendHtml(res, 403, 'Sign-in failed', `<h1>Sign-in failed</h1><p>SAML response rejected: ${escapeHtml(why)}.</p>`);
  }
}

function explainSamlError(err) {
  const text = String(err?.message || err);
  if (text.startsWith('ERR_FAILED_STATUS')) return `the identity provider did not sign the user in (${text})`;
  if (text.includes('ERR_SUBJECT_UNCONFIRMED')) return 'the assertion is not valid at this time (NotBefore/NotOnOrAfter)';
  if (text.includes('SIGNATURE')) return 'the signature does not verify';
  return text;
}
