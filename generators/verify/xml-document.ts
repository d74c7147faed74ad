/**
 * Metadata XML as a small element tree that remembers the line of every element, so a rule can say where it failed.
 *
 * SDR's own parser is lenient (it closes an unclosed tag and carries on), so well-formedness is checked here first.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface XmlElement {
  readonly name: string;
  readonly line: number;
  readonly attributes: Readonly<Record<string, string>>;
  /** Trimmed text content; '' for an element with only children or nothing. */
  readonly text: string;
  readonly children: readonly XmlElement[];
}

export class XmlSyntaxError extends Error {
  readonly code = 'XML_SYNTAX';

  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const TEXT = '#text';
const ATTRIBUTES = ':@';
const ATTRIBUTE_PREFIX = '@_';

const parser = new XMLParser({
  preserveOrder: true,
  captureMetaData: true,
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  // Values stay strings: '62.0' must not become 62 and 'true' must not become a boolean.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  commentPropName: false,
});
// Typed as `Symbol` (the wrapper) by fast-xml-parser; it is a plain symbol at run time.
const METADATA = XMLParser.getMetaDataSymbol() as unknown as symbol;

type OrderedNode = Record<string | symbol, unknown>;

/** Parses a whole document and returns its root element, or throws XmlSyntaxError. */
export function parseXmlDocument(text: string): XmlElement {
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    throw new XmlSyntaxError(validation.err.msg, validation.err.line);
  }
  const lineStarts = lineStartOffsets(text);
  const nodes = parser.parse(text) as OrderedNode[];
  const roots = nodes.map((node) => toElement(node, lineStarts)).filter((node) => node !== undefined);
  const root = roots[0];
  if (!root || roots.length > 1) {
    throw new XmlSyntaxError(`expected exactly one root element, found ${roots.length}`, 1);
  }
  return root;
}

function toElement(node: OrderedNode, lineStarts: readonly number[]): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ATTRIBUTES);
  if (name === undefined || name === TEXT) return undefined;
  const content = (node[name] ?? []) as OrderedNode[];
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries((node[ATTRIBUTES] ?? {}) as Record<string, unknown>)) {
    attributes[key.slice(ATTRIBUTE_PREFIX.length)] = String(value);
  }
  const texts: string[] = [];
  const children: XmlElement[] = [];
  for (const child of content) {
    if (TEXT in child) texts.push(String(child[TEXT]));
    const element = toElement(child, lineStarts);
    if (element) children.push(element);
  }
  const metadata = node[METADATA] as { startIndex?: number } | undefined;
  return { name, line: lineOf(metadata?.startIndex, lineStarts), attributes, text: texts.join('').trim(), children };
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let index = 0; index < text.length; index++) {
    if (text[index] === '\n') starts.push(index + 1);
  }
  return starts;
}

function lineOf(offset: number | undefined, lineStarts: readonly number[]): number {
  if (offset === undefined) return 1;
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (lineStarts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/** The first child element with this name. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((candidate) => candidate.name === name);
}

/** The text of the first child element with this name. */
export function childText(element: XmlElement, name: string): string | undefined {
  return child(element, name)?.text;
}

/** Every child element with this name (repeated elements such as <fieldPermissions>). */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((candidate) => candidate.name === name);
}
