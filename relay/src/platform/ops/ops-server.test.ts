import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { HealthCheckError, HealthChecks } from './health.js';
import { createLogger } from './logger.js';
import { createRelayMetrics } from './metrics.js';
import { OpsServerError, startOpsServer } from './ops-server.js';

function setUp(checks = new HealthChecks({ timeoutMs: 100 })) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  const metrics = createRelayMetrics({ defaultMetrics: false });
  return {
    checks,
    logger,
    metrics,
    lines,
    start: () => startOpsServer({ host: '127.0.0.1', port: 0, metrics, logger, health: () => checks.report() }),
  };
}

test('GET /healthz is 200 with the report while every component is healthy', async (t) => {
  const { checks, start } = setUp();
  checks.register('store', () => ({ healthy: true }));
  checks.register('subscription', async () => ({ healthy: true, detail: { lastEventAt: '2025-01-01T00:00:00Z' } }));
  const server = await start();
  t.after(() => server.close());

  const response = await fetch(`${server.url}/healthz`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const report = (await response.json()) as Record<string, unknown>;
  assert.equal(report.status, 'ok');
  assert.deepEqual(report.components, {
    store: { healthy: true },
    subscription: { healthy: true, detail: { lastEventAt: '2025-01-01T00:00:00Z' } },
  });
});

test('GET /healthz is 503 when any component is unhealthy, throws or hangs', async (t) => {
  const { checks, start, lines } = setUp();
  checks.register('store', () => ({ healthy: true }));
  checks.register('gentrack-breaker', () => ({ healthy: false, detail: 'circuit open after 10 failures' }));
  checks.register('subscription', () => {
    throw new Error('stream closed');
  });
  checks.register('slow', () => new Promise(() => {}));
  const server = await start();
  t.after(() => server.close());

  const response = await fetch(`${server.url}/healthz`);
  assert.equal(response.status, 503);
  const report = (await response.json()) as {
    status: string;
    components: Record<string, { healthy: boolean; detail?: string }>;
  };
  assert.equal(report.status, 'unhealthy');
  assert.equal(report.components.store!.healthy, true);
  assert.equal(report.components['gentrack-breaker']!.detail, 'circuit open after 10 failures');
  assert.equal(report.components.subscription!.detail, 'check failed: stream closed');
  assert.equal(report.components.slow!.detail, 'check timed out after 100 ms');
  assert.ok(lines.some((line) => line.includes('"component":"ops-server"') && line.includes('unhealthy')));
});

test('GET /readyz answers readiness apart from liveness, and a failing probe is logged when it starts and ends, not at every probe', async (t) => {
  const { checks: liveness, logger, metrics, lines } = setUp();
  liveness.register('relay', () => ({ healthy: true }));
  let subscribed = false;
  const readiness = new HealthChecks();
  readiness.register('subscription', () => ({ healthy: subscribed, detail: subscribed ? 'connected' : 'connecting' }));
  const server = await startOpsServer({
    host: '127.0.0.1',
    port: 0,
    metrics,
    logger,
    health: () => liveness.report(),
    readiness: () => readiness.report(),
  });
  t.after(() => server.close());

  const logged = (text: string) => lines.filter((line) => line.includes(text)).length;
  for (let i = 0; i < 3; i++) {
    assert.equal(
      (await fetch(`${server.url}/healthz`)).status,
      200,
      'alive while Salesforce is not reached yet: no restart loop',
    );
    assert.equal((await fetch(`${server.url}/readyz`)).status, 503);
  }
  assert.equal(logged('/readyz reports unhealthy'), 1, 'one warning for three failing probes');
  subscribed = true;
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  assert.equal(logged('/readyz is ok again'), 1);
  assert.equal(logged('/healthz'), 0, 'a healthy liveness probe logs nothing');
});

test("the server does not announce itself: fastify's 'Server listening at' lines would repeat the relay's one line", async (t) => {
  const { start, lines } = setUp();
  const server = await start();
  t.after(() => server.close());
  assert.deepEqual(
    lines.filter((line) => /listening/i.test(line)),
    [],
  );
});

test('GET /metrics serves the Prometheus text with the relay metric names', async (t) => {
  const { start, metrics } = setUp();
  metrics.deliveries.inc('update-account', 'dead_lettered');
  const server = await start();
  t.after(() => server.close());

  const response = await fetch(`${server.url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  assert.match(text, /^gentrack_relay_deliveries_total\{operation="update-account",outcome="dead_lettered"\} 1$/m);
  assert.match(text, /^# TYPE gentrack_relay_gentrack_request_duration_seconds histogram$/m);
});

test('close() is graceful and idempotent; a port in use fails with a typed error', async () => {
  const { start, checks } = setUp();
  assert.throws(() => {
    checks.register('store', () => ({ healthy: true }));
    checks.register('store', () => ({ healthy: true }));
  }, HealthCheckError);
  const server = await start();
  await Promise.all([server.close(), server.close()]);
  await assert.rejects(fetch(`${server.url}/healthz`));

  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const { logger, metrics } = setUp();
    await assert.rejects(
      startOpsServer({ host: '127.0.0.1', port, logger, metrics, health: () => checks.report() }),
      (error: unknown) =>
        error instanceof OpsServerError &&
        error.code === 'OPS_SERVER_LISTEN_FAILED' &&
        /GENTRACK_RELAY_HTTP_PORT/.test(error.message),
    );
  } finally {
    blocker.close();
  }
});
