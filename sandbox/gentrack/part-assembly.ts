/**
 * Fragmented payloads, as the connector reference defines X-Transaction-Part-Number/-Total: the requests sharing one
 * X-Transaction-Id are the parts of ONE request body, cut into pieces. Gentrack holds the parts until all have
 * arrived, then joins them in part order and processes the request once. Every part must be the same operation
 * (method and path) and agree on the part total; a part sent again must be the same text.
 */
import { badRequest } from './api-error.js';

/** One part as it arrived. */
export interface ArrivingPart {
  transactionId: string;
  partNumber: number;
  partTotal: number;
  method: string;
  path: string;
  /** This part's piece of the body, as received. */
  text: string;
}

export type AssemblyOutcome =
  /** Parts are still missing: nothing is processed yet. */
  | { kind: 'held'; received: number[]; partTotal: number }
  /** This part completed the payload: `rawBody` is the parts' texts joined in order. */
  | { kind: 'complete'; rawBody: string; parts: string[] };

interface Assembly {
  method: string;
  path: string;
  parts: (string | undefined)[];
}

const HEADER = 'headers.X-Transaction-Part-Number';

/** Transactions with parts still missing. Bounded: beyond `capacity` the oldest incomplete ones are forgotten. */
export class PartAssemblies {
  private readonly open = new Map<string, Assembly>();

  constructor(readonly capacity = 100_000) {}

  add(part: ArrivingPart): AssemblyOutcome {
    const { transactionId, partNumber, partTotal } = part;
    let assembly = this.open.get(transactionId);
    if (assembly === undefined) {
      assembly = { method: part.method, path: part.path, parts: new Array<string | undefined>(partTotal) };
      this.open.set(transactionId, assembly);
      if (this.open.size > this.capacity) this.open.delete(this.open.keys().next().value!);
    }
    const first = `part ${assembly.parts.findIndex((text) => text !== undefined) + 1}`;
    if (assembly.parts.length !== partTotal) {
      throw refused(
        `transaction ${transactionId}: part ${partNumber} says ${partTotal} parts, but ${first} said ${assembly.parts.length}`,
        'headers.X-Transaction-Part-Total',
      );
    }
    if (assembly.method !== part.method || assembly.path !== part.path) {
      throw refused(
        `transaction ${transactionId}: part ${partNumber} is ${part.method} ${part.path}, but ${first} was ${assembly.method} ${assembly.path}; the parts of a transaction are pieces of one request`,
        HEADER,
      );
    }
    const already = assembly.parts[partNumber - 1];
    if (already !== undefined && already !== part.text) {
      throw refused(`transaction ${transactionId}: part ${partNumber} was sent before with another body`, HEADER);
    }
    assembly.parts[partNumber - 1] = part.text;
    const received = assembly.parts.flatMap((text, index) => (text === undefined ? [] : [index + 1]));
    if (received.length < partTotal) return { kind: 'held', received, partTotal };
    this.open.delete(transactionId);
    const parts = assembly.parts as string[];
    return { kind: 'complete', rawBody: parts.join(''), parts };
  }

  get size(): number {
    return this.open.size;
  }

  clear(): void {
    this.open.clear();
  }
}

function refused(message: string, path: string) {
  return badRequest(message, [{ path, message }]);
}
