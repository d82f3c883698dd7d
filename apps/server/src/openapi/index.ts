/**
 * The OpenAPI 3.1 document from the zod schemas: routes described once (`RouteDoc`) and
 * registered from that description, the document and its human page. The routes that serve it
 * are `routes/docs.ts`.
 */
import { escapeHtml, styleHashSource } from '../platform/index.ts';
import type { OpenApiDocument } from './document.ts';

export { buildOpenApiDocument, type OpenApiDocument } from './document.ts';
export { PUBLIC_ROUTE_DOCS } from './public-routes.ts';
export { collectRoutes, fastifyPath, registerDocumented, servedRoutes, type RouteDoc } from './registry.ts';

export const DOCS_PATH = '/docs';
export const OPENAPI_PATH = '/docs/openapi.json';

/** The docs page's one style sheet, inline: the page is self-contained (no CDN, no script). */
const DOCS_STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1b1b1f}
article{border:1px solid #d8d8e0;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}h3{margin:.25rem 0;font-size:1rem}
pre{background:#f5f5f8;padding:.5rem;overflow:auto;font-size:12px}.m{padding:0 .4rem;border-radius:4px;color:#fff;background:#555}
.get{background:#1f6feb}.post{background:#1a7f37}.put,.patch{background:#9a6700}.delete{background:#cf222e}`;

/**
 * The docs page's own Content-Security-Policy directives (helmet's names): nothing but its inline
 * style sheet, allowed by its hash (so no other inline style can run), and no framing.
 */
export const DOCS_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  styleSrc: [styleHashSource(DOCS_STYLE)],
  imgSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

interface Operation {
  summary?: string;
  tags?: string[];
  description?: string;
  requestBody?: { content: { 'application/json': { schema: unknown } } };
  parameters?: { name: string; in: string }[];
  responses?: Record<string, { description: string; content?: { 'application/json': { schema: unknown } } }>;
}

/**
 * A human reference generated from the same document, self-contained (no CDN, no script): one
 * section per tag, one entry per operation with its request and response schemas.
 */
export function renderDocsPage(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(methods)) {
      const op = raw as Operation;
      const tag = op.tags?.[0] ?? 'Other';
      const body = op.requestBody
        ? `<details><summary>Request body</summary><pre>${escapeHtml(JSON.stringify(op.requestBody.content['application/json'].schema, null, 2))}</pre></details>`
        : '';
      const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => {
          const schema = r.content?.['application/json'].schema;
          return `<details><summary>${escapeHtml(status)}: ${escapeHtml(r.description)}</summary>${
            schema === undefined ? '' : `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`
          }</details>`;
        })
        .join('');
      const entry = `<article><h3><code class="m ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</code> <code>${escapeHtml(path)}</code></h3><p>${escapeHtml(op.summary ?? '')}${op.description ? ` <em>${escapeHtml(op.description)}</em>` : ''}</p>${
        query.length > 0
          ? `<p>Query: ${query.map((q) => `<code>${escapeHtml(q)}</code>`).join(', ')}</p>`
          : ''
      }${body}${responses}</article>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), entry]);
    }
  }
  const info = doc.info as { title: string; description: string };
  const sections = [...byTag]
    .map(([tag, entries]) => `<section><h2>${escapeHtml(tag)}</h2>${entries.join('')}</section>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title>
<style>${DOCS_STYLE}</style></head>
<body><h1>${escapeHtml(info.title)}</h1><p>${escapeHtml(info.description)}</p><p>Machine-readable: <a href="${OPENAPI_PATH}">${OPENAPI_PATH}</a> (OpenAPI 3.1).</p>${sections}</body></html>`;
}
