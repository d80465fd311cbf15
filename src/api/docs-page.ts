// A small, self-contained page that renders the OpenAPI document (no CDN, no framework): the
// operations by tag, who may call them, and their request and response schemas.
import { createHash } from 'node:crypto';
export const DOCS_PAGE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>sas-acd API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem;color:#222}
h2{border-bottom:1px solid #ccc;margin-top:2rem}
details{border:1px solid #ddd;border-radius:4px;margin:.3rem 0;padding:.3rem .6rem}
summary{cursor:pointer}
.m{display:inline-block;width:4.5em;font-weight:bold;text-transform:uppercase}
.get{color:#0a6}.post{color:#06c}.put{color:#a60}.delete{color:#c00}
code,pre{font:12px/1.3 ui-monospace,monospace}pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:24rem}
.roles{color:#666;font-size:12px;margin-left:.5rem}
</style></head><body>
<h1>sas-acd API</h1>
<p id="info"></p>
<p>Document : <a href="openapi.json">openapi.json</a> · Erreurs : <code>application/problem+json</code> (RFC 9457) ·
Authentification : <code>Authorization: Bearer &lt;jeton&gt;</code> obtenu par <code>POST /api/v1/auth/login</code>.</p>
<div id="ops">Chargement…</div>
<script>
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const pre = (o) => '<pre>' + esc(JSON.stringify(o, null, 2)) + '</pre>';
fetch('openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('info').textContent = doc.info.description + ' — version ' + doc.info.version;
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) (byTag[op.tags[0]] ??= []).push({ path, method, op });
  let html = '';
  for (const [tag, list] of Object.entries(byTag)) {
    html += '<h2>' + esc(tag) + '</h2>';
    for (const { path, method, op } of list) {
      const roles = Array.isArray(op['x-roles']) ? op['x-roles'].join(', ') : op['x-roles'];
      html += '<details><summary><span class="m ' + method + '">' + method + '</span><code>' + esc(path) +
        '</code> — ' + esc(op.summary) + '<span class="roles">' + esc(roles) + '</span></summary>';
      if (op.description) html += '<p>' + esc(op.description) + '</p>';
      if (op.parameters.length) html += '<h4>Paramètres</h4>' + pre(op.parameters.map((p) => ({ name: p.name, in: p.in, schema: p.schema })));
      if (op.requestBody) html += '<h4>Corps</h4>' + pre(op.requestBody.content['application/json'].schema);
      for (const [status, r] of Object.entries(op.responses)) {
        const c = r.content && (r.content['application/json'] || r.content['application/problem+json']);
        html += '<h4>' + status + ' — ' + esc(r.description) + '</h4>' + (c && c.schema && !c.schema.$ref ? pre(c.schema) : '');
      }
      html += '</details>';
    }
  }
  document.getElementById('ops').innerHTML = html;
}).catch((e) => { document.getElementById('ops').textContent = 'Erreur : ' + e; });
</script></body></html>
`;

/** sha256 sources for the page's one inline script and style, so its CSP needs no 'unsafe-inline'. */
const hashOf = (tag: 'script' | 'style') => {
  const body = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(DOCS_PAGE)![1]!;
  return `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
};

export const DOCS_CSP = [
  "default-src 'self'",
  `script-src ${hashOf('script')}`,
  `style-src ${hashOf('style')}`,
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ');
