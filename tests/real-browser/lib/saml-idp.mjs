// The real SAML identity provider: samlify's IdentityProvider with a key and certificate made
// for this run, HTTP-Redirect binding in, HTTP-POST binding out, signed responses. Its login
// page and assignment rule match the OIDC provider's. Scenario knobs (`mode`) shift its clock,
// change the audience it believes the SP has, and make it refuse unassigned users.
import { randomBytes } from 'node:crypto';

import samlify from 'samlify';

import { authenticate, loginFormHtml } from './directory.mjs';
import { escapeHtml, readForm, sendHtml } from './http-util.mjs';

const { Constants, SamlLib } = samlify;
const POST = Constants.namespace.binding.post;
const REDIRECT = Constants.namespace.binding.redirect;
const PENDING_LIMIT = 100;

/** The IdP's samlify entity, published to the SP as metadata. */
export function samlIdentityProvider({ base, key, cert }) {
  return samlify.IdentityProvider({
    entityID: `${base}/metadata`,
    privateKey: key,
    signingCert: cert,
    wantAuthnRequestsSigned: false,
    nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
    singleSignOnService: [{ Binding: REDIRECT, Location: `${base}/sso` }],
  });
}

/**
 * The IdP's own record of the application: entity id (the audience it will assert) and ACS.
 * `signAssertion` is off for refusals, which carry no assertion; the message is always signed.
 */
function registeredApplication({ entityId, acsUrl, signAssertion }) {
  return samlify.ServiceProvider({
    entityID: entityId,
    assertionConsumerService: [{ Binding: POST, Location: acsUrl }],
    authnRequestsSigned: false,
    wantAssertionsSigned: signAssertion,
    wantMessageSigned: true,
  });
}

/**
 * Request handler. `app` = { entityId, acsUrl } as registered at the IdP; `mode` is read per
 * request: { clockSkewMs, audience (overrides app.entityId in assertions) }.
 */
export function samlIdpHandler({ base, idp, app, directory, mode }) {
  const pending = new Map();

  return (req, res) => {
    const url = new URL(req.url, base);
    let step;
    if (req.method === 'GET' && url.pathname === '/metadata') step = () => metadata(idp, res);
    else if (req.method === 'GET' && url.pathname === '/sso') step = () => startSso(url, res);
    else if (req.method === 'POST' && url.pathname === '/login') step = () => finishLogin(req, res);
    else step = async () => sendHtml(res, 404, 'Not found', '<p>Not found.</p>');
    step().catch((err) => sendHtml(res, 400, 'SAML error', `<p>${escapeHtml(err.message)}</p>`));
  };

  async function metadata(entity, res) {
    res.writeHead(200, { 'Content-Type': 'application/samlmetadata+xml' });
    res.end(entity.getMetadata());
  }

  /** Reads the AuthnRequest, keeps it server-side, shows the login form. */
  async function startSso(url, res) {
    const sp = registeredApplication({ ...app, signAssertion: true });
    const parsed = await idp.parseLoginRequest(sp, 'redirect', { query: Object.fromEntries(url.searchParams) });
    const txn = randomBytes(12).toString('hex');
    if (pending.size >= PENDING_LIMIT) pending.clear();
    pending.set(txn, { requestId: parsed.extract.request.id, relayState: url.searchParams.get('RelayState') || '' });
    sendHtml(res, 200, 'Sign in', loginFormHtml('/login', { txn }, 'Sign in to the SAML IdP'));
  }

  /** Checks the password and answers with a self-posting form carrying the SAMLResponse. */
  async function finishLogin(req, res) {
    const form = await readForm(req);
    const txn = pending.get(form.get('txn') || '');
    if (!txn) {
      sendHtml(res, 400, 'Sign-in expired', '<p>This sign-in request is unknown or expired; start again from the application.</p>');
      return;
    }
    const user = authenticate(directory, form.get('login') || '', form.get('password') || '');
    if (!user) {
      sendHtml(res, 401, 'Sign in', `<p>Wrong user name or password.</p>${loginFormHtml('/login', { txn: form.get('txn') })}`);
      return;
    }
    pending.delete(form.get('txn'));
    const now = new Date(Date.now() + (mode.clockSkewMs || 0));
    const audience = mode.audience || app.entityId;
    const sp = registeredApplication({ entityId: audience, acsUrl: app.acsUrl, signAssertion: user.assigned });
    const replacement = user.assigned
      ? (template) => successXml(template, { idp, audience, acsUrl: app.acsUrl, requestId: txn.requestId, user, now })
      : () => refusalXml({ idp, acsUrl: app.acsUrl, requestId: txn.requestId, user, now });
    const response = await idp.createLoginResponse(sp, null, 'post', user, {
      customTagReplacement: replacement,
      relayState: txn.relayState,
    });
    sendHtml(res, 200, 'Signing in…', autoPostForm(app.acsUrl, response.context, txn.relayState));
  }
}

function newId() {
  return `_${randomBytes(16).toString('hex')}`;
}

/** A Success response whose times come from the IdP's (possibly shifted) clock. */
function successXml(template, { idp, audience, acsUrl, requestId, user, now }) {
  const id = newId();
  const later = new Date(now.getTime() + 5 * 60 * 1000).toISOString();
  const attribute = (name, value) => `<saml:Attribute Name="${name}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">`
    + `<saml:AttributeValue xsi:type="xs:string">${escapeHtml(value)}</saml:AttributeValue></saml:Attribute>`;
  const authn = `<saml:AuthnStatement AuthnInstant="${now.toISOString()}" SessionIndex="${newId()}"><saml:AuthnContext>`
    + '<saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>'
    + '</saml:AuthnContext></saml:AuthnStatement>';
  const attributes = `<saml:AttributeStatement>${attribute('email', user.email)}${attribute('givenName', user.given)}`
    + `${attribute('surname', user.family)}</saml:AttributeStatement>`;
  // replaceTagsByValue escapes every value as text, so the two XML fragments go in first.
  const withStatements = template.replace('{AuthnStatement}', authn).replace('{AttributeStatement}', attributes);
  const context = SamlLib.replaceTagsByValue(withStatements, {
    ID: id,
    AssertionID: newId(),
    Destination: acsUrl,
    Audience: audience,
    SubjectRecipient: acsUrl,
    Issuer: idp.entityMeta.getEntityID(),
    IssueInstant: now.toISOString(),
    StatusCode: Constants.StatusCode.Success,
    ConditionsNotBefore: now.toISOString(),
    ConditionsNotOnOrAfter: later,
    SubjectConfirmationDataNotOnOrAfter: later,
    NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    NameID: user.email,
    InResponseTo: requestId,
  });
  return { id, context };
}

/** A signed Responder/RequestDenied response without an assertion: the IdP refuses the user. */
function refusalXml({ idp, acsUrl, requestId, user, now }) {
  const id = newId();
  const message = `User ${user.email} is not assigned to this application; an administrator must assign `
    + 'the user, or a group the user belongs to, before they can sign in.';
  const context = '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'
    + ` ID="${id}" Version="2.0" IssueInstant="${now.toISOString()}" Destination="${escapeHtml(acsUrl)}" InResponseTo="${requestId}">`
    + `<saml:Issuer>${escapeHtml(idp.entityMeta.getEntityID())}</saml:Issuer>`
    + '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Responder">'
    + '<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:RequestDenied"/></samlp:StatusCode>'
    + `<samlp:StatusMessage>${escapeHtml(message)}</samlp:StatusMessage></samlp:Status></samlp:Response>`;
  return { id, context };
}

/** The HTTP-POST binding page: a form the browser submits to the ACS by itself. */
function autoPostForm(acsUrl, samlResponse, relayState) {
  return `<form method="post" action="${escapeHtml(acsUrl)}">`
    + `<input type="hidden" name="SAMLResponse" value="${escapeHtml(samlResponse)}">`
    + `<input type="hidden" name="RelayState" value="${escapeHtml(relayState)}">`
    + '<noscript><button type="submit">Continue</button></noscript></form>'
    + '<script>document.forms[0].submit();</script>';
}
