/** The `attributes` every record in a REST answer carries: its type and its resource URL. */

export const DEFAULT_API_VERSION = '62.0';

export interface RecordAttributes {
  readonly type: string;
  readonly url: string;
}

export function recordAttributes(type: string, id: string, apiVersion: string = DEFAULT_API_VERSION): RecordAttributes {
  return { type, url: `/services/data/v${apiVersion}/sobjects/${type}/${id}` };
}
