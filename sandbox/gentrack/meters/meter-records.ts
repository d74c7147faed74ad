import type { METER_READ_TYPES, UTILITIES } from '../../../model/gentrack-api/meter-shapes.js';

export interface RegisterRecord {
  registerId: string;
  description: string;
  unit: string;
  /** Readings go up to 10^dials - 1. */
  dials: number;
  multiplier: number;
}

export interface MeterRecord {
  meterSerialNumber: string;
  meterType: string;
  installedOn: string;
  registers: RegisterRecord[];
}

export interface MeterReadRecord {
  readId: string;
  meterSerialNumber: string;
  registerId: string;
  readDate: string;
  reading: number;
  readType: (typeof METER_READ_TYPES)[number];
  consumption: number | null;
}

export interface ServicePointRecord {
  servicePointId: string;
  accountNumber: string | null;
  utility: (typeof UTILITIES)[number];
  status: 'Energised' | 'De-energised';
  meters: MeterRecord[];
  /** Oldest first. */
  reads: MeterReadRecord[];
}

/** A read as a caller proposes it (validate-meter-reads, submit-meter-reads). */
export interface ProposedRead {
  meterSerialNumber: string;
  registerId: string;
  readDate: string;
  reading: number;
  readType?: MeterReadRecord['readType'] | undefined;
}
