/**
 * Progress of a run for the person watching: in a terminal, one line redrawn in place (a bar, records done of the
 * total, the rate, the stage); elsewhere (CI, a log file) plain lines at each stage and every few seconds.
 */
export interface Progress {
  /** The number of extract records the run will go through (an estimate is fine). */
  setTotal(total: number): void;
  stage(name: string): void;
  /** Records finished (loaded, refused, skipped as unchanged or unreadable). */
  advance(records: number): void;
  /** A line of its own, e.g. a warning. */
  note(text: string): void;
  end(): void;
}

export interface ProgressOptions {
  /** Redraw one line in place; default: whether the stream is a terminal. */
  readonly tty?: boolean;
  /** Plain mode: a line at most this often while records advance (default 5 s). */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

export function createProgress(
  stream: { write(text: string): unknown; isTTY?: boolean },
  options: ProgressOptions = {},
): Progress {
  const tty = options.tty ?? stream.isTTY === true;
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 5_000;
  let total = 0;
  let done = 0;
  let stageName = '';
  let stageStart = now();
  let stageDone = 0;
  let lastDraw = 0;
  let drawn = false;

  const status = () => {
    const elapsed = Math.max(now() - stageStart, 1) / 1000;
    const rate = Math.round(stageDone / elapsed);
    const of = total > 0 ? ` of ${format(total)}` : '';
    const percent = total > 0 ? ` (${Math.min(100, Math.floor((100 * done) / total))}%)` : '';
    // At the current stage's rate: later stages (contacts, relations) differ, so it is an estimate, said as one.
    const eta = total > done && rate > 0 ? `, about ${duration((total - done) / rate)} left` : '';
    return `${stageName}: ${format(done)}${of} records${percent}, ${format(rate)} records/s${eta}`;
  };
  const draw = (force: boolean) => {
    const time = now();
    if (!force && time - lastDraw < (tty ? REDRAW_MS : intervalMs)) return;
    lastDraw = time;
    if (tty) {
      const filled = total > 0 ? Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * done) / total)) : 0;
      stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${status()}`);
      drawn = true;
    } else {
      stream.write(`${status()}\n`);
    }
  };
  const clearLine = () => {
    if (tty && drawn) stream.write('\r\x1b[K');
    drawn = false;
  };

  return {
    setTotal(value) {
      total = value;
    },
    stage(name) {
      clearLine();
      stageName = name;
      stageStart = now();
      stageDone = 0;
      stream.write(`== ${name}\n`);
      lastDraw = now();
    },
    advance(records) {
      done += records;
      stageDone += records;
      draw(false);
    },
    note(text) {
      clearLine();
      stream.write(`${text}\n`);
    },
    end() {
      if (tty) {
        clearLine();
      }
    },
  };
}

/** 42 s, 3 min 5 s, 1 h 20 min. */
export function duration(seconds: number): string {
  const whole = Math.max(1, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
  return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`;
}

function format(value: number): string {
  return value.toLocaleString('en-US');
}

/** A Progress that shows nothing (library use, tests). */
export const silentProgress: Progress = { setTotal() {}, stage() {}, advance() {}, note() {}, end() {} };
