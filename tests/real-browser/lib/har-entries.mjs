// Finding hops in a recorded HAR by what they are (method, host, path, parameters), never by
// position, so the expected broken hop follows whatever the browser really recorded.

/** The 0-based index of the first entry (from `from`) that `matches`, or -1. */
export function findEntry(entries, matches, from = 0) {
  for (let i = from; i < entries.length; i += 1) {
    if (matches(entries[i], new URL(entries[i].request.url))) return i;
  }
  return -1;
}

/** Like findEntry but throws a readable error naming the scenario and what was looked for. */
export function requireEntry(scenario, what, entries, matches, from = 0) {
  const index = findEntry(entries, matches, from);
  if (index < 0) {
    const seen = entries.map((e, i) => `  ${i} ${e.request.method} ${e.request.url} -> ${e.response.status}`).join('\n');
    throw new Error(`${scenario}: no entry for ${what} in the recorded HAR; entries were:\n${seen}`);
  }
  return index;
}

/** True when `url` is on the server whose base URL is `base` (same origin). */
export function onServer(url, base) {
  return url.origin === new URL(base).origin;
}
