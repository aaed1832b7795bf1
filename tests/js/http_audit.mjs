// The graphql-http audit suite (npm graphql-http) against a running server; prints one JSON line.
// Usage: node http_audit.mjs http://127.0.0.1:PORT/graphql   (NODE_PATH must reach graphql-http)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { auditServer } = require(require.resolve('graphql-http', { paths: (process.env.NODE_PATH || '').split(':') }));

const results = await auditServer({ url: process.argv[2] });
console.log(JSON.stringify(results.map((r) => ({
  id: r.id, name: r.name, status: r.status, reason: r.reason || null,
}))));
