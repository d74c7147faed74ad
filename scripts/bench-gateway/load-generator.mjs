// The load of `npm run bench:gateway`, in a process of its own so its event loop is not the servers': at a fixed
// offered rate (an open loop: requests leave on schedule whether or not earlier ones came back), one GET to the
// Gentrack stand-in directly and the same GET through the relay's gateway per tick, alternating which goes first.
// Prints { direct: [ms...], gateway: [ms...], failures: {...}, lateStarts } as JSON on stdout.
import { Pool } from 'undici';

const config = JSON.parse(process.argv[2]);
const targets = {
  direct: { pool: new Pool(new URL(config.direct.url).origin, { connections: 32 }), ...config.direct },
  gateway: { pool: new Pool(new URL(config.gateway.url).origin, { connections: 32 }), ...config.gateway },
};
const latencies = { direct: [], gateway: [] };
const failures = { direct: 0, gateway: 0 };
let lateStarts = 0;

async function once(name) {
  const target = targets[name];
  const url = new URL(target.url);
  const started = process.hrtime.bigint();
  try {
    const response = await target.pool.request({
      method: 'GET',
      path: url.pathname + url.search,
      headers: target.headers,
    });
    await response.body.text();
    if (response.statusCode !== 200) failures[name]++;
    else latencies[name].push(Number(process.hrtime.bigint() - started) / 1e6);
  } catch {
    failures[name]++;
  }
}

const intervalMs = 1000 / config.rate;
const total = Math.round(config.rate * config.seconds);
const begin = performance.now();
const pending = [];
for (let tick = 0; tick < total; tick++) {
  const due = begin + tick * intervalMs;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  else if (wait < -intervalMs) lateStarts++;
  const order = tick % 2 === 0 ? ['direct', 'gateway'] : ['gateway', 'direct'];
  for (const name of order) pending.push(once(name));
}
await Promise.all(pending);
await Promise.all(Object.values(targets).map((target) => target.pool.close()));
process.stdout.write(JSON.stringify({ ...latencies, failures, lateStarts }));
