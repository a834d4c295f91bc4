// API documentation: /docs/openapi.json (OpenAPI 3.1) and /docs, a plain page listing every operation.
// Registered before the feature plugins so it sees every route they add (onRoute); served locally.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { VIGIL_VERSION } from '../../protocol/version.js';
import { h } from '../dashboard/html.js';
import { CSP } from './dashboard.js';
import { OPERATIONS, openApiDocument } from '../openapi/spec.js';

async function docsPlugin(app: FastifyInstance): Promise<void> {
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/v1/')) return;
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push({ method: m, url: r.url });
  });
  let doc: ReturnType<typeof openApiDocument> | null = null;
  const document = () => (doc ??= openApiDocument([...routes].sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method)), VIGIL_VERSION));

  app.get('/docs/openapi.json', async () => document());
  app.get('/docs', async (_req, reply) => {
    const d = document();
    const ops = Object.entries(d.paths).flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, op]) => ({ path, method, op: op as { summary: string; 'x-vigil-access': string } })));
    reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').type('text/html; charset=utf-8');
    return h`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vigil API</title><link rel="stylesheet" href="/assets/dashboard.css"></head>
<body><main id="main"><h1>Vigil collector API ${VIGIL_VERSION}</h1>
<p>Machine-readable: <a href="/docs/openapi.json">openapi.json</a> (OpenAPI 3.1). Authenticate with <code>Authorization: Bearer &lt;API token&gt;</code>
or a dashboard session cookie plus the <code>x-csrf-token</code> header on state-changing requests. Errors are JSON with a stable <code>code</code>;
lists page with a cursor (<code>next</code>, passed back as <code>cursor</code> or <code>before</code>).</p>
<table><thead><tr><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Who</th><th scope="col">What</th></tr></thead>
<tbody>${ops.map((o) => h`<tr><td><code>${o.method.toUpperCase()}</code></td><td><code>${o.path}</code></td><td>${o.op['x-vigil-access']}</td><td>${o.op.summary}</td></tr>`)}</tbody></table>
<p>${Object.keys(OPERATIONS).length} documented operations.</p></main></body></html>`.value;
  });
}

export default fp(docsPlugin, { name: 'vigil-docs' });
