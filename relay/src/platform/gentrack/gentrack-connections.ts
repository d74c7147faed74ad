/**
 * How the relay connects to one Gentrack origin (the API, or the token URL): persistent connections with Gentrack's
 * timeouts, directly or through an outbound HTTP proxy (CONNECT tunnels: TLS runs end to end, the proxy sees only
 * the host), trusting extra CA certificates and presenting a client certificate when configured. Utility networks
 * often have all three.
 */
import { rootCertificates, type ConnectionOptions } from 'node:tls';
import { buildConnector, Client, Pool, ProxyAgent, type Dispatcher } from 'undici';
import type { RelayConfig } from '../config/relay-config-schema.js';
import type { RelaySecrets } from '../config/relay-secrets.js';
import { readGentrackTlsFiles, type GentrackTlsMaterial } from './tls-files.js';

/** An outbound HTTP(S) proxy. */
export interface GentrackProxy {
  /** The proxy's origin, http or https, without credentials. */
  readonly url: string;
  /** Proxy-Authorization: Basic, when the proxy asks for credentials. */
  readonly username?: string | undefined;
  readonly password?: string | undefined;
}

/** The network between the relay and Gentrack. Default: direct, Node's root CAs, no client certificate. */
export interface GentrackNetwork {
  readonly proxy?: GentrackProxy | undefined;
  readonly tls?: GentrackTlsMaterial | undefined;
}

export interface ConnectionLimits {
  /** Sockets open to the origin at once. */
  readonly connections: number;
  readonly responseTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly idleTimeoutMs: number;
}

/** TLS options of the connections to Gentrack: extra CAs added to Node's roots, not replacing them. */
function tlsOptions(tls: GentrackTlsMaterial | undefined): ConnectionOptions {
  if (tls === undefined) return {};
  return {
    ...(tls.ca ? { ca: [...rootCertificates, ...tls.ca] } : {}),
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    ...(tls.passphrase ? { passphrase: tls.passphrase } : {}),
  };
}

/** RFC 7617 Basic credentials. */
function basicCredentials(username: string, password: string): string {
  return 'Basic ' + Buffer.from(`${username}:${password}`).toString('base64');
}

/** Connections to one Gentrack origin, and what undici does not say about why one ended. */
export interface GentrackConnections {
  /** Requests must name the origin (`request({ origin, path, ... })`): a proxy agent routes by it. */
  readonly dispatcher: Dispatcher;
  /**
   * The error behind a failed request: for a connection the server closed with a TLS alert (e.g. "certificate
   * required" after the handshake, under TLS 1.3) undici reports only "other side closed"; this returns the alert.
   * Any other error is returned as it is.
   */
  cause(error: unknown): unknown;
}

/** TLS alerts of closed connections, by local port, until a failed request asks for one. */
const REMEMBERED_ALERTS = 64;

export function gentrackConnections(
  origin: string,
  network: GentrackNetwork,
  limits: ConnectionLimits,
): GentrackConnections {
  const alerts = new Map<number, Error>();
  /** Connects as `connect` does, and keeps the TLS alert that may end the connection later. */
  const watching =
    (connect: buildConnector.connector): buildConnector.connector =>
    (options, callback) =>
      connect(options, (...result) => {
        const socket = result[1];
        socket?.on('error', (error: NodeJS.ErrnoException) => {
          if (!error.code?.startsWith('ERR_SSL_') || socket.localPort === undefined) return;
          alerts.set(socket.localPort, error);
          if (alerts.size > REMEMBERED_ALERTS) alerts.delete(alerts.keys().next().value!);
        });
        callback(...result);
      });

  const timeouts = {
    headersTimeout: limits.responseTimeoutMs,
    bodyTimeout: limits.responseTimeoutMs,
    keepAliveTimeout: limits.idleTimeoutMs,
    keepAliveMaxTimeout: limits.idleTimeoutMs,
    pipelining: 1,
  };
  const tls = { timeout: limits.connectTimeoutMs, ...tlsOptions(network.tls) };
  const dispatcherFor = (target: string, connect: buildConnector.connector, options: object = {}): Dispatcher =>
    limits.connections === 1
      ? new Client(target, { ...options, ...timeouts, connect: watching(connect) })
      : new Pool(target, { ...options, ...timeouts, connections: limits.connections, connect: watching(connect) });

  const { proxy } = network;
  const dispatcher =
    proxy === undefined
      ? dispatcherFor(origin, buildConnector(tls))
      : new ProxyAgent({
          uri: proxy.url,
          ...(proxy.username !== undefined ? { token: basicCredentials(proxy.username, proxy.password ?? '') } : {}),
          ...timeouts,
          connections: limits.connections,
          // Gentrack's side of the tunnel; the CA bundle also serves an https proxy's own certificate.
          requestTls: tls,
          proxyTls: { timeout: limits.connectTimeoutMs, ...(tls.ca ? { ca: tls.ca } : {}) },
          // The agent's connect opens the tunnel and the TLS session through it: watch those sockets too.
          factory: (target, options) => {
            const { connect, ...rest } = options as { connect: buildConnector.connector };
            return dispatcherFor(target.toString(), connect, rest);
          },
        });

  return {
    dispatcher,
    cause(error) {
      const port = (error as { code?: unknown; socket?: { localPort?: unknown } } | undefined)?.socket?.localPort;
      if ((error as { code?: unknown }).code !== 'UND_ERR_SOCKET' || typeof port !== 'number') return error;
      const alert = alerts.get(port);
      alerts.delete(port);
      return alert ?? error;
    },
  };
}

/**
 * The network the configuration describes: the proxy with its password from the secrets, the TLS files read and
 * checked now (GentrackTlsFileError names the setting and the file).
 */
export function gentrackNetworkFrom(
  gentrack: Pick<RelayConfig['gentrack'], 'proxy' | 'tls'>,
  secrets: Pick<RelaySecrets, 'gentrackProxyPassword' | 'gentrackTlsKeyPassphrase'>,
): GentrackNetwork {
  const { proxy, tls } = gentrack;
  return {
    ...(proxy
      ? {
          proxy: {
            url: proxy.url,
            ...(proxy.username !== undefined
              ? { username: proxy.username, password: secrets.gentrackProxyPassword?.reveal() }
              : {}),
          },
        }
      : {}),
    ...(tls ? { tls: readGentrackTlsFiles(tls, secrets.gentrackTlsKeyPassphrase?.reveal()) } : {}),
  };
}
