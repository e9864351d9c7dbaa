// A minimal W3C WebDriver client over fetch (tauri-driver on :4444), so the e2e needs no
// browser download and no client library. Every wait is bounded.

const ELEMENT = 'element-6066-11e4-a23e-4d29';

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, application, timeoutMs = 60000) {
    const res = await request(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application } } },
    }, timeoutMs);
    return new Session(base, res.sessionId);
  }

  cmd(method, path, body, timeoutMs) {
    return request(this.base, method, `/session/${this.id}${path}`, body, timeoutMs);
  }

  async find(css) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return elementId(v);
  }

  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map(elementId);
  }

  /** Wait (bounded) until `css` matches an element, and return it. */
  async waitFor(css, timeoutMs = 10000, intervalMs = 200) {
    const deadline = Date.now() + timeoutMs;
    let last;
    for (let i = 0; i < Math.ceil(timeoutMs / intervalMs) + 1 && Date.now() < deadline + intervalMs; i++) {
      try {
        return await this.find(css);
      } catch (e) {
        last = e;
      }
      await sleep(intervalMs);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${css}: ${last?.message ?? ''}`);
  }

  async click(css) {
    const el = await this.waitFor(css);
    await this.cmd('POST', `/element/${el}/click`, {});
  }

  async text(css) {
    const el = await this.waitFor(css);
    return this.cmd('GET', `/element/${el}/text`);
  }

  async type(css, value) {
    const el = await this.waitFor(css);
    await this.cmd('POST', `/element/${el}/clear`, {});
    await this.cmd('POST', `/element/${el}/value`, { text: value });
  }

  async attr(css, name) {
    const el = await this.waitFor(css);
    return this.cmd('GET', `/element/${el}/attribute/${name}`);
  }

  exec(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }

  async end() {
    try {
      await this.cmd('DELETE', '', undefined, 10000);
    } catch {
      // The app may already be gone; cleanup in the script handles the rest.
    }
  }
}

/** The W3C key, or the legacy `ELEMENT` key some drivers still send. */
function elementId(v) {
  const id = v?.[ELEMENT] ?? v?.ELEMENT ?? (v && Object.values(v)[0]);
  if (!id) throw new Error(`no element in ${JSON.stringify(v)}`);
  return id;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function request(base, method, path, body, timeoutMs = 30000) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new Error(`${method} ${path}: HTTP ${res.status} ${v.error ?? ''} ${v.message ?? ''}`.trim());
  }
  return json.value;
}

/**
 * Click "Use the demo server" and wait until the app shows it running. Bounded: 30 s, one
 * second click if the first one was lost while the start screen was still settling; an error
 * the app shows is reported as the failure.
 */
export async function startDemo(s) {
  for (let attempt = 0; attempt < 2; attempt++) {
    await s.click('#use-demo');
    for (let i = 0; i < 75; i++) {
      if (await s.exec('return !!document.getElementById("demo-status")')) return;
      const error = await s.exec('const e = document.getElementById("error"); return e ? e.textContent : null');
      if (error) throw new Error(`the demo server did not start: ${error}`);
      await sleep(200);
    }
  }
  throw new Error('the demo server did not start within 30 s');
}
