/**
 * The event types Gentrack's webhooks carry (the Event Model Reference), so the connector model's `inbound.events`
 * can refuse a misspelt one at load time instead of dead-lettering every real event of that type at run time.
 */
export const GENTRACK_EVENT_TYPES = [
  'quote-created',
  'quote-updated',
  'quote-ready',
  'quote-accepted',
  'quote-cancelled',
  'contract-created',
  'contract-active',
  'contract-completed',
  'contract-cancelled',
  'switch-gain-started',
  'switch-gain-finished',
  'switch-gain-cancelled',
  'switch-gain-objected',
  'switch-loss-started',
  'switch-loss-cancelled',
  'switch-loss-finished',
  'location-address-updated',
  'service-created',
  'service-point-updated',
  'service-location-updated',
  'service-address-updated',
  'service-classification-updated',
  'metering-updated',
] as const;

export type GentrackEventType = (typeof GENTRACK_EVENT_TYPES)[number];

/** The events Gentrack marks as publishable to Salesforce out of the box. */
export const PUBLISHABLE_EVENT_TYPES: readonly GentrackEventType[] = [
  'switch-loss-started',
  'switch-loss-cancelled',
  'switch-loss-finished',
];

export function isGentrackEventType(value: string): value is GentrackEventType {
  return (GENTRACK_EVENT_TYPES as readonly string[]).includes(value);
}
