/**
 * The Account page's Gentrack billing summary: the LWC gentrackAccountSummary (with its Jest tests) and its Apex
 * controller GentrackAccountSummaryController (with its test), which reads through the generated GentrackApi.
 * Generated when the model's gentrackApi has an accountSummary; the generated Account record page shows it.
 */
import {
  ACCOUNT_SUMMARY_COMPONENT,
  ACCOUNT_SUMMARY_CONTROLLER_CLASS,
  CONNECTOR_USER_PERMISSION_SET,
  EXTERNAL_ID_FIELD,
  GENTRACK_API_CLASS,
  RELAY_NAMED_CREDENTIAL,
} from '../../model/connector-fields.js';
import { triggerHandlerNameOf } from '../../model/apex-names.js';
import type { ConnectorModel } from '../../model/connector-model.js';
import type { GeneratedFile } from '../generated-file.js';
import type { Renderer } from '../render.js';
import { apexClass } from './apex.js';
import { renderLwcBundle } from './lwc-bundle.js';
import { apexIdentifier } from './gentrack-api/apex-shapes.js';
import { gentrackApiClientOf, type GentrackApiClient } from './gentrack-api/render-gentrack-api.js';

/** The class GentrackApi gives `operation` answers in, and the element class of its list property `property`. */
function classesOf(client: GentrackApiClient, operation: string, property?: string) {
  const method = client.methods.find((candidate) => candidate.operation === operation);
  if (!method) throw new Error(`the Account summary needs ${operation} in GentrackApi`);
  const response = client.classes.find((shape) => shape.name === method.responseClass)!;
  const field =
    property === undefined ? undefined : response.fields.find((candidate) => candidate.jsonName === property);
  if (property !== undefined && (field?.type.kind !== 'list' || field.type.of.kind !== 'class')) {
    throw new Error(`the Account summary reads ${operation}'s ${property} as a list of records`);
  }
  return {
    response: method.responseClass,
    query: method.queryClass,
    element: field?.type.kind === 'list' && field.type.of.kind === 'class' ? field.type.of.name : undefined,
  };
}

export async function renderAccountSummary(model: ConnectorModel, renderer: Renderer): Promise<GeneratedFile[]> {
  const client = gentrackApiClientOf(model);
  const settings = model.gentrackApi?.accountSummary;
  if (!client || !settings) return [];
  const bills = classesOf(client, 'get-account-bills', 'bills');
  const transactions = classesOf(client, 'get-financial-transactions', 'transactions');
  const view = {
    component: ACCOUNT_SUMMARY_COMPONENT,
    controller: ACCOUNT_SUMMARY_CONTROLLER_CLASS,
    apiClass: GENTRACK_API_CLASS,
    namedCredential: RELAY_NAMED_CREDENTIAL,
    externalIdField: EXTERNAL_ID_FIELD,
    connectorUserPermissionSet: CONNECTOR_USER_PERMISSION_SET,
    triggerHandler: triggerHandlerNameOf(model),
    apiVersion: model.apiVersion,
    bills: settings.bills,
    payments: settings.payments,
    balanceClass: classesOf(client, 'get-account-balance').response,
    billClass: bills.element,
    billsQueryClass: bills.query,
    transactionClass: transactions.element,
    transactionsQueryClass: transactions.query,
    arrangementClass: classesOf(client, 'get-payment-arrangements', 'paymentArrangements').element,
    meterReadClass: classesOf(client, 'get-bill-meter-reads', 'meterReads').element,
    // Gentrack's property names that Apex reserves, as GentrackApi names its fields.
    limitField: apexIdentifier('limit'),
    typeField: apexIdentifier('type'),
    dateField: apexIdentifier('date'),
    currencyField: apexIdentifier('currency'),
  };
  return (
    await Promise.all([
      apexClass(renderer, model, ACCOUNT_SUMMARY_CONTROLLER_CLASS, view),
      apexClass(renderer, model, `${ACCOUNT_SUMMARY_CONTROLLER_CLASS}Test`, view),
      renderLwcBundle(renderer, ACCOUNT_SUMMARY_COMPONENT, view),
    ])
  ).flat();
}
