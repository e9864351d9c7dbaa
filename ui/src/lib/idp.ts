// What to type where in each IdP's admin console, with the exact field names the consoles use,
// and which checks emulate each console's connection test.
import type { IdpId } from './types';

export interface ConsoleField { label: string; value: string; secret?: boolean; multiline?: boolean; note?: string }
export interface IdpGuide {
  id: IdpId; name: string; short: string; where: string[]; fields: ConsoleField[];
  /** Another way to fill the same form (e.g. OAuth client credentials instead of a token). */
  alt?: string;
  /** What to do after typing the fields. */
  then: string;
}

/** The checks every connection test needs first: the endpoint answers and takes the token. */
export const CONNECTION_GATES = ['scim/endpoint-reachable', 'auth/users-accepts-token'];

/** The check that sends what the IdP's own connection test sends. */
export const CONNECTION_TEST: Record<IdpId, string> = {
  entra: 'entra/test-connection',
  okta: 'okta/test-api-credentials',
  onelogin: 'onelogin/test-connection',
  generic: 'scim/users-filter-no-match',
};

export function connectionChecks(idp: IdpId): string[] {
  return [...CONNECTION_GATES, CONNECTION_TEST[idp]];
}

export const ONELOGIN_TEMPLATE = `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "userName": "{$parameters.scimusername}",
  "name": {
    "givenName": "{$user.firstname}",
    "familyName": "{$user.lastname}"
  },
  "emails": [{ "value": "{$user.email}", "type": "work", "primary": true }]
}`;

export function guide(idp: IdpId, baseUrl: string, token: string): IdpGuide {
  switch (idp) {
    case 'entra':
      return {
        id: idp, name: 'Microsoft Entra ID', short: 'Entra',
        where: ['Enterprise applications', 'your app', 'Provisioning', 'Provisioning Mode: Automatic', 'Admin Credentials'],
        fields: [
          { label: 'Tenant URL', value: baseUrl },
          { label: 'Secret Token', value: token, secret: true },
        ],
        alt: 'If your app authenticates Entra with OAuth 2.0 client credentials instead of a long-lived token, fill Token Endpoint, Client ID and Client Secret in place of Secret Token.',
        then: 'Click Test Connection, then Save.',
      };
    case 'okta':
      return {
        id: idp, name: 'Okta', short: 'Okta',
        where: ['Applications', 'your app', 'Provisioning', 'Integration', 'Edit'],
        fields: [
          { label: 'SCIM connector base URL', value: baseUrl },
          { label: 'Unique identifier field for users', value: 'userName' },
          { label: 'Supported provisioning actions', value: 'Push New Users, Push Profile Updates, Push Groups', note: 'tick these (and Import New Users and Profile Updates if you import)' },
          { label: 'Authentication Mode', value: 'HTTP Header' },
          { label: 'Authorization (Bearer)', value: token, secret: true },
        ],
        then: 'Click Test Connector Configuration, then Save.',
      };
    case 'onelogin':
      return {
        id: idp, name: 'OneLogin', short: 'OneLogin',
        where: ['Applications', 'your app', 'Configuration'],
        fields: [
          { label: 'SCIM Base URL', value: baseUrl },
          { label: 'SCIM Bearer Token', value: token, secret: true },
          { label: 'SCIM JSON Template', value: ONELOGIN_TEMPLATE, multiline: true },
        ],
        then: 'Click Save, then Enable under API Connection.',
      };
    case 'generic':
      return {
        id: idp, name: 'Generic SCIM client', short: 'a generic SCIM client',
        where: ['Your provisioning client’s SCIM settings'],
        fields: [
          { label: 'SCIM base URL', value: baseUrl },
          { label: 'Bearer token', value: token, secret: true },
        ],
        then: 'Test the connection in your client.',
      };
  }
}
