/** System.String (Apex Reference Guide, "String Class"): the instance and static methods the generated Apex uses. */
import type { Site } from '../ast.js';
import type { Interpreter } from '../interpreter.js';
import { ApexBlob, ApexList, ApexSet, STRING_TYPE, type Value } from '../values.js';
import { javaRegex } from './patterns.js';

const NOT_FOUND = Symbol('not found');

function int(interpreter: Interpreter, value: Value, site: Site): number {
  if (value === null) interpreter.nullDereference(site);
  if (typeof value !== 'number')
    interpreter.unsupported(`non-Integer argument ${interpreter.runtimeTypeName(value)}`, site);
  return value;
}

function str(interpreter: Interpreter, value: Value, site: Site): string {
  if (value === null) interpreter.nullDereference(site);
  if (typeof value !== 'string')
    interpreter.unsupported(`non-String argument ${interpreter.runtimeTypeName(value)}`, site);
  return value;
}

function outOfRange(interpreter: Interpreter, text: string, start: number, end: number, site: Site): never {
  return interpreter.fail('StringException', `Ending position out of bounds: ${end}`, site);
  void text;
  void start;
}

export function stringMethod(
  interpreter: Interpreter,
  text: string,
  method: string,
  args: Value[],
  site: Site,
): Value | typeof NOT_FOUND {
  switch (method) {
    case 'length':
      return text.length;
    case 'tolowercase':
      return text.toLowerCase();
    case 'touppercase':
      return text.toUpperCase();
    case 'trim':
      return text.trim();
    case 'equals':
      return typeof args[0] === 'string' && args[0] === text;
    case 'equalsignorecase':
      return typeof args[0] === 'string' && args[0].toLowerCase() === text.toLowerCase();
    case 'contains':
      return text.includes(str(interpreter, args[0]!, site));
    case 'containsignorecase':
      return text.toLowerCase().includes(str(interpreter, args[0]!, site).toLowerCase());
    case 'startswith':
      return text.startsWith(str(interpreter, args[0]!, site));
    case 'endswith':
      return text.endsWith(str(interpreter, args[0]!, site));
    case 'indexof':
      return text.indexOf(
        str(interpreter, args[0]!, site),
        args[1] === undefined ? 0 : int(interpreter, args[1]!, site),
      );
    case 'charat': {
      const index = int(interpreter, args[0]!, site);
      if (index < 0 || index >= text.length) interpreter.fail('StringException', `Invalid index ${index}`, site);
      return text.charCodeAt(index);
    }
    case 'substring': {
      const start = int(interpreter, args[0]!, site);
      const end = args[1] === undefined ? text.length : int(interpreter, args[1]!, site);
      if (start < 0 || end > text.length || start > end) {
        if (end > text.length) outOfRange(interpreter, text, start, end, site);
        interpreter.fail('StringException', `Starting position out of bounds: ${start}`, site);
      }
      return text.substring(start, end);
    }
    // As Apache Commons' StringUtils, which the Apex Reference's examples follow: substringBefore gives the whole
    // text when the separator is missing, substringAfter gives ''; a null separator gives the whole text and ''.
    case 'substringbefore': {
      const separator = args[0] ?? null;
      if (separator === null) return text;
      const at = text.indexOf(str(interpreter, separator, site));
      return at < 0 ? text : text.slice(0, at);
    }
    case 'substringafter': {
      const separator = args[0] ?? null;
      if (separator === null) return '';
      const found = str(interpreter, separator, site);
      const at = text.indexOf(found);
      return at < 0 ? '' : text.slice(at + found.length);
    }
    case 'left': {
      const length = int(interpreter, args[0]!, site);
      return length < 0 ? '' : text.slice(0, length);
    }
    case 'right': {
      const length = int(interpreter, args[0]!, site);
      return length <= 0 ? '' : text.slice(-length);
    }
    case 'repeat': {
      const count = int(interpreter, args[args.length - 1]!, site);
      return args.length === 2
        ? Array(count)
            .fill(text)
            .join(str(interpreter, args[0]!, site))
        : text.repeat(Math.max(0, count));
    }
    case 'abbreviate': {
      // "Returns an abbreviated version of the String, of the specified length and with ellipses appended".
      const width = int(interpreter, args[0]!, site);
      if (width < 4) interpreter.fail('StringException', 'Minimum abbreviation width is 4', site);
      return text.length <= width ? text : `${text.slice(0, width - 3)}...`;
    }
    case 'leftpad':
    case 'rightpad': {
      const length = int(interpreter, args[0]!, site);
      const pad = args[1] === undefined ? ' ' : str(interpreter, args[1]!, site);
      return method === 'leftpad' ? text.padStart(length, pad) : text.padEnd(length, pad);
    }
    case 'replace':
      return text.split(str(interpreter, args[0]!, site)).join(str(interpreter, args[1]!, site));
    case 'replaceall':
      return text.replace(
        new RegExp(javaRegex(str(interpreter, args[0]!, site)), 'g'),
        str(interpreter, args[1]!, site).replace(/\$(\d)/g, '$$$1'),
      );
    case 'split': {
      const parts = text.split(new RegExp(javaRegex(str(interpreter, args[0]!, site))));
      // Java drops trailing empty strings.
      while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
      return new ApexList(STRING_TYPE, parts);
    }
    case 'isempty':
      return text.length === 0;
    case 'isblank':
      return text.trim().length === 0;
    case 'isnotblank':
      return text.trim().length > 0;
    case 'capitalize':
      return text.charAt(0).toUpperCase() + text.slice(1);
    case 'getsobjecttype':
      return NOT_FOUND;
    case 'tostring':
      return text;
    case 'hashcode': {
      let hash = 0;
      for (let index = 0; index < text.length; index++) hash = (Math.imul(31, hash) + text.charCodeAt(index)) | 0;
      return hash;
    }
    case 'compareto':
      return text < str(interpreter, args[0]!, site) ? -1 : text > (args[0] as string) ? 1 : 0;
    default:
      return NOT_FOUND;
  }
}

export function stringStatic(
  interpreter: Interpreter,
  method: string,
  args: Value[],
  site: Site,
): Value | typeof NOT_FOUND {
  switch (method) {
    case 'valueof':
      return args[0] === null ? 'null' : interpreter.toApexString(args[0]!);
    case 'isblank':
      return args[0] === null || (typeof args[0] === 'string' && args[0].trim() === '');
    case 'isnotblank':
      return !(args[0] === null || (typeof args[0] === 'string' && args[0].trim() === ''));
    case 'isempty':
      return args[0] === null || args[0] === '';
    case 'isnotempty':
      return !(args[0] === null || args[0] === '');
    case 'join': {
      const collection = args[0]!;
      const separator = str(interpreter, args[1]!, site);
      if (collection === null) interpreter.nullDereference(site);
      const items =
        collection instanceof ApexList
          ? collection.items
          : collection instanceof ApexSet
            ? [...collection.members.values()]
            : interpreter.unsupported('String.join of a non-collection', site);
      return items.map((item) => interpreter.toApexString(item)).join(separator);
    }
    case 'fromchararray': {
      const list = args[0];
      if (!(list instanceof ApexList)) return interpreter.unsupported('String.fromCharArray of a non-list', site);
      return String.fromCodePoint(...list.items.map((item) => int(interpreter, item, site)));
    }
    case 'escapesinglequotes':
      return str(interpreter, args[0]!, site).replace(/'/g, "\\'");
    default:
      return NOT_FOUND;
  }
}

export function blobMethod(
  interpreter: Interpreter,
  blob: ApexBlob,
  method: string,
  site: Site,
): Value | typeof NOT_FOUND {
  switch (method) {
    case 'tostring':
      return blob.bytes.toString('utf8');
    case 'size':
      return blob.bytes.length;
    default:
      void interpreter;
      void site;
      return NOT_FOUND;
  }
}

export { NOT_FOUND };
