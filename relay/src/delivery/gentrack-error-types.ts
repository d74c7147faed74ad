/**
 * The error types of Gentrack's connector reference, as the relay reports them. The list itself lives in the
 * sandbox's dependency-free module (plain data written for both sides), so the relay and the stand-in can never
 * disagree; this module is the relay's one import of it.
 */
export { GENTRACK_ERROR_TYPES, isGentrackErrorType } from '../../../sandbox/gentrack/error-types.js';
export type { GentrackErrorType } from '../../../sandbox/gentrack/error-types.js';
