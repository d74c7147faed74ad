/**
 * The metadata rule tables, row by row, on in-memory documents (no files, no JVM): each rule fires on the mistake it
 * describes and stays quiet on the valid form.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findUnknownElements } from '../../generators/verify/metadata-rules/allowed-elements.js';
import { checkApexMeta } from '../../generators/verify/metadata-rules/apex-meta-rules.js';
import { checkCustomField } from '../../generators/verify/metadata-rules/custom-field-rules.js';
import { checkCustomObject } from '../../generators/verify/metadata-rules/custom-object-rules.js';
import type { MetadataDocument, ValidatedType } from '../../generators/verify/metadata-rules/metadata-document.js';
import { checkPermissionSet } from '../../generators/verify/metadata-rules/permission-set-rules.js';
import { buildInventory, type ObjectKind } from '../../generators/verify/metadata-rules/project-inventory.js';
import { checkUiMetadata } from '../../generators/verify/metadata-rules/ui-metadata-rules.js';
import { parseXmlDocument, XmlSyntaxError } from '../../generators/verify/xml-document.js';

function document(type: ValidatedType, name: string, body: string, objectName?: string): MetadataDocument {
  const root = parseXmlDocument(
    `<?xml version="1.0" encoding="UTF-8"?>\n<${type} xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}\n</${type}>\n`,
  );
  const fileName = objectName ? name.slice(objectName.length + 1) : name;
  return { type, file: `/project/${name}`, name, fileName, root, ...(objectName ? { objectName } : {}) };
}

const field = (name: string, body: string, objectName = 'Reading__c'): MetadataDocument =>
  document(
    'CustomField',
    `${objectName}.${name}`,
    `<fullName>${name}</fullName>\n<label>A Field</label>\n${body}`,
    objectName,
  );

const rulesOf = (violations: readonly { rule: string }[]): string[] =>
  violations.map((violation) => violation.rule).sort();

function fieldRules(name: string, body: string, kind: ObjectKind = 'customObject'): string[] {
  return rulesOf(checkCustomField(field(name, body), kind));
}

test('valid fields of every supported type pass', () => {
  const valid: Record<string, string> = {
    Text: '<type>Text</type><length>255</length><externalId>true</externalId><unique>true</unique><caseSensitive>false</caseSensitive>',
    TextArea: '<type>TextArea</type>',
    LongTextArea: '<type>LongTextArea</type><length>131072</length><visibleLines>3</visibleLines>',
    Html: '<type>Html</type><length>32768</length><visibleLines>25</visibleLines>',
    Number: '<type>Number</type><precision>18</precision><scale>2</scale><externalId>true</externalId>',
    Currency: '<type>Currency</type><precision>16</precision><scale>2</scale>',
    Percent: '<type>Percent</type><precision>5</precision><scale>2</scale>',
    Checkbox: '<type>Checkbox</type><defaultValue>false</defaultValue><externalId>false</externalId>',
    Date: '<type>Date</type>',
    DateTime: '<type>DateTime</type>',
    Email: '<type>Email</type><unique>true</unique>',
    Phone: '<type>Phone</type>',
    Url: '<type>Url</type>',
    Picklist:
      '<type>Picklist</type><valueSet><restricted>true</restricted><valueSetDefinition><sorted>false</sorted><value><fullName>A</fullName><default>true</default><label>A</label></value></valueSetDefinition></valueSet>',
    MultiselectPicklist:
      '<type>MultiselectPicklist</type><visibleLines>4</visibleLines><valueSet><valueSetName>Colours</valueSetName></valueSet>',
    Lookup:
      '<type>Lookup</type><referenceTo>Account</referenceTo><relationshipName>Readings</relationshipName><deleteConstraint>SetNull</deleteConstraint>',
    AutoNumber: '<type>AutoNumber</type><displayFormat>R-{0000}</displayFormat><externalId>true</externalId>',
  };
  for (const [type, body] of Object.entries(valid)) {
    assert.deepEqual(fieldRules(`Valid_${type}__c`, body), [], `a valid ${type} field`);
  }
});

test('field names: must match the file, end in __c, follow API name rules, fit in 40 characters', () => {
  const mismatched = document(
    'CustomField',
    'Reading__c.Value__c',
    '<fullName>Other__c</fullName><label>Value</label><type>Date</type>',
    'Reading__c',
  );
  assert.deepEqual(rulesOf(checkCustomField(mismatched, 'customObject')), ['field-full-name']);
  assert.deepEqual(fieldRules('Value', '<type>Date</type>'), ['field-api-name']);
  assert.deepEqual(fieldRules('Double__Underscore__c', '<type>Date</type>'), ['field-api-name']);
  assert.deepEqual(fieldRules('_Leading__c', '<type>Date</type>'), ['field-api-name']);
  assert.deepEqual(fieldRules('Trailing___c', '<type>Date</type>'), ['field-api-name']);
  assert.deepEqual(fieldRules(`${'A'.repeat(41)}__c`, '<type>Date</type>'), ['field-api-name']);
  assert.deepEqual(fieldRules(`${'A'.repeat(40)}__c`, '<type>Date</type>'), []);
});

test('field types: attribute ranges and required attributes', () => {
  assert.deepEqual(fieldRules('A__c', '<type>Text</type>'), ['field-text-length']);
  assert.deepEqual(fieldRules('A__c', '<type>Text</type><length>0</length>'), ['field-text-length']);
  assert.deepEqual(
    fieldRules('A__c', '<type>LongTextArea</type><length>131073</length><visibleLines>3</visibleLines>'),
    ['field-long-text-length'],
  );
  assert.deepEqual(fieldRules('A__c', '<type>LongTextArea</type><length>1000</length>'), ['field-visible-lines']);
  assert.deepEqual(fieldRules('A__c', '<type>Number</type><precision>19</precision><scale>0</scale>'), [
    'field-number-precision',
  ]);
  assert.deepEqual(fieldRules('A__c', '<type>Number</type><precision>4</precision><scale>5</scale>'), [
    'field-number-scale',
  ]);
  assert.deepEqual(fieldRules('A__c', '<type>Checkbox</type>'), ['field-checkbox-default']);
  assert.deepEqual(fieldRules('A__c', '<type>Picklist</type>'), ['field-picklist-values']);
  assert.deepEqual(
    fieldRules('A__c', '<type>MultiselectPicklist</type><valueSet><valueSetName>X</valueSetName></valueSet>'),
    ['field-visible-lines'],
  );
  assert.deepEqual(fieldRules('A__c', '<type>Lookup</type><referenceTo>Account</referenceTo>'), ['field-lookup']);
  assert.deepEqual(fieldRules('A__c', '<type>Geolocation</type>'), ['field-type']);
});

test('field types: attributes that belong to other types, identity flags, case sensitivity', () => {
  assert.deepEqual(fieldRules('A__c', '<type>Checkbox</type><defaultValue>false</defaultValue><length>10</length>'), [
    'field-attribute-not-for-type',
  ]);
  assert.deepEqual(fieldRules('A__c', '<type>Date</type><externalId>true</externalId>'), ['field-identifying']);
  assert.deepEqual(fieldRules('A__c', '<type>Phone</type><unique>true</unique>'), ['field-identifying']);
  assert.deepEqual(fieldRules('A__c', '<type>Text</type><length>10</length><caseSensitive>true</caseSensitive>'), [
    'field-case-sensitive',
  ]);
  assert.deepEqual(
    fieldRules(
      'A__c',
      '<type>Picklist</type><valueSet><valueSetDefinition><value><fullName>A</fullName><default>false</default></value><value><fullName>a</fullName><default>false</default></value></valueSetDefinition></valueSet>',
    ),
    ['field-picklist-duplicate'],
  );
  assert.deepEqual(
    fieldRules('A__c', '<type>Text</type><formula>Name</formula>'),
    [],
    'a formula field takes no length',
  );
});

test('object kinds restrict field types: platform events and custom settings', () => {
  assert.deepEqual(
    fieldRules('A__c', '<type>Picklist</type><valueSet><valueSetName>X</valueSetName></valueSet>', 'platformEvent'),
    ['field-type-not-allowed-on-object'],
  );
  assert.deepEqual(fieldRules('A__c', '<type>Email</type>', 'platformEvent'), ['field-type-not-allowed-on-object']);
  assert.deepEqual(
    fieldRules(
      'A__c',
      '<type>LongTextArea</type><length>131072</length><visibleLines>3</visibleLines>',
      'platformEvent',
    ),
    [],
  );
  assert.deepEqual(
    fieldRules('A__c', '<type>LongTextArea</type><length>1000</length><visibleLines>3</visibleLines>', 'customSetting'),
    ['field-type-not-allowed-on-object'],
  );
  assert.deepEqual(
    fieldRules('A__c', '<type>Picklist</type><valueSet><valueSetName>X</valueSetName></valueSet>', 'customSetting'),
    ['field-type-not-allowed-on-object'],
  );
  assert.deepEqual(fieldRules('A__c', '<type>Text</type><length>10</length>', 'customSetting'), []);
});

test('custom objects, platform events and custom settings declare what their kind needs', () => {
  const customObject = document(
    'CustomObject',
    'Reading__c',
    '<label>Reading</label><pluralLabel>Readings</pluralLabel><deploymentStatus>Deployed</deploymentStatus>',
  );
  assert.deepEqual(rulesOf(checkCustomObject(customObject)), ['object-name-field', 'object-sharing-model']);

  const event = document(
    'CustomObject',
    'Reading__e',
    '<label>Reading</label><pluralLabel>Readings</pluralLabel><deploymentStatus>Deployed</deploymentStatus><eventType>Huge</eventType><publishBehavior>PublishAfterCommit</publishBehavior>',
  );
  const eventViolations = checkCustomObject(event);
  assert.deepEqual(rulesOf(eventViolations), ['event-type']);
  assert.match(eventViolations[0]!.message, /'Huge'; Salesforce accepts only 'HighVolume', 'StandardVolume'/);

  const setting = document(
    'CustomObject',
    'Settings__c',
    '<label>Settings</label><customSettingsType>Tree</customSettingsType>',
  );
  assert.deepEqual(rulesOf(checkCustomObject(setting)), ['custom-setting-type', 'custom-setting-visibility']);
});

test('unknown elements are found at any depth, with a suggestion for near misses', () => {
  const root = parseXmlDocument(
    '<CustomField xmlns="http://soap.sforce.com/2006/04/metadata"><fullName>A__c</fullName><lable>A</lable><valueSet><valueSetDefinition><sorted>false</sorted><value><fullName>X</fullName><default>false</default><colour>red</colour></value></valueSetDefinition></valueSet></CustomField>',
  );
  const violations = findUnknownElements(root, 'CustomField');
  assert.deepEqual(rulesOf(violations), ['unknown-element', 'unknown-element']);
  assert.match(violations[0]!.message, /<lable>.*Did you mean <label>\?/);
  assert.match(violations[1]!.message, /<colour>.*CustomValue.*Did you mean <color>\?/);
  const permissionSet = parseXmlDocument(
    '<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata"><label>P</label><objectPermissions><allowCreate>false</allowCreate><allowDelete>false</allowDelete><allowEdit>false</allowEdit><allowRead>true</allowRead><modifyAllRecords>false</modifyAllRecords><object>Account</object><viewAllFields>false</viewAllFields><viewAllRecords>false</viewAllRecords></objectPermissions></PermissionSet>',
  );
  assert.deepEqual(findUnknownElements(permissionSet, 'PermissionSet'), [], 'elements newer than the WSDL are known');
});

test('the current Metadata API schema: required elements, enumeration values, booleans, numbers, single elements', () => {
  const page = parseXmlDocument(
    `<FlexiPage xmlns="http://soap.sforce.com/2006/04/metadata">
       <flexiPageRegions><name>main</name><type>Zone</type></flexiPageRegions>
       <masterLabel>Page</masterLabel><masterLabel>Again</masterLabel>
       <type>RecordPage</type>
     </FlexiPage>`,
  );
  const violations = findUnknownElements(page, 'FlexiPage');
  assert.deepEqual(rulesOf(violations), ['invalid-value', 'missing-required-element', 'repeated-element']);
  assert.match(violations.find((v) => v.rule === 'missing-required-element')!.message, /FlexiPage lacks <template>/);
  assert.match(
    violations.find((v) => v.rule === 'invalid-value')!.message,
    /'Zone' is not a value of FlexiPageRegionType/,
  );
  assert.match(violations.find((v) => v.rule === 'repeated-element')!.message, /<masterLabel> appears more than once/);

  const event = parseXmlDocument(
    `<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">
       <deploymentStatus>Deployed</deploymentStatus><eventType>HighVolume</eventType><label>E</label>
       <pluralLabel>Es</pluralLabel><publishBehavior>PublishLater</publishBehavior><enableHistory>yes</enableHistory>
     </CustomObject>`,
  );
  const eventViolations = findUnknownElements(event, 'CustomObject');
  assert.deepEqual(rulesOf(eventViolations), ['invalid-value', 'invalid-value']);
  assert.match(
    eventViolations[0]!.message,
    /'PublishLater' is not a value of PlatformEventPublishBehavior \(PublishAfterCommit, PublishImmediately\)/,
  );
  assert.match(eventViolations[1]!.message, /enableHistory.*must be true or false/);

  const apexMeta = parseXmlDocument(
    '<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata"><apiVersion>sixty-two</apiVersion><status>Active</status></ApexClass>',
  );
  assert.match(findUnknownElements(apexMeta, 'ApexClass')[0]!.message, /must be a number/);
});

test('permission sets: references resolve, required fields get no FLS, implied permissions, platform event limits', () => {
  const documents = [
    document('CustomObject', 'Reading__c', '<label>Reading</label>'),
    document('CustomObject', 'Reading__e', '<label>Reading Event</label>'),
    field('Value__c', '<type>Number</type><precision>5</precision><scale>0</scale><required>true</required>'),
    field('Notes__c', '<type>TextArea</type>'),
    document('ApexClass', 'ReadingService', '<apiVersion>62.0</apiVersion><status>Active</status>'),
  ];
  const inventory = buildInventory(documents);
  const permissionSet = document(
    'PermissionSet',
    'Readers',
    `<label>Readers</label>
     <classAccesses><apexClass>ReadingService</apexClass><enabled>true</enabled></classAccesses>
     <classAccesses><apexClass>MissingService</apexClass><enabled>true</enabled></classAccesses>
     <customPermissions><enabled>true</enabled><name>Missing_Permission</name></customPermissions>
     <fieldPermissions><editable>true</editable><field>Reading__c.Notes__c</field><readable>false</readable></fieldPermissions>
     <fieldPermissions><editable>true</editable><field>Reading__c.Value__c</field><readable>true</readable></fieldPermissions>
     <fieldPermissions><editable>false</editable><field>Account.Name</field><readable>true</readable></fieldPermissions>
     <fieldPermissions><editable>false</editable><field>Account.Phone</field><readable>true</readable></fieldPermissions>
     <fieldPermissions><editable>false</editable><field>Account.Phone</field><readable>true</readable></fieldPermissions>
     <fieldPermissions><editable>false</editable><field>Opportunity.StageName</field><readable>true</readable></fieldPermissions>
     <objectPermissions><allowCreate>true</allowCreate><allowDelete>false</allowDelete><allowEdit>true</allowEdit><allowRead>true</allowRead><modifyAllRecords>false</modifyAllRecords><object>Reading__e</object><viewAllRecords>false</viewAllRecords></objectPermissions>
     <objectPermissions><allowCreate>false</allowCreate><allowDelete>false</allowDelete><allowEdit>false</allowEdit><allowRead>true</allowRead><modifyAllRecords>false</modifyAllRecords><object>Unknown__c</object><viewAllRecords>false</viewAllRecords></objectPermissions>`,
  );
  const violations = checkPermissionSet(permissionSet, inventory);
  const summary = violations.map((violation) => `${violation.rule}: ${violation.message}`).join('\n');
  assert.deepEqual(
    rulesOf(violations),
    [
      'permission-set-duplicate',
      'permission-set-implied',
      'permission-set-platform-event',
      'permission-set-reference',
      'permission-set-reference',
      'permission-set-reference',
      'permission-set-required-field',
      'permission-set-required-field',
    ],
    summary,
  );
  assert.match(summary, /MissingService/);
  assert.match(summary, /Missing_Permission/);
  assert.match(summary, /Unknown__c/);
});

test('Apex meta files: apiVersion at least 62.0 and status Active', () => {
  const meta = (body: string): string[] => rulesOf(checkApexMeta(document('ApexClass', 'A', body)));
  assert.deepEqual(meta('<apiVersion>62.0</apiVersion><status>Active</status>'), []);
  assert.deepEqual(meta('<apiVersion>65.0</apiVersion><status>Active</status>'), []);
  assert.deepEqual(meta('<apiVersion>61.0</apiVersion><status>Active</status>'), ['apex-api-version']);
  assert.deepEqual(meta('<apiVersion>62</apiVersion><status>Active</status>'), ['apex-api-version']);
  assert.deepEqual(meta('<status>Inactive</status>'), ['apex-api-version', 'apex-status']);
});

test('tabs, list views and LWC bundles: what the deploy insists on', () => {
  assert.deepEqual(rulesOf(checkUiMetadata(document('CustomTab', 'Reading__c', '<customObject>true</customObject>'))), [
    'tab-motif',
  ]);
  assert.deepEqual(
    rulesOf(checkUiMetadata(document('ListView', 'Reading__c.All', '<columns>NAME</columns>', 'Reading__c'))),
    ['list-view-filter-scope', 'list-view-label'],
  );
  assert.deepEqual(
    rulesOf(checkUiMetadata(document('LightningComponentBundle', 'readingCard', '<isExposed>yes</isExposed>'))),
    ['lwc-api-version', 'lwc-is-exposed'],
  );
  const listView = parseXmlDocument(
    '<ListView xmlns="http://soap.sforce.com/2006/04/metadata"><label>All</label><filterScope>Everything</filterScope><colums>NAME</colums></ListView>',
  );
  assert.match(findUnknownElements(listView, 'ListView')[0]!.message, /Did you mean <columns>\?/);
});

test('malformed XML is reported with its line', () => {
  assert.throws(
    () => parseXmlDocument('<?xml version="1.0"?>\n<CustomField>\n  <label>A\n</CustomField>\n'),
    (error: unknown) => error instanceof XmlSyntaxError && error.line === 4,
  );
});
