/**
 * UTF-8 bytes to text, chunk by chunk, a character split between chunks completed by the next. Node's StringDecoder,
 * not TextDecoder: it decodes an extract about twice as fast. A byte order mark at the start (Excel and other Windows
 * tools write one) is dropped, as TextDecoder drops it.
 */
import { StringDecoder } from 'node:string_decoder';

const BYTE_ORDER_MARK = 0xfeff;

export class Utf8Chunks {
  private readonly decoder = new StringDecoder('utf8');
  private atStart = true;

  text(chunk: Buffer): string {
    return this.withoutMark(this.decoder.write(chunk));
  }

  /** What is left of an incomplete last character (as U+FFFD). */
  end(): string {
    return this.withoutMark(this.decoder.end());
  }

  private withoutMark(text: string): string {
    if (!this.atStart || text === '') return text;
    this.atStart = false;
    return text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  }
}
