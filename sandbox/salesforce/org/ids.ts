/**
 * Salesforce record ids: 3-character key prefix, 12 more case-sensitive characters, then a 3-character suffix that
 * makes the 18-character form unique even when compared case-insensitively.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The 3-character suffix: for each 5-character block, a bit per upper-case letter, read as an index. */
export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let block = 0; block < 3; block++) suffix += SUFFIX_ALPHABET[suffixIndex(id15, block)];
  return suffix;
}

/** The suffix character's index for one 5-character block of an id's first 15 characters (text or character codes). */
function suffixIndex(id: string | readonly number[], block: number): number {
  let bits = 0;
  for (let position = 0; position < 5; position++) {
    const char = typeof id === 'string' ? id.charCodeAt(block * 5 + position) : id[block * 5 + position]!;
    if (char >= 65 && char <= 90) bits |= 1 << position;
  }
  return bits;
}

export function isWellFormedId(value: string): boolean {
  return toId18(value) !== undefined;
}

/**
 * The canonical 18-character form of a 15- or 18-character id, or undefined if the value is no id at all. An
 * 18-character id may arrive with its case changed (it is meant to survive that): the suffix restores the case.
 */
export function toId18(value: string): string | undefined {
  if (value.length === 18 && isCanonicalId18(value)) return value;
  if (!ID_PATTERN.test(value)) return undefined;
  if (value.length === 15) return value + caseSafeSuffix(value);
  const suffix = value.slice(15).toUpperCase();
  let id15 = '';
  for (let block = 0; block < 3; block++) {
    const bits = SUFFIX_ALPHABET.indexOf(suffix[block]!);
    if (bits < 0) return undefined;
    for (let position = 0; position < 5; position++) {
      const char = value[block * 5 + position]!;
      id15 += bits & (1 << position) ? char.toUpperCase() : char.toLowerCase();
    }
  }
  // A digit where the suffix announces an upper-case letter: not an id.
  return caseSafeSuffix(id15) === suffix ? id15 + suffix : undefined;
}

/** An 18-character id exactly as this module writes it (alphanumeric, suffix matching the case): the common case, checked without allocating. */
function isCanonicalId18(value: string): boolean {
  for (let index = 0; index < 15; index++) {
    const char = value.charCodeAt(index);
    if (!((char >= 48 && char <= 57) || (char >= 65 && char <= 90) || (char >= 97 && char <= 122))) return false;
  }
  for (let block = 0; block < 3; block++) {
    if (value.charCodeAt(15 + block) !== SUFFIX_ALPHABET.charCodeAt(suffixIndex(value, block))) return false;
  }
  return true;
}

const BASE62_VALUE = new Int8Array(128).fill(-1);
for (let index = 0; index < BASE62.length; index++) BASE62_VALUE[BASE62.charCodeAt(index)] = index;

/**
 * The sequence number an IdSequence minted into an 18-character id (its 9 base-62 characters after prefix and pod),
 * or undefined when the id cannot be one of them. The record store keys its tables and reference indexes by it
 * (sequence-table.ts): an array slot found by number, not an 18-character string hashed in a table of millions.
 */
export function mintedSequence(id: string): number | undefined {
  if (id.length !== 18) return undefined;
  let sequence = 0;
  for (let index = 6; index < 15; index++) {
    const code = id.charCodeAt(index);
    const digit = code < 128 ? BASE62_VALUE[code]! : -1;
    if (digit < 0) return undefined;
    sequence = sequence * 62 + digit;
  }
  return sequence;
}

export function keyPrefixOf(id: string): string {
  return id.slice(0, 3);
}

/**
 * Mints ids in sequence: prefix + a pod-like "8d0" + a 9-character base-62 counter, like a real org's ids. The id is
 * built as character codes and made one flat string: built by concatenation it would be a chain of a dozen
 * strings, flattened again by the first map that hashes it (a bulk load mints millions).
 */
export class IdSequence {
  private next = 1;
  private readonly codes = new Array<number>(18).fill(0);

  constructor(private readonly pod = '8d0') {}

  mint(keyPrefix: string): string {
    const codes = this.codes;
    for (let index = 0; index < 3; index++) {
      codes[index] = keyPrefix.charCodeAt(index);
      codes[3 + index] = this.pod.charCodeAt(index);
    }
    let counter = this.next++;
    for (let index = 14; index >= 6; index--) {
      codes[index] = BASE62.charCodeAt(counter % 62);
      counter = Math.floor(counter / 62);
    }
    for (let block = 0; block < 3; block++) codes[15 + block] = SUFFIX_ALPHABET.charCodeAt(suffixIndex(codes, block));
    return String.fromCharCode(...codes);
  }
}

/** Key prefixes for custom objects, in the ranges Salesforce uses: `a00`.. for objects and settings, `e00`.. for events. */
export function customKeyPrefix(kind: 'object' | 'event', index: number): string {
  const first = kind === 'event' ? 'e' : 'a';
  return first + BASE62[Math.floor(index / 62) % 62] + BASE62[index % 62];
}
