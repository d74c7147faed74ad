/** The error types of Gentrack's connector reference, as the relay reports them. */
export {
  GENTRACK_ERROR_TYPES,
  errorTypeForBareStatus,
  isGentrackErrorType,
} from '../../../../model/gentrack-error-types.js';
export type { GentrackErrorType } from '../../../../model/gentrack-error-types.js';
