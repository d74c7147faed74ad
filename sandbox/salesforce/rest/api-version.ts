/** API versions the sandbox answers to: v20.0 up to the newest listed by `GET /services/data/`. */

export const NEWEST_API_VERSION = 64;
const OLDEST_API_VERSION = 20;

const RELEASES: Readonly<Record<number, string>> = {
  58: "Summer '23",
  59: "Winter '24",
  60: "Spring '24",
  61: "Summer '24",
  62: "Winter '25",
  63: "Spring '25",
  64: "Summer '25",
};

/** `v62.0` -> `62.0`; undefined for anything Salesforce would not route. */
export function parseApiVersion(segment: string): string | undefined {
  const match = /^v(\d{2})\.0$/.exec(segment);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major >= OLDEST_API_VERSION && major <= NEWEST_API_VERSION ? `${major}.0` : undefined;
}

export function versionList(): { label: string; url: string; version: string }[] {
  return Object.entries(RELEASES).map(([major, label]) => ({
    label,
    url: `/services/data/v${major}.0`,
    version: `${major}.0`,
  }));
}
