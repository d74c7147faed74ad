/**
 * One topic's ordered, append-only event log with time-based retention. It holds each event's encoded Avro payload
 * and a few scalars only (no decoded copies), so a long demo that publishes continuously stays small.
 */

export interface StoredEvent {
  /** Position in the topic; strictly increasing. Encoded for clients by `replay-id.ts`. */
  readonly replayId: number;
  /** Publish time, epoch ms (drives retention). */
  readonly createdAt: number;
  /** The EventUuid: ConsumerEvent.event.id on the wire. */
  readonly eventUuid: string;
  readonly schemaId: string;
  readonly payload: Buffer;
}

export class TopicLog {
  private events: StoredEvent[] = [];
  /** Index of the oldest retained event; dropped slots are compacted away in bulk, not one shift() at a time. */
  private head = 0;
  private lastReplayId: number;

  constructor(firstReplayId = 1) {
    this.lastReplayId = firstReplayId - 1;
  }

  append(event: Omit<StoredEvent, 'replayId'>): StoredEvent {
    const stored: StoredEvent = { ...event, replayId: ++this.lastReplayId };
    this.events.push(stored);
    return stored;
  }

  /** The last replay id ever issued, even if that event has expired since. */
  get latestReplayId(): number {
    return this.lastReplayId;
  }

  get oldest(): StoredEvent | undefined {
    return this.events[this.head];
  }

  get size(): number {
    return this.events.length - this.head;
  }

  /** Drops events created before `cutoff` (epoch ms); returns how many were dropped. */
  dropCreatedBefore(cutoff: number): number {
    const start = this.head;
    while (this.head < this.events.length && this.events[this.head]!.createdAt < cutoff) this.head++;
    const dropped = this.head - start;
    if (this.head > 1024 && this.head * 2 > this.events.length) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }

  /** Up to `max` retained events with a replay id greater than `replayId`, oldest first. */
  readAfter(replayId: number, max: number): StoredEvent[] {
    if (max <= 0) return [];
    let low = this.head;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.events[middle]!.replayId <= replayId) low = middle + 1;
      else high = middle;
    }
    return this.events.slice(low, low + max);
  }
}
