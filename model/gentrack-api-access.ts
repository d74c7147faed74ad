/**
 * The resolved `gentrackApi` section: the operations Salesforce may call through the relay's gateway, as the relay
 * enforces them and the Apex client GentrackApi is generated from.
 */
import type { GentrackApiOperationName, GentrackHttpMethod } from './gentrack-operations.js';

export interface GentrackApiAccess {
  /** Every operation of the table, in table order, with whether Salesforce may call it. */
  readonly operations: readonly GentrackApiOperationAccess[];
  /** The Account page's billing summary (LWC gentrackAccountSummary); absent when the model asks for none. */
  readonly accountSummary?: AccountSummarySettings;
}

export interface GentrackApiOperationAccess {
  readonly name: GentrackApiOperationName;
  readonly method: GentrackHttpMethod;
  /** Below Gentrack's base URI and below the gateway's /v1/gentrack. */
  readonly path: string;
  readonly allowed: boolean;
  /** Seconds the gateway may answer a repeated GET from its cache; 0 for writes and uncached reads. */
  readonly cacheSeconds: number;
}

export interface AccountSummarySettings {
  readonly bills: number;
  readonly payments: number;
}

/** The model setting that opens or closes an operation, as refusals name it. */
export function allowSettingOf(name: string): string {
  return `gentrackApi.operations.${name}.allow`;
}

export function allowedOperations(access: GentrackApiAccess | undefined): readonly GentrackApiOperationAccess[] {
  return access?.operations.filter((operation) => operation.allowed) ?? [];
}
