/**
 * A self-signed certificate for 127.0.0.1/localhost: the Pub/Sub client always speaks TLS, so the sandbox server
 * needs one. Generated with `openssl` on first use into a cache directory and reused afterwards; concurrent test
 * processes each generate into a private directory and the first to rename it into place wins.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const DEFAULT_TLS_CACHE_DIR = join(tmpdir(), 'gentrack-sandbox-tls');

export interface TlsCertificate {
  key: Buffer;
  cert: Buffer;
}

export class TlsCertificateError extends Error {
  readonly code = 'TLS_CERTIFICATE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TlsCertificateError';
  }
}

const KEY_FILE = 'localhost-key.pem';
const CERT_FILE = 'localhost-cert.pem';

export function localhostCertificate(cacheDir = DEFAULT_TLS_CACHE_DIR): TlsCertificate {
  if (!hasCertificate(cacheDir)) generateInto(cacheDir);
  return { key: readFileSync(join(cacheDir, KEY_FILE)), cert: readFileSync(join(cacheDir, CERT_FILE)) };
}

function hasCertificate(dir: string): boolean {
  return existsSync(join(dir, KEY_FILE)) && existsSync(join(dir, CERT_FILE));
}

function generateInto(cacheDir: string): void {
  const staging = mkdtempSync(join(dirname(cacheDir), '.gentrack-sandbox-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-nodes',
        '-days',
        '3650',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-keyout',
        join(staging, KEY_FILE),
        '-out',
        join(staging, CERT_FILE),
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new TlsCertificateError(
      `Could not generate the sandbox TLS certificate with openssl (is openssl on the PATH?)${stderr ? `: ${stderr}` : ''}`,
      { cause: error },
    );
  }
  try {
    renameSync(staging, cacheDir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another process got there first; anything else is a real problem.
    if (!hasCertificate(cacheDir)) {
      throw new TlsCertificateError(`Could not store the sandbox TLS certificate in ${cacheDir}`, { cause: error });
    }
  }
}
