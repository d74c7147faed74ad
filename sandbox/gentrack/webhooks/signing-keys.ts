import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';

/** The application's webhook key pair: Gentrack signs with the private key, the receiver verifies with the public. */
export interface WebhookKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

const generateRsaKeyPair = promisify(generateKeyPair);

/** A fresh RSA 2048 key pair (PEM: SPKI public key, PKCS#8 private key). Async so startup does not block. */
export async function generateWebhookKeyPair(): Promise<WebhookKeyPair> {
  const { publicKey, privateKey } = await generateRsaKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}
