/**
 * Which child elements Salesforce accepts in a metadata type, at every depth.
 *
 * The deploy rejects an element it does not know ("Element {…}bogus invalid at this location") but SDR converts it
 * happily, so an unknown element is only caught here. The element lists come from jsforce's schema, which is
 * generated from the Metadata API WSDL (the authoritative list, with nesting), plus the elements Salesforce added
 * after the WSDL jsforce was built from.
 */
import { ApiSchemas } from 'jsforce/lib/api/metadata/schema.js';
import type { XmlElement } from '../xml-document.js';
import type { Violation } from './element-rules.js';
import { closestMatch } from '../../../model/edit-distance.js';

interface SchemaType {
  readonly props: Readonly<Record<string, string | readonly string[]>>;
  readonly extends?: string;
}

const SCHEMA = ApiSchemas as unknown as Readonly<Record<string, SchemaType>>;

/** Elements newer than jsforce's WSDL, per schema type: name → nested schema type (or 'string' for a leaf). */
const ADDED_AFTER_WSDL: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  PermissionSet: {
    customSettingAccesses: 'PermissionSetCustomSettingAccesses',
    externalCredentialPrincipalAccesses: 'PermissionSetExternalCredentialPrincipalAccess',
    emailRoutingAddressAccesses: 'PermissionSetEmailRoutingAddressAccess',
    agentAccesses: 'PermissionSetAgentAccess',
  },
  PermissionSetObjectPermissions: { viewAllFields: 'boolean' },
  CustomPermission: { isLicensed: 'boolean' },
  CustomField: {
    displayLocationInDecimal: 'boolean',
    readOnlyProxy: 'boolean',
    mktDataLakeFieldAttributes: 'any',
    mktDataModelFieldAttributes: 'any',
  },
  CustomObject: { mktDataLakeAttributes: 'any', mktDataModelAttributes: 'any' },
  // The Named Credential model of API 56+ (the WSDL knows only the legacy fields).
  NamedCredential: {
    calloutStatus: 'string',
    description: 'string',
    namedCredentialParameters: 'NamedCredentialParameter',
    namedCredentialType: 'string',
  },
};

const ADDED_TYPES: Readonly<Record<string, SchemaType>> = {
  PermissionSetCustomSettingAccesses: { props: { enabled: 'boolean', name: 'string' } },
  PermissionSetExternalCredentialPrincipalAccess: {
    props: { enabled: 'boolean', externalCredentialPrincipal: 'string' },
  },
  PermissionSetEmailRoutingAddressAccess: { props: { emailRoutingAddress: 'string', enabled: 'boolean' } },
  PermissionSetAgentAccess: { props: { agentName: 'string', enabled: 'boolean' } },
  ExternalCredential: {
    props: {
      authenticationProtocol: 'string',
      description: 'string',
      externalCredentialParameters: 'ExternalCredentialParameter',
      label: 'string',
    },
    extends: 'Metadata',
  },
  ExternalCredentialParameter: {
    props: {
      authProvider: 'string',
      certificate: 'string',
      description: 'string',
      externalAuthIdentityProvider: 'string',
      parameterGroup: 'string',
      parameterName: 'string',
      parameterType: 'string',
      parameterValue: 'string',
      sequenceNumber: 'number',
    },
  },
  NamedCredentialParameter: {
    props: {
      certificate: 'string',
      description: 'string',
      externalCredential: 'string',
      outboundNetworkConnection: 'string',
      parameterName: 'string',
      parameterType: 'string',
      parameterValue: 'string',
      sequenceNumber: 'number',
    },
  },
};

/** Child element name → schema type name of that child ('string', 'boolean', … for leaves; 'any' is not checked). */
function childTypes(typeName: string): ReadonlyMap<string, string> | undefined {
  const type = SCHEMA[typeName] ?? ADDED_TYPES[typeName];
  if (!type) return undefined;
  const inherited = type.extends ? childTypes(type.extends) : undefined;
  const children = new Map<string, string>(inherited);
  for (const [name, declared] of Object.entries(type.props)) {
    const single = Array.isArray(declared) ? declared[0]! : (declared as string);
    children.set(name, single.replace(/^\?/, ''));
  }
  for (const [name, added] of Object.entries(ADDED_AFTER_WSDL[typeName] ?? {})) children.set(name, added);
  return children;
}

export function isKnownMetadataType(typeName: string): boolean {
  return childTypes(typeName) !== undefined;
}

/** Reports every element (at any depth) that the metadata type does not define. */
export function findUnknownElements(root: XmlElement, typeName: string): Violation[] {
  const violations: Violation[] = [];
  const visit = (element: XmlElement, schemaType: string, path: string): void => {
    const allowed = childTypes(schemaType);
    if (!allowed) return; // a leaf (string, boolean, …) or an untyped extension: nothing to compare with
    for (const child of element.children) {
      const childType = allowed.get(child.name);
      const childPath = `${path}/${child.name}`;
      if (childType === undefined) {
        violations.push({
          rule: 'unknown-element',
          line: child.line,
          message:
            `<${child.name}> is not an element of ${schemaType}${path.includes('/') ? ` (in ${path})` : ''}; ` +
            `the deploy fails with "Element ${child.name} invalid at this location". ${suggestion(child.name, [...allowed.keys()])}`,
        });
        continue;
      }
      visit(child, childType, childPath);
    }
  };
  visit(root, typeName, typeName);
  return violations;
}

function suggestion(name: string, allowed: readonly string[]): string {
  const closest = closestMatch(name, allowed);
  if (closest) return `Did you mean <${closest}>?`;
  if (allowed.length <= 15) return `Remove it or use one of: ${[...allowed].sort().join(', ')}.`;
  return 'Remove it, or check the element name in the Metadata API reference.';
}
