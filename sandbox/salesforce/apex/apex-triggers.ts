/**
 * The sandbox org running its real Apex triggers: every DML through the org (REST, collections, Bulk API, the code
 * API) fires the force-app triggers in the Apex runtime, and the platform events they publish reach the event bus
 * when the transaction commits (rolled-back transactions publish nothing). start-sandbox.ts hands them to the event
 * bus the Pub/Sub API serves.
 */
import type { SandboxOrg } from '../org/sandbox-org.js';
import type { SObjectRecord } from '../org/schema.js';
import type { SandboxUser } from '../org/users.js';
import type { ApexRuntime } from './apex-runtime.js';

export type EventSink = (events: Record<string, unknown>[], user: SandboxUser) => void;

export interface ApexTriggers {
  /** EventBus.publish calls the triggers made (rolled-back transactions included), like GentrackCallout.publishCalls. */
  readonly publishCalls: number;
  /** The largest estimated Apex heap at an EventBus.publish of the triggers (heap-estimate.ts), in bytes. */
  readonly heapPeakBytes: number;
  detach(): void;
}

export function runApexTriggers(
  org: SandboxOrg,
  runtime: ApexRuntime,
  eventType: string,
  publish: EventSink,
): ApexTriggers {
  const detachTriggers = runtime.attachTriggers();
  const publishCallsBefore = runtime.bridge.publishCalls;
  const stopListening = org.onEventPublished((batch) => {
    if (batch.eventType !== eventType) return;
    publish(batch.events.map(customFieldsOf), batch.user);
  });
  return {
    get publishCalls() {
      return runtime.bridge.publishCalls - publishCallsBefore;
    },
    get heapPeakBytes() {
      return runtime.interpreter.heapPeakBytes;
    },
    detach() {
      stopListening();
      detachTriggers();
    },
  };
}

/** The event's custom fields: the bus sets CreatedDate, CreatedById and the replay id itself. */
function customFieldsOf(event: SObjectRecord): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([name]) => name.endsWith('__c')));
}
