/**
 * A private certificate authority for tests, as a utility's network has one: a CA, a server certificate it issued
 * for this machine (localhost, 127.0.0.1) and a client certificate it issued for the relay, generated with openssl
 * into a fresh directory (the same tool the sandbox's Pub/Sub certificate comes from). Nothing is cached: every test
 * run has its own CA, trusted nowhere else.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A PEM file and its text. */
export interface PemFile {
  readonly file: string;
  readonly pem: string;
}

export interface PrivateCa {
  readonly dir: string;
  readonly ca: PemFile;
  readonly server: { readonly cert: PemFile; readonly key: PemFile };
  readonly client: {
    readonly cert: PemFile;
    readonly key: PemFile;
    /** The same key, encrypted (PKCS #8, AES-256) with `passphrase`. */
    readonly encryptedKey: PemFile;
    readonly passphrase: string;
  };
  remove(): void;
}

function openssl(dir: string, args: readonly string[]): void {
  try {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0]} failed (is openssl on the PATH?)${stderr ? `: ${stderr}` : ''}`, {
      cause: error,
    });
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** `name`.pem and `name`-key.pem, issued by the CA in `dir` with the given X.509 v3 extensions. */
function issue(dir: string, name: string, subject: string, extensions: readonly string[]): void {
  openssl(dir, ['req', '-new', ...EC_KEY, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', subject]);
  writeFileSync(path.join(dir, `${name}.ext`), extensions.join('\n') + '\n');
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca-key.pem',
    '-set_serial',
    String(Date.now()),
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  ]);
}

export function createPrivateCa(): PrivateCa {
  const dir = mkdtempSync(path.join(tmpdir(), 'gentrack-private-ca-'));
  openssl(dir, [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    'ca-key.pem',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/O=Test Utility/CN=Test Utility Private CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  issue(dir, 'server', '/CN=localhost', ['subjectAltName=DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage=serverAuth']);
  issue(dir, 'client', '/CN=gentrack-relay', ['extendedKeyUsage=clientAuth']);
  const passphrase = 'relay key passphrase';
  openssl(dir, [
    'pkcs8',
    '-topk8',
    '-v2',
    'aes-256-cbc',
    '-in',
    'client-key.pem',
    '-out',
    'client-key-encrypted.pem',
    '-passout',
    `pass:${passphrase}`,
  ]);
  const pem = (name: string): PemFile => {
    const file = path.join(dir, name);
    return { file, pem: readFileSync(file, 'utf8') };
  };
  return {
    dir,
    ca: pem('ca.pem'),
    server: { cert: pem('server.pem'), key: pem('server-key.pem') },
    client: {
      cert: pem('client.pem'),
      key: pem('client-key.pem'),
      encryptedKey: pem('client-key-encrypted.pem'),
      passphrase,
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
