import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createPrivateCa, type PrivateCa } from '../../../../test/private-ca.js';
import { GentrackTlsFileError, readGentrackTlsFiles, type GentrackTlsFiles } from './tls-files.js';

let ca: PrivateCa;

before(() => {
  ca = createPrivateCa();
});
after(() => ca?.remove());

function refusal(files: GentrackTlsFiles, passphrase?: string, now?: () => number): string {
  try {
    readGentrackTlsFiles(files, passphrase, now);
  } catch (error) {
    assert.ok(error instanceof GentrackTlsFileError, `expected a GentrackTlsFileError, got ${String(error)}`);
    assert.equal(error.code, 'INVALID_GENTRACK_TLS_FILE');
    return error.message;
  }
  assert.fail('the files were accepted');
}

test('a CA bundle and a client certificate with its encrypted key are read as PEM texts', () => {
  const material = readGentrackTlsFiles(
    { caFile: ca.ca.file, certFile: ca.client.cert.file, keyFile: ca.client.encryptedKey.file },
    ca.client.passphrase,
  );
  assert.deepEqual(material.ca, [ca.ca.pem.trim()]);
  assert.equal(material.cert, ca.client.cert.pem.trim());
  assert.equal(material.key, ca.client.encryptedKey.pem);
  assert.equal(material.passphrase, ca.client.passphrase);
  assert.deepEqual(readGentrackTlsFiles({}), {}, 'no files, nothing to add');
});

test('each unusable file is refused naming the setting and the file, never its content', () => {
  const missing = path.join(ca.dir, 'missing.pem');
  assert.equal(refusal({ caFile: missing }), `gentrack.tls.caFile ${missing} does not exist`);
  assert.equal(refusal({ caFile: ca.dir }), `gentrack.tls.caFile ${ca.dir} is a directory, not a PEM file`);
  assert.equal(
    refusal({ caFile: ca.client.key.file }),
    `gentrack.tls.caFile ${ca.client.key.file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
  );
  const garbled = path.join(ca.dir, 'garbled.pem');
  writeFileSync(garbled, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
  assert.match(
    refusal({ caFile: garbled }),
    new RegExp(`^gentrack.tls.caFile ${garbled}: certificate 1 cannot be read`),
  );

  const client = { certFile: ca.client.cert.file };
  assert.match(
    refusal({ ...client, keyFile: ca.client.encryptedKey.file }),
    /is encrypted: set GENTRACK_TLS_KEY_PASSPHRASE in the environment or the secrets file$/,
  );
  const wrong = refusal({ ...client, keyFile: ca.client.encryptedKey.file }, 'not the passphrase');
  assert.match(wrong, /could not be decrypted with GENTRACK_TLS_KEY_PASSPHRASE \(a wrong passphrase\?\)$/);
  assert.ok(!wrong.includes('not the passphrase'));
  assert.equal(
    refusal({ ...client, keyFile: ca.ca.file }),
    `gentrack.tls.keyFile ${ca.ca.file} holds no PEM private key (-----BEGIN PRIVATE KEY-----)`,
  );
  assert.equal(
    refusal({ ...client, keyFile: ca.server.key.file }),
    `gentrack.tls.keyFile ${ca.server.key.file} is not the private key of the certificate in gentrack.tls.certFile ${ca.client.cert.file}`,
  );
  const inTenYears = () => Date.now() + 10 * 365 * 86_400_000;
  assert.match(
    refusal({ ...client, keyFile: ca.client.key.file }, undefined, inTenYears),
    /gentrack.tls.certFile .*: the client certificate expired on \d{4}-\d{2}-\d{2}T/,
  );
});
