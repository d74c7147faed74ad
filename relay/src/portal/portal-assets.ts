/**
 * The portal's stylesheet, its script and the scripts of single pages, read once at start and served under names that carry a hash of their
 * content, so browsers may keep them for a year and still never run an old copy after an upgrade. They are files
 * (assets/), not strings in code, so they read and lint as what they are.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PROJECT_ROOT } from '../../../model/project-root.js';
import type { PageAssets } from './pages/layout.js';

const ASSETS_DIR = path.join(PROJECT_ROOT, 'relay', 'src', 'portal', 'assets');

interface Asset {
  readonly url: string;
  readonly type: string;
  readonly body: Buffer;
}

function load(file: string, type: string): Asset {
  const body = readFileSync(path.join(ASSETS_DIR, file));
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const { name, ext } = path.parse(file);
  return { url: `/assets/${name}.${hash}${ext}`, type, body };
}

/** Registers the asset routes and returns their URLs for the pages. */
export function registerPortalAssets(app: FastifyInstance): PageAssets {
  const stylesheet = load('portal.css', 'text/css; charset=utf-8');
  const script = load('portal.js', 'text/javascript; charset=utf-8');
  // Every other script in assets/ is one page's enhancement, which that page names.
  const pageScripts = readdirSync(ASSETS_DIR)
    .filter((file) => file.endsWith('.js') && file !== 'portal.js')
    .map((file) => [file, load(file, 'text/javascript; charset=utf-8')] as const);
  for (const asset of [stylesheet, script, ...pageScripts.map(([, loaded]) => loaded)]) {
    app.get(asset.url, (_request, reply) =>
      reply.type(asset.type).header('cache-control', 'public, max-age=31536000, immutable').send(asset.body),
    );
  }
  return {
    stylesheet: stylesheet.url,
    script: script.url,
    scripts: Object.fromEntries(pageScripts.map(([file, loaded]) => [file, loaded.url])),
  };
}
