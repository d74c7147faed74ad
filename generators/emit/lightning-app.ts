/**
 * What makes the connector visible after a deploy without touching what the org has: a Lightning app "Gentrack
 * Connector" with the synced objects' tabs and the Gentrack Sync Errors tab, and, for the on-demand objects, a record
 * page with the Sync with Gentrack button that the app uses as its own record page (an app-level assignment: the
 * org's default record pages and page layouts stay as they are).
 */
import {
  ACCOUNT_SUMMARY_COMPONENT,
  GENTRACK_APP,
  SYNC_BUTTON_COMPONENT,
  SYNC_ERROR_OBJECT,
} from '../../model/connector-fields.js';
import type { ConnectorModel } from '../../model/connector-model.js';
import { FORCE_APP_DIR, type GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';

/** The record page of an on-demand object, e.g. Gentrack_Account_Record_Page. */
export function recordPageNameOf(object: string): string {
  return `Gentrack_${object}_Record_Page`;
}

export async function renderLightningApp(model: ConnectorModel, renderer: Renderer): Promise<GeneratedFile[]> {
  const onDemand = model.relay?.onDemandSync.map((entry) => entry.object) ?? [];
  const summaryOn = (object: string) =>
    object === 'Account' && Boolean(model.relay && model.gentrackApi?.accountSummary);
  const recordPage = async (object: string): Promise<GeneratedFile> => {
    const name = recordPageNameOf(object);
    const outputPath = `${FORCE_APP_DIR}/flexipages/${name}.flexipage-meta.xml`;
    return {
      path: outputPath,
      content: await renderer.render('metadata/RecordPage.flexipage-meta.xml.hbs', outputPath, {
        label: `Gentrack ${object} Record Page`,
        description: `The ${object} record page of the ${GENTRACK_APP} app: the record, its related lists and the Sync with Gentrack button${summaryOn(object) ? ', and its Gentrack billing' : ''}.`,
        object,
        // The billing summary first: it is what an agent looks at; the button is used now and then.
        components: [...(summaryOn(object) ? [ACCOUNT_SUMMARY_COMPONENT] : []), SYNC_BUTTON_COMPONENT],
      }),
      component: { type: 'FlexiPage', name },
    };
  };
  const appPath = `${FORCE_APP_DIR}/applications/${GENTRACK_APP}.app-meta.xml`;
  const app: GeneratedFile = {
    path: appPath,
    content: await renderer.render('metadata/CustomApplication.app-meta.xml.hbs', appPath, {
      label: 'Gentrack Connector',
      description: 'Records synced with Gentrack, and the changes that could not be published (Gentrack Sync Errors).',
      tabs: [
        ...model.objects.filter((object) => STANDARD_TABS.has(object.name)).map((object) => `standard-${object.name}`),
        SYNC_ERROR_OBJECT,
      ],
      recordPages: onDemand.map((object) => ({ object, page: recordPageNameOf(object) })),
    }),
    component: { type: 'CustomApplication', name: GENTRACK_APP },
  };
  return [app, ...(await Promise.all(onDemand.map(recordPage)))];
}

/** Synced objects that have a standard tab (AccountContactRelation is shown on its account and contact). */
const STANDARD_TABS = new Set(['Account', 'Contact', 'Opportunity', 'Quote', 'Order', 'Case', 'Lead', 'Contract']);
