// Trunk post-build hook: moves Trunk's inline module loader into its own file and adds a strict
// Content-Security-Policy to index.html, so the page needs no 'unsafe-inline' anywhere.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp-hook: TRUNK_STAGING_DIR is not set (run through trunk)');
  process.exit(1);
}
const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
const inline = /<script type="module"(?![^>]*\bsrc=)([^>]*)>([\s\S]*?)<\/script>/g;
html = html.replace(inline, (_all, attrs, body) => {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  const name = `boot-${hash}.js`;
  writeFileSync(join(dir, name), body);
  const kept = attrs.replace(/\s*(nonce|integrity)="[^"]*"/g, '');
  return `<script type="module" src="./${name}"${kept}></script>`;
});
// connect-src: the app fetches its bundled samples from itself and, when the user connects to a
// provider, only the loopback mock or the providers' documented API hosts.
const csp = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' http://127.0.0.1:* http://localhost:* https://api.aetherplatform.cloud https://infrahub-api.nexgencloud.com https://api.elastic-cloud.com",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
html = html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />`);
writeFileSync(file, html);
