/** manifest/package.xml: every generated component, so admins can deploy by manifest as well as by directory. */
import type { ConnectorModel } from '../../model/connector-model.js';
import type { GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';

export const MANIFEST_PATH = 'manifest/package.xml';

export async function renderManifest(
  model: ConnectorModel,
  files: readonly GeneratedFile[],
  renderer: Renderer,
): Promise<GeneratedFile> {
  const membersByType = new Map<string, string[]>();
  for (const { component } of files) {
    if (!component) continue;
    const members = membersByType.get(component.type) ?? [];
    members.push(component.name);
    membersByType.set(component.type, members);
  }
  const types = [...membersByType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, members]) => ({ name, members: members.sort((a, b) => a.localeCompare(b)) }));
  return {
    path: MANIFEST_PATH,
    content: await renderer.render('metadata/package.xml.hbs', MANIFEST_PATH, { types, apiVersion: model.apiVersion }),
  };
}
