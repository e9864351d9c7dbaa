// A real OpenID Provider (panva/oidc-provider) for Preflight's federation tests.
// Env: PORT (default 0 = any free port), ISSUER (default http://127.0.0.1:PORT),
// CLIENT_SECRET (default preflight-test-secret). Prints "READY <issuer>" once it listens.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const audience = process.env.AUDIENCE || 'urn:preflight:api';

// A fresh RSA signing key per start: the tests read it from the JWKS like any client.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'preflight-test-rs256', use: 'sig', alg: 'RS256' };

function configuration() {
  return {
    clients: [
      {
        client_id: 'preflight-test',
        client_secret: process.env.CLIENT_SECRET || 'preflight-test-secret',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    scopes: ['openid', 'api:read'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Tokens without an explicit `resource` are for our test API, as JWTs.
        defaultResource: async () => audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource !== audience) throw new Provider.errors.InvalidTarget();
          return { scope: 'api:read', audience, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
  };
}

// Listen first so the issuer can carry the real port.
const server = createServer();
server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  const issuer = process.env.ISSUER || `http://127.0.0.1:${actual}`;
  const provider = new Provider(issuer, configuration());
  provider.proxy = false;
  server.on('request', provider.callback());
  console.log(`READY ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
