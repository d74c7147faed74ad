/**
 * The org settings an admin turns on in Setup and the Metadata API reads and updates as Settings types: Contacts to
 * Multiple Accounts (`AccountSettings.enableRelateContactToMultipleAccounts`, fullName `Account`) and Quotes
 * (`QuoteSettings.enableQuote`, fullName `Quote`). While a feature is off its object does not exist for any API
 * (describe, SOQL, DML), as in an org. Both are on by default, as in the scratch definition. Turning a feature
 * off is refused: an org allows it only under conditions not modelled here (no data that depends on it), and
 * nothing of the connector ever does it. The platform rules that need AccountContactRelation (a contact's direct
 * relation) assume the feature is on: an org started with it off is for reading settings, not for saving contacts.
 */
import { SalesforceError } from '../errors.js';

export interface OrgFeatures {
  readonly contactsToMultipleAccounts?: boolean;
  readonly quotes?: boolean;
}

interface SettingDefinition {
  readonly type: string;
  readonly fullName: string;
  readonly field: string;
  readonly feature: keyof OrgFeatures;
  /** The object that exists only while the setting is on. */
  readonly object: string;
}

const SETTINGS: readonly SettingDefinition[] = [
  {
    type: 'AccountSettings',
    fullName: 'Account',
    field: 'enableRelateContactToMultipleAccounts',
    feature: 'contactsToMultipleAccounts',
    object: 'AccountContactRelation',
  },
  { type: 'QuoteSettings', fullName: 'Quote', field: 'enableQuote', feature: 'quotes', object: 'Quote' },
];

/** A Settings type's values as the Metadata API reads them (booleans; other fields of the type are not modelled). */
export type SettingsValues = Readonly<Record<string, boolean>>;

export class OrgSettings {
  private readonly enabled = new Map<keyof OrgFeatures, boolean>();
  private readonly changes: { readonly type: string; readonly field: string; readonly value: boolean }[] = [];

  constructor(features: OrgFeatures = {}) {
    for (const setting of SETTINGS) this.enabled.set(setting.feature, features[setting.feature] ?? true);
  }

  /** Whether the object exists for the APIs (false for an object whose feature is off). */
  objectAvailable(objectName: string): boolean {
    const setting = SETTINGS.find((candidate) => candidate.object.toLowerCase() === objectName.toLowerCase());
    return setting === undefined || this.enabled.get(setting.feature) === true;
  }

  /** The types readMetadata and updateMetadata know. */
  knows(type: string): boolean {
    return SETTINGS.some((setting) => setting.type === type);
  }

  /** readMetadata: undefined for a fullName the type does not have (the API answers an empty record). */
  read(type: string, fullName: string): SettingsValues | undefined {
    const settings = SETTINGS.filter((setting) => setting.type === type && setting.fullName === fullName);
    if (settings.length === 0) return undefined;
    return Object.fromEntries(settings.map((setting) => [setting.field, this.enabled.get(setting.feature) === true]));
  }

  /** updateMetadata of one Settings record; values of fields the sandbox does not model are ignored. */
  update(type: string, fullName: string, values: Readonly<Record<string, string | boolean>>): void {
    const settings = SETTINGS.filter((setting) => setting.type === type);
    if (settings.length === 0) throw new SalesforceError('INVALID_TYPE', `Cannot update settings of type ${type}`);
    if (!settings.some((setting) => setting.fullName === fullName)) {
      throw new SalesforceError(
        'INVALID_CROSS_REFERENCE_KEY',
        `In field: fullName - no ${type} named ${fullName} found`,
      );
    }
    for (const setting of settings) {
      const given = values[setting.field];
      if (given === undefined) continue;
      const on = given === true || given === 'true';
      if (!on && given !== false && given !== 'false') {
        throw new SalesforceError('FIELD_INTEGRITY_EXCEPTION', `${setting.field}: '${String(given)}' is not a boolean`);
      }
      if (!on && this.enabled.get(setting.feature)) {
        throw new SalesforceError(
          'FIELD_INTEGRITY_EXCEPTION',
          `${type}.${setting.field} cannot be turned off in the sandbox once it is on`,
        );
      }
      if (on !== this.enabled.get(setting.feature)) this.changes.push({ type, field: setting.field, value: on });
      this.enabled.set(setting.feature, on);
    }
  }

  /** Every setting changed through updateMetadata, oldest first (tests assert a second setup changes nothing). */
  history(): readonly { readonly type: string; readonly field: string; readonly value: boolean }[] {
    return [...this.changes];
  }
}
