// A second, independent SCIM 2.0 server for Preflight's real-server tests: SCIMMY (the SCIM
// library) with its own User, Group and EnterpriseUser schemas, served by scimmy-routers on
// Express under /scim/v2 on 127.0.0.1.
//
// SCIMMY leaves storage to the application, so this file supplies the three storage handlers
// (ingress = create/replace, egress = read, degress = delete) over in-memory maps, and nothing
// else: validation, filtering, PATCH, sorting, paging and response shapes are SCIMMY's own, so
// what Preflight reports about this server is about SCIMMY, not about this glue.
//
// Usage: SCIMMY_TOKEN=<token> node server.mjs [PORT]   (PORT also from env PORT; 0 = any free)
// Prints "READY http://127.0.0.1:PORT/scim/v2" on stdout once it listens. The token is never
// printed.
import { randomUUID } from 'node:crypto';
import express from 'express';
import SCIMMY from 'scimmy';
import SCIMMYRouters from 'scimmy-routers';

const token = process.env.SCIMMY_TOKEN;
if (!token) {
  console.error('server.mjs: set SCIMMY_TOKEN to the bearer token clients must send');
  process.exit(2);
}
const port = Number(process.argv[2] ?? process.env.PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('server.mjs: the port must be an integer from 0 to 65535');
  process.exit(2);
}

/** A SCIM error SCIMMY turns into the right status and Error body. */
const notFound = (id) => new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);

/** A deep copy, so SCIMMY never holds a reference into the store (and vice versa). */
const copy = (value) => JSON.parse(JSON.stringify(value));

/**
 * One in-memory collection. `unique` names the attribute the store keeps unique (compared
 * case-insensitively, as RFC 7643 §4.1.1 says of userName); SCIMMY does not know the storage
 * and so cannot enforce uniqueness itself — an application's database would.
 */
function collection(unique) {
  const items = new Map();
  return {
    items,
    /** SCIMMY's ingress: `data` is the validated inbound resource, without id and meta. */
    write(resource, data) {
      const now = new Date().toISOString();
      const existing = resource.id === undefined ? undefined : items.get(resource.id);
      if (resource.id !== undefined && !existing) throw notFound(resource.id);
      const id = existing?.id ?? randomUUID();
      const body = copy(data);
      if (unique && typeof body[unique] === 'string') {
        const wanted = body[unique].toLowerCase();
        for (const other of items.values()) {
          if (other.id !== id && String(other[unique]).toLowerCase() === wanted) {
            throw new SCIMMY.Types.Error(409, 'uniqueness', `${unique} is already in use`);
          }
        }
      }
      const stored = { ...body, id, meta: { created: existing?.meta.created ?? now, lastModified: now } };
      items.set(id, stored);
      return copy(stored);
    },
    /** SCIMMY's egress: one resource by id, or every resource SCIMMY's filter matches. */
    read(resource) {
      if (resource.id !== undefined) {
        const found = items.get(resource.id);
        if (!found) throw notFound(resource.id);
        return copy(found);
      }
      const all = [...items.values()].map(copy);
      return resource.filter ? resource.filter.match(all) : all;
    },
    /** SCIMMY's degress. */
    remove(resource) {
      if (!items.delete(resource.id)) throw notFound(resource.id);
    },
  };
}

const users = collection('userName');
const groups = collection(undefined);

/** User.groups is readOnly and derived from group membership (RFC 7643 §4.1.2). */
function withGroups(user) {
  const member = [...groups.items.values()].filter((g) => (g.members ?? []).some((m) => m.value === user.id));
  return member.length ? { ...user, groups: member.map((g) => ({ value: g.id, display: g.displayName, type: 'direct' })) } : user;
}

SCIMMY.Resources.declare(SCIMMY.Resources.User, {
  extensions: [{ schema: SCIMMY.Schemas.EnterpriseUser, required: false }],
  ingress: (resource, data) => withGroups(users.write(resource, data)),
  egress: (resource) => {
    const found = users.read(resource);
    return Array.isArray(found) ? found.map(withGroups) : withGroups(found);
  },
  degress: (resource) => {
    users.remove(resource);
    // A deleted user is no longer anyone's member.
    for (const g of groups.items.values()) {
      if (g.members) g.members = g.members.filter((m) => m.value !== resource.id);
    }
  },
});
SCIMMY.Resources.declare(SCIMMY.Resources.Group, {
  ingress: (resource, data) => groups.write(resource, data),
  egress: (resource) => groups.read(resource),
  degress: (resource) => groups.remove(resource),
});

const app = express();
app.disable('x-powered-by');
app.use(
  '/scim/v2',
  new SCIMMYRouters({
    type: 'bearer',
    // Throwing here is how scimmy-routers answers 401 with a SCIM Error body.
    handler: (request) => {
      if (request.header('Authorization') !== `Bearer ${token}`) {
        throw new Error('Missing or invalid bearer token');
      }
      return 'preflight';
    },
  }),
);

const server = app.listen(port, '127.0.0.1', () => {
  console.log(`READY http://127.0.0.1:${server.address().port}/scim/v2`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
