// Headless Chromium (the distribution's build) driven by playwright-core, recording one HAR
// per scenario. Host names of the test servers resolve to 127.0.0.1 inside the browser and
// every other name fails to resolve, so nothing leaves the machine.
import { chromium } from 'playwright-core';

const STEP_TIMEOUT_MS = 10_000;

export async function launchBrowser({ executablePath, hosts }) {
  const rules = [...hosts.map((h) => `MAP ${h} 127.0.0.1`), 'MAP * ~NOTFOUND'].join(',');
  return chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    args: [`--host-resolver-rules=${rules}`, '--no-first-run', '--disable-background-networking'],
  });
}

/** Waits until the page has had no network traffic for a moment, within the step limit. */
async function settle(page) {
  await page.waitForLoadState('networkidle', { timeout: STEP_TIMEOUT_MS }).catch(() => {});
}

/**
 * Opens `startUrl` in a fresh context (no cookies), signs in as `login` when a login form
 * shows up, waits for the flow to come to rest and writes the HAR to `harPath`.
 */
export async function recordSignIn(browser, { harPath, startUrl, login, password }) {
  const context = await browser.newContext({ recordHar: { path: harPath, content: 'embed', mode: 'full' } });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  try {
    const page = await context.newPage();
    await page.goto(startUrl, { waitUntil: 'load' });
    await settle(page);
    if (login) {
      await page.fill('input[name=login]', login);
      await page.fill('input[name=password]', password);
      // A loop ends in net::ERR_TOO_MANY_REDIRECTS; the recording, not the click, is the result.
      await page.click('button[type=submit]').catch(() => {});
      await settle(page);
    }
  } finally {
    await context.close();
  }
}
