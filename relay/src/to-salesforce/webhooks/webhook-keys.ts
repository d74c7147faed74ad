/**
 * The keys that verify Gentrack's webhook signatures: the PEM texts of the configuration plus the files it names,
 * read once at start. A key file that is missing or holds no acceptable key stops the start with its path, rather
 * than leaving every event to be refused later.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { publicKeyProblem, type WebhooksConfig } from '../../platform/config/webhooks-config-schema.js';
import { RelayError } from '../../platform/errors.js';

const PEM_BLOCK = /-----BEGIN [A-Z ]+-----[\s\S]*?-----END [A-Z ]+-----/g;

export class WebhookKeyError extends RelayError {
  readonly code = 'INVALID_WEBHOOK_KEY';
}

export function loadWebhookKeys(config: Pick<WebhooksConfig, 'publicKeys' | 'publicKeyFiles'>): KeyObject[] {
  const pems: { pem: string; from: string }[] = config.publicKeys.map((pem, index) => ({
    pem,
    from: `webhooks.publicKeys[${index}]`,
  }));
  for (const file of config.publicKeyFiles) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message;
      throw new WebhookKeyError(`the webhook public key file ${file} (webhooks.publicKeyFiles) ${reason}`);
    }
    const blocks = text.match(PEM_BLOCK) ?? [];
    if (blocks.length === 0)
      throw new WebhookKeyError(
        `${file} (webhooks.publicKeyFiles) holds no PEM block; expected -----BEGIN PUBLIC KEY-----`,
      );
    blocks.forEach((pem, index) => pems.push({ pem, from: blocks.length > 1 ? `${file} (key ${index + 1})` : file }));
  }
  return pems.map(({ pem, from }) => {
    const problem = publicKeyProblem(pem);
    if (problem) throw new WebhookKeyError(`the webhook public key from ${from} ${problem}`);
    return createPublicKey(pem);
  });
}
