/**
 * config/pmd-justifications.yaml: PMD findings a person reviewed and accepted, each with the reason.
 *
 * The file cannot rot: an entry without a reason is a finding, and so is an entry that no longer matches any PMD
 * finding (the code changed, so the justification must be removed or revisited).
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';

export const DEFAULT_JUSTIFICATIONS_FILE = 'config/pmd-justifications.yaml';

export interface Justification {
  readonly rule: string;
  /** Glob relative to the project root: `*` within a folder, `**` across folders. */
  readonly file: string;
  readonly reason: string;
  /** Line of the entry in the justifications file. */
  readonly line: number;
}

export interface JustificationProblem {
  readonly rule: 'invalid-justifications-file' | 'justification-without-reason';
  readonly message: string;
  readonly line?: number;
}

const entrySchema = z.strictObject({
  rule: z.string().min(1),
  file: z.string().min(1),
  reason: z.string().nullish(),
});

/** Reads the file; a missing file means no justifications. */
export async function loadJustifications(
  absolutePath: string,
): Promise<{ justifications: Justification[]; problems: JustificationProblem[] }> {
  let text: string;
  try {
    text = await readFile(absolutePath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { justifications: [], problems: [] };
    throw error;
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length > 0) {
    const first = document.errors[0]!;
    return {
      justifications: [],
      problems: [
        {
          rule: 'invalid-justifications-file',
          line: lineCounter.linePos(first.pos[0]).line,
          message: `not valid YAML: ${first.message.split('\n')[0]}`,
        },
      ],
    };
  }
  const contents = document.contents;
  if (contents === null) return { justifications: [], problems: [] };
  const items =
    'items' in contents && Array.isArray(contents.items)
      ? (contents.items as { range?: [number, number, number] }[])
      : undefined;
  const value: unknown = document.toJS();
  if (!Array.isArray(value) || !items) {
    return {
      justifications: [],
      problems: [
        {
          rule: 'invalid-justifications-file',
          line: 1,
          message: 'must be a YAML list of { rule, file, reason } entries',
        },
      ],
    };
  }

  const justifications: Justification[] = [];
  const problems: JustificationProblem[] = [];
  value.forEach((entry, index) => {
    const range = items[index]?.range;
    const line = range ? lineCounter.linePos(range[0]).line : 1;
    const parsed = entrySchema.safeParse(entry);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`)
        .join('; ');
      problems.push({
        rule: 'invalid-justifications-file',
        line,
        message: `entry ${index + 1} is not { rule, file, reason }: ${issues}`,
      });
      return;
    }
    const reason = parsed.data.reason?.trim() ?? '';
    if (reason === '') {
      problems.push({
        rule: 'justification-without-reason',
        line,
        message: `the justification of ${parsed.data.rule} for ${parsed.data.file} has no reason, so it justifies nothing; say why the finding is acceptable`,
      });
      return;
    }
    justifications.push({ rule: parsed.data.rule, file: parsed.data.file, reason, line });
  });
  return { justifications, problems };
}

export function justificationMatches(justification: Justification, rule: string, file: string): boolean {
  return justification.rule === rule && globToRegExp(justification.file).test(file);
}

/** `**` spans folders, `*` and `?` stay within one; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (char === '*' && glob[index + 1] === '*') {
      const slashFollows = glob[index + 2] === '/';
      pattern += slashFollows ? '(?:.*/)?' : '.*';
      index += slashFollows ? 2 : 1;
    } else if (char === '*') {
      pattern += '[^/]*';
    } else if (char === '?') {
      pattern += '[^/]';
    } else {
      pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${pattern}$`);
}
