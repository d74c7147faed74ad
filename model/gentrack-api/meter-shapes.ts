/**
 * Service points: meter structure, meter-read history, validating and submitting reads. The connector reference gives
 * these operations' methods and paths only: every shape here is chosen by us.
 */
import { z } from 'zod';
import {
  FROM_AFTER_TO,
  dateRangeQuery,
  fromNotAfterTo,
  isoDate,
  nullableText,
  reference,
  text,
} from './common-shapes.js';

export const UTILITIES = ['Electricity', 'Gas', 'Water'] as const;
export const METER_READ_TYPES = ['Actual', 'Estimated', 'Customer'] as const;

/** Why Gentrack would refuse a read (validate-meter-reads reports them, submit-meter-reads refuses with them). */
export const METER_READ_RULES = [
  'UNKNOWN_METER',
  'UNKNOWN_REGISTER',
  'DUPLICATE_READ',
  'READ_DATE_IN_FUTURE',
  'READ_DATE_NOT_AFTER_LAST_READ',
  'READING_BELOW_PREVIOUS',
  'READING_EXCEEDS_DIALS',
  'HIGH_CONSUMPTION',
] as const;
export type MeterReadRule = (typeof METER_READ_RULES)[number];

/** GET /service-points/{id}/structure */
export const meterStructureResponse = z.looseObject({
  servicePointId: text,
  accountNumber: nullableText,
  utility: z.enum(UTILITIES),
  status: text,
  meters: z.array(
    z.looseObject({
      meterSerialNumber: text,
      meterType: text,
      installedOn: text,
      registers: z.array(
        z.looseObject({
          registerId: text,
          description: text,
          unit: text,
          /** Digits on the register: readings go up to 10^dials - 1. */
          dials: z.number().int(),
          multiplier: z.number(),
        }),
      ),
    }),
  ),
});

/** GET /service-points/{id}/meter-read-history: newest first. */
export const meterReadHistoryQuery = z
  .object({ ...dateRangeQuery, meterSerialNumber: reference.optional() })
  .refine(fromNotAfterTo, FROM_AFTER_TO);

export const meterRead = z.looseObject({
  readId: text,
  meterSerialNumber: text,
  registerId: text,
  readDate: text,
  reading: z.number(),
  readType: z.enum(METER_READ_TYPES),
  /** Since the register's read before; null for the first read. */
  consumption: z.number().nullable(),
});

export const meterReadHistoryResponse = z.looseObject({ servicePointId: text, reads: z.array(meterRead) });

/** POST /service-points/{id}/validate-meter-reads and .../submit-meter-reads */
export const meterReadsBody = z.looseObject({
  reads: z
    .array(
      z.looseObject({
        meterSerialNumber: reference,
        registerId: reference,
        readDate: isoDate,
        reading: z.number('must be a number').nonnegative('must not be negative'),
        readType: z.enum(METER_READ_TYPES, { error: `must be one of ${METER_READ_TYPES.join(', ')}` }).optional(),
      }),
    )
    .min(1, 'must hold at least one read')
    .max(50, 'must hold at most 50 reads'),
});

export const validateMeterReadsResponse = z.looseObject({
  servicePointId: text,
  valid: z.boolean(),
  results: z.array(
    z.looseObject({
      meterSerialNumber: text,
      registerId: text,
      readDate: text,
      reading: z.number(),
      valid: z.boolean(),
      consumption: z.number().nullable(),
      problems: z.array(z.looseObject({ rule: z.enum(METER_READ_RULES), message: text })),
    }),
  ),
});

export const submitMeterReadsResponse = z.looseObject({ servicePointId: text, reads: z.array(meterRead) });
