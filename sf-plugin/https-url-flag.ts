/** A URL flag the connector sends data to: https, or http to this machine only (gentrack-sf's rule, shared). */
import { Flags } from '@salesforce/sf-plugins-core';
import { httpsUrlValue } from '../cli/option-values.js';

export const httpsUrlFlag = Flags.custom<string>({ parse: async (input) => httpsUrlValue(input) });
