/**
 * An outbound HTTP proxy as utility networks have one, for tests: the `proxy` package (a real HTTP proxy, CONNECT
 * tunnels included) listening on loopback, wanting Basic credentials, and recording the tunnels it opened.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';

export interface AuthenticatingProxy {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The CONNECT requests it accepted, as host:port, in order. */
  readonly tunnels: string[];
  close(): Promise<void>;
}

export async function startAuthenticatingProxy(username: string, password: string): Promise<AuthenticatingProxy> {
  const proxy = createProxy(createServer());
  const expected = 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
  const authorized = (request: IncomingMessage) => request.headers['proxy-authorization'] === expected;
  proxy.authenticate = authorized;
  const tunnels: string[] = [];
  proxy.on('connect', (request: IncomingMessage) => {
    if (authorized(request)) tunnels.push(request.url!);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    tunnels,
    async close() {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}
