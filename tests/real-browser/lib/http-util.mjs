// Small HTTP helpers shared by the test servers: listen on loopback, read a form body with a
// size cap, answer with HTML, and escape text placed into HTML.
import { createServer } from 'node:http';

/**
 * Starts an HTTP server on 127.0.0.1 on a free port; resolves to { server, port }. The request
 * handler is attached later with `server.on('request', …)`, because each server's public URL
 * (and so its configuration) depends on the ports the others received.
 */
export function listenLoopback() {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port }));
  });
}

/** Reads an application/x-www-form-urlencoded body (at most 256 KiB) into URLSearchParams. */
export function readForm(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > 256 * 1024) {
        reject(new Error('form body larger than 256 KiB'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

export function escapeHtml(text) {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Sends a complete HTML page with the given status and extra headers. */
export function sendHtml(res, status, title, bodyHtml, headers = {}) {
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>`
    + `<link rel="icon" href="data:,"></head><body>${bodyHtml}</body></html>`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(page);
}

export function redirect(res, location, headers = {}) {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', ...headers });
  res.end();
}

/** Parses the Cookie request header into a Map of name -> value. */
export function cookiesOf(req) {
  const jar = new Map();
  for (const part of (req.headers.cookie || '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) jar.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return jar;
}
