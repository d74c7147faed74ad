/**
 * The files of a generated Lightning web component: its JavaScript, template, metadata and Jest test, each rendered
 * from generators/templates/lwc/<component>/<file>.hbs with one view.
 */
import { FORCE_APP_DIR, type GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';

export async function renderLwcBundle(renderer: Renderer, component: string, view: object): Promise<GeneratedFile[]> {
  const bundle = `${FORCE_APP_DIR}/lwc/${component}`;
  const file = async (name: string, metadata?: GeneratedFile['component']): Promise<GeneratedFile> => ({
    path: `${bundle}/${name}`,
    content: await renderer.render(`lwc/${component}/${name}.hbs`, `${bundle}/${name}`, view),
    ...(metadata ? { component: metadata } : {}),
  });
  return Promise.all([
    file(`${component}.js`),
    file(`${component}.html`),
    file(`${component}.js-meta.xml`, { type: 'LightningComponentBundle', name: component }),
    file(`__tests__/${component}.test.js`),
  ]);
}
