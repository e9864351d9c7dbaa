// The sign-in scenarios: how each one bends the servers, who signs in, what Preflight should
// diagnose, and how to find the broken hop in what the browser recorded.
//
// The broken hop is the entry whose request carries the bad protocol message (the authorize
// request with the wrong redirect_uri, the ACS POST with the bad SAMLResponse, the callback
// carrying the IdP's error), the entry whose response fails (the callback answering 503), or
// for a loop the first entry that revisits a URL already seen in the flow.
import { onServer, requireEntry } from './har-entries.mjs';

const isAcsPost = (env) => (e, url) => e.request.method === 'POST' && url.href === env.acsUrl;
const isCallback = (env) => (e, url) => e.request.method === 'GET' && onServer(url, env.rpBase) && url.pathname === '/callback';

/** Throws unless entry `i` answered `status`: the recording must show the intended failure. */
function expectStatus(name, entries, i, status) {
  const got = entries[i].response.status;
  if (got !== status) throw new Error(`${name}: entry ${i} (${entries[i].request.url}) answered ${got}, expected ${status}`);
}

/** Success: the protected page answered 200 after the callback/ACS started a session. */
function signedIn(name, entries, env, appPath, returnHop) {
  const back = requireEntry(name, 'the return to the application', entries, returnHop(env));
  const app = requireEntry(name, `GET ${appPath} answering 200`, entries,
    (e, url) => onServer(url, env.rpBase) && url.pathname === appPath && e.response.status === 200, back + 1);
  expectStatus(name, entries, app, 200);
  return null;
}

export const SCENARIOS = [
  {
    name: 'oidc-success',
    protocol: 'oidc',
    description: 'OIDC authorization code + PKCE sign-in of an assigned user; the app session starts.',
    start: (env) => `${env.rpBase}/app`,
    user: 'alice',
    expect: null,
    brokenHop: (entries, env) => signedIn('oidc-success', entries, env, '/app', isCallback),
  },
  {
    name: 'saml-success',
    protocol: 'saml',
    description: 'SP-initiated SAML (HTTP-Redirect request, HTTP-POST signed response) of an assigned user.',
    start: (env) => `${env.rpBase}/saml/app`,
    user: 'alice',
    expect: null,
    brokenHop: (entries, env) => signedIn('saml-success', entries, env, '/saml/app', isAcsPost),
  },
  {
    name: 'oidc-redirect-uri-mismatch',
    protocol: 'oidc',
    description: 'The app sends a redirect_uri with a trailing slash that is not registered; the provider shows an error page.',
    rp: (env) => ({ sentRedirectUri: `${env.redirectUri}/` }),
    start: (env) => `${env.rpBase}/app`,
    user: null,
    expect: 'sso/redirect-uri-mismatch',
    brokenHop: (entries, env) => {
      const i = requireEntry('oidc-redirect-uri-mismatch', 'the authorization request', entries,
        (e, url) => onServer(url, env.opIssuer) && url.pathname === '/auth' && url.searchParams.has('redirect_uri'));
      expectStatus('oidc-redirect-uri-mismatch', entries, i, 400);
      return i;
    },
  },
  {
    name: 'saml-audience-mismatch',
    protocol: 'saml',
    description: "The IdP knows the app under another entity id, so the assertion's audience is wrong; the ACS refuses it.",
    idp: (env) => ({ audience: `${env.rpBase}/saml` }),
    start: (env) => `${env.rpBase}/saml/app`,
    user: 'alice',
    expect: 'saml/entity-id-mismatch',
    brokenHop: (entries, env) => {
      const i = requireEntry('saml-audience-mismatch', 'the ACS POST', entries, isAcsPost(env));
      expectStatus('saml-audience-mismatch', entries, i, 403);
      return i;
    },
  },
  {
    name: 'saml-conditions-window',
    protocol: 'saml',
    description: "The IdP's clock runs 15 minutes ahead: the assertion's NotBefore is in the future when the browser posts it.",
    idp: () => ({ clockSkewMs: 15 * 60 * 1000 }),
    start: (env) => `${env.rpBase}/saml/app`,
    user: 'alice',
    expect: 'saml/conditions-window',
    brokenHop: (entries, env) => {
      const i = requireEntry('saml-conditions-window', 'the ACS POST', entries, isAcsPost(env));
      expectStatus('saml-conditions-window', entries, i, 403);
      return i;
    },
  },
  {
    name: 'oidc-redirect-loop',
    protocol: 'oidc',
    description: 'The app loses every session it starts, so after each callback it sends the browser back to the provider until the browser gives up.',
    rp: () => ({ forgetSessions: true }),
    start: (env) => `${env.rpBase}/app`,
    user: 'alice',
    expect: 'sso/redirect-loop',
    brokenHop: (entries, env) => {
      const first = requireEntry('oidc-redirect-loop', 'the first GET /app', entries,
        (e, url) => onServer(url, env.rpBase) && url.pathname === '/app');
      const again = requireEntry('oidc-redirect-loop', 'a second GET of the same /app URL', entries,
        (e) => e.request.url === entries[first].request.url, first + 1);
      requireEntry('oidc-redirect-loop', 'a third GET of /app', entries, (e) => e.request.url === entries[first].request.url, again + 1);
      return again;
    },
  },
  {
    name: 'oidc-callback-503',
    protocol: 'oidc',
    description: "The provider returns the user with a code, but the app's callback answers 503 Service Unavailable.",
    rp: () => ({ callbackDown: true }),
    start: (env) => `${env.rpBase}/app`,
    user: 'alice',
    expect: 'sso/callback-error',
    brokenHop: (entries, env) => {
      const i = requireEntry('oidc-callback-503', 'the callback', entries, isCallback(env));
      expectStatus('oidc-callback-503', entries, i, 503);
      return i;
    },
  },
  {
    name: 'oidc-user-not-assigned',
    protocol: 'oidc',
    description: 'bob proves his password but is not assigned to the app: the provider ends the flow with access_denied.',
    start: (env) => `${env.rpBase}/app`,
    user: 'bob',
    expect: 'sso/user-not-assigned',
    brokenHop: (entries, env) => requireEntry('oidc-user-not-assigned', 'the callback carrying error=access_denied', entries,
      (e, url) => isCallback(env)(e, url) && url.searchParams.get('error') === 'access_denied'),
  },
  {
    name: 'saml-user-not-assigned',
    protocol: 'saml',
    description: 'bob proves his password but is not assigned: the IdP posts a signed Responder/RequestDenied response.',
    start: (env) => `${env.rpBase}/saml/app`,
    user: 'bob',
    expect: 'sso/user-not-assigned',
    brokenHop: (entries, env) => {
      const i = requireEntry('saml-user-not-assigned', 'the ACS POST', entries, isAcsPost(env));
      expectStatus('saml-user-not-assigned', entries, i, 403);
      return i;
    },
  },
];

/** The `preflight trace` flags an admin's profile would supply for this protocol. */
export function traceArgs(scenario, env) {
  return scenario.protocol === 'oidc'
    ? ['--redirect-uri', env.redirectUri]
    : ['--sp-entity-id', env.spEntityId, '--acs-url', env.acsUrl];
}
