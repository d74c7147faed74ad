/**
 * A secret value that cannot leak by accident: string conversion, JSON, util.inspect (and so console.log and pino)
 * all print `[redacted]`. Only an explicit `reveal()` at the point of use (an HTTP header, a token request) gives
 * the value back, which makes every use easy to find.
 */
const REDACTED = '[redacted]';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}
