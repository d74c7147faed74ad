/** System.Pattern and System.Matcher over JS regular expressions (Java syntax the generated Apex uses is compatible). */
import type { Site } from '../ast.js';
import type { Interpreter } from '../interpreter.js';
import { NativeObject, type Value } from '../values.js';

/** Java regex -> JS source: the common subset is the same; possessive and atomic groups are refused. */
export function javaRegex(source: string): string {
  if (/\(\?>|[*+?}]\+/.test(source)) throw new Error(`regex construct not supported: ${source}`);
  return source;
}

export function compilePattern(source: string): NativeObject {
  return new NativeObject('Pattern', { source, regex: new RegExp(javaRegex(source), 'g') });
}

export function patternMethod(
  interpreter: Interpreter,
  pattern: NativeObject,
  method: string,
  args: Value[],
  site: Site,
): Value | undefined {
  if (method === 'matcher') {
    if (typeof args[0] !== 'string')
      return args[0] === null
        ? interpreter.nullDereference(site)
        : interpreter.unsupported('Pattern.matcher of a non-String', site);
    return new NativeObject('Matcher', {
      source: pattern.state['source'],
      text: args[0],
      regex: new RegExp(pattern.state['source'] as string, 'g'),
      match: null,
    });
  }
  if (method === 'pattern') return pattern.state['source'] as string;
  return undefined;
}

export function matcherMethod(
  interpreter: Interpreter,
  matcher: NativeObject,
  method: string,
  args: Value[],
  site: Site,
): Value | undefined {
  const state = matcher.state as { source: string; text: string; regex: RegExp; match: RegExpExecArray | null };
  const current = () => state.match ?? interpreter.fail('StringException', 'No match found', site);
  switch (method) {
    case 'find':
      state.match = state.regex.exec(state.text);
      if (state.match && state.match[0] === '') state.regex.lastIndex++;
      return state.match !== null;
    case 'matches': {
      state.match = new RegExp(`^(?:${state.source})$`).exec(state.text);
      return state.match !== null;
    }
    case 'start':
      return current().index;
    case 'end':
      return current().index + current()[0].length;
    case 'group': {
      const index = args.length === 0 ? 0 : (args[0] as number);
      return current()[index] ?? null;
    }
    case 'groupcount':
      return new RegExp(`${state.source}|`).exec('')!.length - 1;
    default:
      return undefined;
  }
}
