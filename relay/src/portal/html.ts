/**
 * Server-rendered HTML without a template engine: `html` is a tagged template that escapes every interpolated value
 * unless it is already HTML (another `html` result), so a page cannot be broken, or scripted, by what it shows (a
 * dead letter's payload, a user name). Lists of fragments are joined; null, undefined and false render nothing.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Markup that is safe to insert as it is. Only `html` and `rawHtml` make one. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let text = strings[0]!;
  values.forEach((value, index) => {
    text += render(value) + strings[index + 1]!;
  });
  return new Html(text);
}

/** Markup made by this program (e.g. an SVG chart built from numbers): never pass text that came from outside. */
export function rawHtml(markup: string): Html {
  return new Html(markup);
}
