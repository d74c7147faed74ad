/**
 * Contacts to Multiple Accounts and Quotes, turned on through the Metadata API's Settings types (what Setup's
 * Account Settings and Quote Settings pages change). Verified by describing the object the feature brings: the
 * setting alone is not proof that AccountContactRelation or Quote exists.
 */
import type { OrgConnection } from '../platform/salesforce/org-connection.js';
import { already, done, failed, salesforceMessage, type SetupStepResult } from './setup-step.js';

interface FeatureSetting {
  readonly step: string;
  readonly type: string;
  readonly fullName: string;
  readonly field: string;
  readonly object: string;
  readonly setupPath: string;
}

export const FEATURE_SETTINGS: readonly FeatureSetting[] = [
  {
    step: 'Contacts to Multiple Accounts',
    type: 'AccountSettings',
    fullName: 'Account',
    field: 'enableRelateContactToMultipleAccounts',
    object: 'AccountContactRelation',
    setupPath: 'Setup > Account Settings > Allow users to relate a contact to multiple accounts',
  },
  {
    step: 'Quotes',
    type: 'QuoteSettings',
    fullName: 'Quote',
    field: 'enableQuote',
    object: 'Quote',
    setupPath: 'Setup > Quote Settings > Enable',
  },
];

type SettingsRecord = Record<string, unknown>;

/** Metadata API booleans arrive as booleans (jsforce's schema) or as the XML text. */
const isOn = (value: unknown) => value === true || value === 'true';

/**
 * The Metadata API of a connection, made here: the relay's own connections load jsforce's core only
 * (salesforce-session.ts), and on those `connection.metadata` throws "API module 'metadata' is not loaded".
 */
async function metadataApiOf(connection: OrgConnection): Promise<OrgConnection['metadata']> {
  const { MetadataApi } = await import('jsforce/lib/api/metadata.js');
  return new MetadataApi(connection);
}

export async function enableFeature(connection: OrgConnection, feature: FeatureSetting): Promise<SetupStepResult> {
  const { step, field } = feature;
  const metadata = await metadataApiOf(connection);
  const read = async () =>
    ((await metadata.read(feature.type as never, feature.fullName)) as unknown as SettingsRecord)?.[field];
  try {
    if (isOn(await read())) return already(step, `${feature.type}.${field} is on`);
    const saved = (await metadata.update(
      feature.type as never,
      {
        fullName: feature.fullName,
        [field]: true,
      } as never,
    )) as unknown as { success: boolean | string; errors?: { message?: string } | { message?: string }[] };
    if (!isOn(saved.success)) {
      const errors = [saved.errors ?? []].flat().map((error) => error.message ?? '');
      return failed(
        step,
        `Salesforce refused to turn ${feature.type}.${field} on: ${errors.join('; ')}`,
        feature.setupPath,
      );
    }
    if (!isOn(await read()))
      return failed(step, `${feature.type}.${field} still reads off after the update`, feature.setupPath);
    await connection.describe(feature.object);
    return done(step, `turned ${feature.type}.${field} on; ${feature.object} is describable`);
  } catch (error) {
    return failed(step, salesforceMessage(error), `${feature.setupPath} (the admin needs Customize Application)`);
  }
}
