/**
 * The checks a meter read must pass before Gentrack stores it, as a pure function of the service point's meters,
 * its stored reads and the day. validate-meter-reads reports them; submit-meter-reads refuses a batch with any.
 */
import type { MeterReadRule } from '../../../model/gentrack-api/meter-shapes.js';
import { daysBetween } from '../billing/calendar-dates.js';
import type { MeterReadRecord, ProposedRead, ServicePointRecord } from './meter-records.js';

/** A type, not an interface: answers are checked against loose object shapes, which need an index signature. */
export type ReadProblem = {
  rule: MeterReadRule;
  message: string;
};

export interface CheckedRead {
  read: ProposedRead;
  problems: ReadProblem[];
  /** Since the register's read before (stored or earlier in the batch), times the multiplier; null for a first read. */
  consumption: number | null;
}

/** Average use per day over a register's reads; a new read more than this many times higher is implausible. */
const HIGH_CONSUMPTION_FACTOR = 3;

function averageDailyUse(reads: readonly MeterReadRecord[]): number | undefined {
  if (reads.length < 3) return undefined; // too little history to judge by
  const first = reads[0]!;
  const last = reads.at(-1)!;
  const days = daysBetween(first.readDate, last.readDate);
  return days > 0 ? (last.reading - first.reading) / days : undefined;
}

export function checkReads(
  servicePoint: ServicePointRecord,
  batch: readonly ProposedRead[],
  today: string,
): CheckedRead[] {
  const accepted: MeterReadRecord[] = [];
  return batch.map((read, index) => {
    const problems: ReadProblem[] = [];
    const problem = (rule: MeterReadRule, message: string) => problems.push({ rule, message });
    const meter = servicePoint.meters.find((m) => m.meterSerialNumber === read.meterSerialNumber);
    const register = meter?.registers.find((r) => r.registerId === read.registerId);
    if (meter === undefined) {
      problem(
        'UNKNOWN_METER',
        `meter ${read.meterSerialNumber} is not at service point ${servicePoint.servicePointId}`,
      );
    } else if (register === undefined) {
      problem('UNKNOWN_REGISTER', `meter ${read.meterSerialNumber} has no register ${read.registerId}`);
    }
    if (
      batch
        .slice(0, index)
        .some(
          (other) =>
            other.meterSerialNumber === read.meterSerialNumber &&
            other.registerId === read.registerId &&
            other.readDate === read.readDate,
        )
    ) {
      problem('DUPLICATE_READ', `the batch already has a read of this register on ${read.readDate}`);
    }
    if (read.readDate > today)
      problem('READ_DATE_IN_FUTURE', `the read date ${read.readDate} is after today (${today})`);
    if (register === undefined) return { read, problems, consumption: null };

    const history = [...servicePoint.reads, ...accepted].filter(
      (stored) => stored.meterSerialNumber === read.meterSerialNumber && stored.registerId === read.registerId,
    );
    const previous = history.at(-1);
    if (
      previous !== undefined &&
      read.readDate <= previous.readDate &&
      !problems.some((p) => p.rule === 'DUPLICATE_READ')
    ) {
      problem(
        'READ_DATE_NOT_AFTER_LAST_READ',
        `the register's last read is of ${previous.readDate}; a new read must be later`,
      );
    }
    const maximum = 10 ** register.dials - 1;
    if (read.reading > maximum) {
      problem('READING_EXCEEDS_DIALS', `the register has ${register.dials} dials: readings go up to ${maximum}`);
    }
    let consumption: number | null = null;
    if (previous !== undefined) {
      if (read.reading < previous.reading) {
        problem(
          'READING_BELOW_PREVIOUS',
          `the reading ${read.reading} is below the last reading, ${previous.reading} on ${previous.readDate}`,
        );
      } else {
        consumption = (read.reading - previous.reading) * register.multiplier;
        const average = averageDailyUse(history);
        const days = daysBetween(previous.readDate, read.readDate);
        if (
          problems.length === 0 &&
          average !== undefined &&
          days > 0 &&
          (read.reading - previous.reading) / days > HIGH_CONSUMPTION_FACTOR * average
        ) {
          problem(
            'HIGH_CONSUMPTION',
            `${((read.reading - previous.reading) / days).toFixed(1)} ${register.unit} a day is more than ${HIGH_CONSUMPTION_FACTOR} times this register's average of ${average.toFixed(1)}`,
          );
        }
      }
    }
    if (problems.length === 0) {
      accepted.push({ ...read, readId: '', readType: read.readType ?? 'Customer', consumption });
    }
    return { read, problems, consumption };
  });
}

/** Where in the request body a problem lies, for a 400's details. */
export function problemPath(index: number, rule: MeterReadRule): string {
  const field =
    rule === 'UNKNOWN_METER'
      ? 'meterSerialNumber'
      : rule === 'UNKNOWN_REGISTER'
        ? 'registerId'
        : rule === 'DUPLICATE_READ' || rule.startsWith('READ_DATE')
          ? 'readDate'
          : 'reading';
  return `reads.${index}.${field}`;
}
