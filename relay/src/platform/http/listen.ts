/**
 * Opens one of the relay's listeners (ops, API, webhooks, portal). A listener that cannot open is closed again and
 * its failure names the setting to change; one that opens reports the port it got (port 0 lets the system choose)
 * and its host as a URL writes it.
 */
import type { AddressInfo } from 'node:net';

/** What this needs of a fastify instance, whatever its logger type. */
interface Listener {
  listen(options: { host: string; port: number }): Promise<unknown>;
  close(): PromiseLike<unknown>;
  readonly server: { address(): AddressInfo | string | null };
}

export interface ListenerSettings {
  readonly host: string;
  readonly port: number;
  /** The settings an operator changes, as the failure names them, e.g. `api.port`. */
  readonly hostSetting: string;
  readonly portSetting: string;
}

export interface Listening {
  readonly port: number;
  /** The host as it goes into a URL (an IPv6 address in brackets). */
  readonly urlHost: string;
}

export async function listenOrExplain(
  app: Listener,
  settings: ListenerSettings,
  failure: (reason: string, cause: unknown) => Error,
): Promise<Listening> {
  const { host, port } = settings;
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    throw failure(`cannot listen on ${host}:${port}: ${reasonOf(error, settings)}`, error);
  }
  const address = app.server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    urlHost: host.includes(':') ? `[${host}]` : host,
  };
}

function reasonOf(error: unknown, settings: ListenerSettings): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EADDRINUSE':
      return `the port is in use; set ${settings.portSetting} to a free one`;
    case 'EADDRNOTAVAIL':
      return `no local interface has that address; set ${settings.hostSetting}`;
    default:
      return `${(error as Error).message}; set ${settings.hostSetting}/${settings.portSetting}`;
  }
}
