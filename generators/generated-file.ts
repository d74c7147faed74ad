/** One file the generators produce, with the metadata component it is (for the manifest), if any. */
export interface GeneratedFile {
  /** Path relative to the project root, with forward slashes. */
  readonly path: string;
  readonly content: string;
  readonly component?: MetadataComponent;
}

export interface MetadataComponent {
  /** Metadata API type, e.g. ApexClass, CustomField. */
  readonly type: string;
  /** Full name, e.g. GentrackCallout, Account.Gentrack_External_Id__c. */
  readonly name: string;
}

export const FORCE_APP_DIR = 'force-app/main/default';
