/**
 * Parsers for command-line option values, so a bad value is refused at once with the flag named ("--rate must be a
 * number above 0, got abc") instead of running with NaN or flat out.
 */
import { InvalidArgumentError } from 'commander';
import { mayUsePlainHttp } from '../relay/src/platform/config/relay-config-schema.js';

/** A TCP port, 0 meaning any free one. */
export function portValue(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw new InvalidArgumentError(`must be a port number from 0 (any free port) to 65535, got ${text}`);
  return port;
}

export function positiveNumberValue(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError(`must be a number above 0, got ${text}`);
  return value;
}

export function positiveIntegerValue(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new InvalidArgumentError(`must be a whole number above 0, got ${text}`);
  return Number(text);
}

/** A URL the connector sends data to (a notification webhook, the relay itself): https, or http to this machine only. */
export function httpsUrlValue(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidArgumentError(`must be a URL such as https://hooks.example.com/gentrack, got ${text}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && mayUsePlainHttp(text))) {
    throw new InvalidArgumentError(`must be an https URL (plain http only to this machine), got ${text}`);
  }
  return text;
}
