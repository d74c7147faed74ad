/**
 * The benchmark's sandbox, in a process of its own so its memory (every loaded record) is not counted as the
 * loader's. Sends the relay configuration for it to the parent, answers `rss` with its peak RSS and CPU time, stops on `stop`.
 */
import { startSandbox } from '../../sandbox/start-sandbox.js';

const sandbox = await startSandbox({
  gentrack: { recordCalls: false },
  triggers: !process.argv.includes('--no-triggers'),
});
const send = (message: unknown) => process.send!(message);
process.on('message', (message: { type: string }) => {
  if (message.type === 'rss') {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    send({ type: 'rss', peakRssBytes: maxRSS * 1024, cpuSeconds: (userCPUTime + systemCPUTime) / 1e6 });
  }
  if (message.type === 'stop') void sandbox.close().then(() => process.exit(0));
});
send({ type: 'ready', configInput: sandbox.relayConfigInput(), secretsEnv: sandbox.relaySecretsEnv() });
