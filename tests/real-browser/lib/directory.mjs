// The people both identity providers know, and the canary secrets of one recording run.
// Canaries carry a random suffix per run so a redaction test can only pass by really
// removing them, never by matching a fixed string.
import { randomBytes } from 'node:crypto';

import { escapeHtml as esc } from './http-util.mjs';

export function makeCanaries() {
  const tag = randomBytes(6).toString('hex');
  return {
    password: `CanaryPassw0rd-${tag}`,
    clientSecret: `canary-client-secret-${tag}`,
    sessionCookie: `canary-session-${tag}`,
  };
}

/**
 * alice is assigned to the application, bob is not: the providers let bob prove who he is
 * and then refuse him, as Entra does with AADSTS50105.
 */
export function makeDirectory(canaries) {
  return [
    { id: 'alice', email: 'alice@example.test', given: 'Alice', family: 'Archer', password: canaries.password, assigned: true },
    { id: 'bob', email: 'bob@example.test', given: 'Bob', family: 'Baker', password: canaries.password, assigned: false },
  ];
}

/** The user whose login name and password match, or undefined. */
export function authenticate(directory, login, password) {
  return directory.find((u) => (u.id === login || u.email === login) && u.password === password);
}

/** The login form both providers show: a user name and a password, posted to `action`. */
export function loginFormHtml(action, hidden = {}, heading = 'Sign in') {
  const fields = Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`)
    .join('');
  return `<h1>${esc(heading)}</h1><form method="post" action="${esc(action)}">${fields}`
    + '<label>User <input name="login" autocomplete="username"></label>'
    + '<label>Password <input name="password" type="password" autocomplete="current-password"></label>'
    + '<button type="submit">Sign in</button></form>';
}

