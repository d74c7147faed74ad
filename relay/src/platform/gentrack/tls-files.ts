/**
 * The TLS material of the relay's Gentrack connections, read from the files `gentrack.tls` names: CA certificates to
 * trust besides Node's built-in roots, and a client certificate with its private key. Read and checked once, at
 * start, so that a wrong file stops the relay naming the setting and the file, instead of every call failing later
 * with a handshake error.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RelayError } from '../errors.js';

/** The files of `gentrack.tls` (paths already resolved). */
export interface GentrackTlsFiles {
  readonly caFile?: string | undefined;
  readonly certFile?: string | undefined;
  readonly keyFile?: string | undefined;
}

/** PEM texts for undici's TLS options. */
export interface GentrackTlsMaterial {
  /** CA certificates to trust besides Node's roots, one PEM block each. */
  readonly ca?: readonly string[];
  /** The client certificate, with its chain. */
  readonly cert?: string;
  readonly key?: string;
  readonly passphrase?: string;
}

export class GentrackTlsFileError extends RelayError {
  readonly code = 'INVALID_GENTRACK_TLS_FILE';
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function read(setting: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? "cannot be read by the relay's user (EACCES)"
          : code === 'EISDIR'
            ? 'is a directory, not a PEM file'
            : (error as Error).message;
    throw new GentrackTlsFileError(`${setting} ${file} ${reason}`);
  }
}

/** Every certificate of a PEM file, each checked to be readable. */
function certificates(setting: string, file: string): { pem: string; certificate: X509Certificate }[] {
  const blocks = read(setting, file).match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0)
    throw new GentrackTlsFileError(`${setting} ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return blocks.map((pem, index) => {
    try {
      return { pem, certificate: new X509Certificate(pem) };
    } catch (error) {
      throw new GentrackTlsFileError(
        `${setting} ${file}: certificate ${index + 1} cannot be read (${(error as Error).message})`,
      );
    }
  });
}

function privateKey(file: string, text: string, passphrase: string | undefined): KeyObject {
  const encrypted = text.includes('ENCRYPTED');
  if (encrypted && passphrase === undefined) {
    throw new GentrackTlsFileError(
      `gentrack.tls.keyFile ${file} is encrypted: set GENTRACK_TLS_KEY_PASSPHRASE in the environment or the secrets file`,
    );
  }
  try {
    return createPrivateKey(passphrase === undefined ? text : { key: text, passphrase });
  } catch {
    // The crypto error may quote the key; the message names the file only.
    throw new GentrackTlsFileError(
      encrypted
        ? `gentrack.tls.keyFile ${file} could not be decrypted with GENTRACK_TLS_KEY_PASSPHRASE (a wrong passphrase?)`
        : `gentrack.tls.keyFile ${file} holds no PEM private key (-----BEGIN PRIVATE KEY-----)`,
    );
  }
}

/** Reads and checks the files; throws GentrackTlsFileError naming the setting and the file. */
export function readGentrackTlsFiles(
  files: GentrackTlsFiles,
  passphrase?: string,
  now: () => number = Date.now,
): GentrackTlsMaterial {
  const material: { -readonly [K in keyof GentrackTlsMaterial]: GentrackTlsMaterial[K] } = {};
  if (files.caFile !== undefined) material.ca = certificates('gentrack.tls.caFile', files.caFile).map(({ pem }) => pem);
  if (files.certFile !== undefined && files.keyFile !== undefined) {
    const [leaf, ...chain] = certificates('gentrack.tls.certFile', files.certFile);
    const expires = Date.parse(leaf!.certificate.validTo);
    if (expires < now()) {
      throw new GentrackTlsFileError(
        `gentrack.tls.certFile ${files.certFile}: the client certificate expired on ${new Date(expires).toISOString()}`,
      );
    }
    const keyText = read('gentrack.tls.keyFile', files.keyFile);
    const key = privateKey(files.keyFile, keyText, passphrase);
    if (!leaf!.certificate.checkPrivateKey(key)) {
      throw new GentrackTlsFileError(
        `gentrack.tls.keyFile ${files.keyFile} is not the private key of the certificate in gentrack.tls.certFile ${files.certFile}`,
      );
    }
    material.cert = [leaf!.pem, ...chain.map(({ pem }) => pem)].join('\n');
    material.key = keyText;
    if (passphrase !== undefined) material.passphrase = passphrase;
  }
  return material;
}
