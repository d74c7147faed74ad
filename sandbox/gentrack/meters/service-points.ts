import type { z } from 'zod';
import type { meterReadHistoryQuery } from '../../../model/gentrack-api/meter-shapes.js';
import { badRequest, notFound } from '../api-error.js';
import { ReferenceSequence } from '../store/reference-sequence.js';
import type { TenantState } from '../store/tenant-state.js';
import { checkReads, problemPath } from './meter-read-rules.js';
import type { MeterReadRecord, MeterRecord, ProposedRead, ServicePointRecord } from './meter-records.js';

/** Service points (where a utility is supplied), their meters and registers, and the reads of those registers. */
export class ServicePoints {
  private readonly byId = new Map<string, ServicePointRecord>();
  private readonly servicePointIds = new ReferenceSequence('SP');
  private readonly readIds = new ReferenceSequence('MR');

  constructor(private readonly state: TenantState) {}

  /** A service point for an account (or none), with its meters. */
  add(input: {
    accountNumber: string | null;
    utility: ServicePointRecord['utility'];
    meters: MeterRecord[];
  }): ServicePointRecord {
    if (input.accountNumber !== null) this.state.requireAccount(input.accountNumber);
    const record: ServicePointRecord = {
      servicePointId: this.servicePointIds.next(),
      accountNumber: input.accountNumber,
      utility: input.utility,
      status: 'Energised',
      meters: input.meters,
      reads: [],
    };
    this.byId.set(record.servicePointId, record);
    return record;
  }

  require(servicePointId: string): ServicePointRecord {
    const record = this.byId.get(servicePointId);
    if (record === undefined) throw notFound('Service point', servicePointId);
    return record;
  }

  ofAccount(accountNumber: string): ServicePointRecord[] {
    return [...this.byId.values()].filter((record) => record.accountNumber === accountNumber);
  }

  structure(servicePointId: string) {
    const { reads: _reads, meters, ...record } = this.require(servicePointId);
    return {
      ...record,
      meters: meters.map((meter) => ({ ...meter, registers: meter.registers.map((r) => ({ ...r })) })),
    };
  }

  history(servicePointId: string, query: z.output<typeof meterReadHistoryQuery>) {
    const record = this.require(servicePointId);
    const reads = record.reads
      .filter(
        (read) =>
          (query.meterSerialNumber === undefined || read.meterSerialNumber === query.meterSerialNumber) &&
          (query.fromDate === undefined || read.readDate >= query.fromDate) &&
          (query.toDate === undefined || read.readDate <= query.toDate),
      )
      .reverse()
      .slice(0, query.limit ?? 100);
    return { servicePointId, reads: reads.map((read) => ({ ...read })) };
  }

  validate(servicePointId: string, reads: readonly ProposedRead[]) {
    const checked = checkReads(this.require(servicePointId), reads, this.state.today());
    return {
      servicePointId,
      valid: checked.every((result) => result.problems.length === 0),
      results: checked.map(({ read, problems, consumption }) => ({
        meterSerialNumber: read.meterSerialNumber,
        registerId: read.registerId,
        readDate: read.readDate,
        reading: read.reading,
        valid: problems.length === 0,
        consumption,
        problems,
      })),
    };
  }

  /** All or none: one read that fails a rule refuses the batch, naming every problem. */
  submit(servicePointId: string, reads: readonly ProposedRead[]) {
    const record = this.require(servicePointId);
    const checked = checkReads(record, reads, this.state.today());
    const details = checked.flatMap((result, index) =>
      result.problems.map((problem) => ({
        path: problemPath(index, problem.rule),
        message: `${problem.rule}: ${problem.message}`,
      })),
    );
    if (details.length > 0) {
      throw badRequest(
        `The meter reads were refused: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`,
        details,
      );
    }
    const stored = checked.map(({ read, consumption }) => this.store(record, { ...read, consumption }));
    return { body: { servicePointId, reads: stored.map((read) => ({ ...read })) }, entity: servicePointId };
  }

  /** Stores a read that passed the rules (or a seeded one). */
  store(record: ServicePointRecord, read: ProposedRead & { consumption: number | null }): MeterReadRecord {
    const stored: MeterReadRecord = {
      readId: this.readIds.next(),
      meterSerialNumber: read.meterSerialNumber,
      registerId: read.registerId,
      readDate: read.readDate,
      reading: read.reading,
      readType: read.readType ?? 'Customer',
      consumption: read.consumption,
    };
    record.reads.push(stored);
    return stored;
  }

  reset(): void {
    this.byId.clear();
    this.servicePointIds.reset();
    this.readIds.reset();
  }
}
