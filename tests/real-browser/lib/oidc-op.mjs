// The real OpenID Provider (panva's oidc-provider) the relying party signs in through, with
// our own login page: a user name + password form, and an assignment rule that refuses users
// who are not assigned to the application, the way workforce IdPs do.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

import { authenticate, loginFormHtml } from './directory.mjs';
import { escapeHtml, readForm, sendHtml } from './http-util.mjs';

/**
 * Builds the provider and returns the request handler for its server.
 * `client` = { id, secret, redirectUri } is the one registered application.
 */
export function oidcProviderHandler({ issuer, client, directory }) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'real-browser-rs256', use: 'sig', alg: 'RS256' };
  const provider = new Provider(issuer, {
    clients: [{
      client_id: client.id,
      client_secret: client.secret,
      redirect_uris: [client.redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    scopes: ['openid', 'email', 'profile'],
    claims: { openid: ['sub'], email: ['email'], profile: ['given_name', 'family_name'] },
    findAccount: async (_ctx, sub) => {
      const user = directory.find((u) => u.id === sub);
      if (!user) return undefined;
      return {
        accountId: user.id,
        claims: async () => ({ sub: user.id, email: user.email, given_name: user.given, family_name: user.family }),
      };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    // Short lifetimes, stated so the provider does not warn about its defaults.
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
  });
  provider.proxy = false;
  const providerCallback = provider.callback();

  return (req, res) => {
    const path = new URL(req.url, issuer).pathname;
    const match = path.match(/^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/);
    if (!match) {
      providerCallback(req, res);
      return;
    }
    const step = match[2] && req.method === 'POST' ? login : showLogin;
    step(provider, directory, client, req, res).catch((err) => {
      sendHtml(res, 400, 'Sign-in interrupted', `<p>${escapeHtml(err.message)}</p>`);
    });
  };
}

async function showLogin(provider, _directory, _client, req, res) {
  const details = await provider.interactionDetails(req, res);
  sendHtml(res, 200, 'Sign in', loginFormHtml(`/interaction/${details.uid}/login`));
}

/** Checks the password; assigned users get a login + a grant, others an access_denied. */
async function login(provider, directory, client, req, res) {
  const details = await provider.interactionDetails(req, res);
  const form = await readForm(req);
  const user = authenticate(directory, form.get('login') || '', form.get('password') || '');
  if (!user) {
    sendHtml(res, 401, 'Sign in', `<p>Wrong user name or password.</p>${loginFormHtml(`/interaction/${details.uid}/login`)}`);
    return;
  }
  if (!user.assigned) {
    await provider.interactionFinished(req, res, {
      error: 'access_denied',
      error_description: `User ${user.email} is not assigned to the application ${client.id}; `
        + 'an administrator must assign the user, or a group the user belongs to, before they can sign in.',
    }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ accountId: user.id, clientId: details.params.client_id });
  grant.addOIDCScope('openid email profile');
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: user.id }, consent: { grantId } }, { mergeWithLastSubmission: false });
}
