/**
 * Health of the relay as a whole, from checks its components register (store, subscription, Gentrack breaker...).
 * The relay is healthy only when every component is; a check that throws or hangs counts as unhealthy, so one
 * stuck dependency cannot hang the orchestrator's probe.
 */
import { RelayError } from '../errors.js';

export interface ComponentHealth {
  readonly healthy: boolean;
  /** What an operator needs to act, e.g. "circuit open since 09:12:03Z after 10 failures". */
  readonly detail?: string | Record<string, unknown>;
}

export interface HealthReport {
  readonly status: 'ok' | 'unhealthy';
  readonly checkedAt: string;
  readonly components: Readonly<Record<string, ComponentHealth>>;
}

export type HealthCheck = () => ComponentHealth | Promise<ComponentHealth>;

export class HealthCheckError extends RelayError {
  readonly code = 'HEALTH_CHECK_ALREADY_REGISTERED';
}

export interface HealthChecksOptions {
  /** How long one check may take before it counts as unhealthy. */
  readonly timeoutMs?: number;
}

export class HealthChecks {
  readonly #checks = new Map<string, HealthCheck>();
  readonly #timeoutMs: number;

  constructor(options: HealthChecksOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 2_000;
  }

  /** One check per component; returns a function that removes it (for a component that stops). */
  register(component: string, check: HealthCheck): () => void {
    if (this.#checks.has(component))
      throw new HealthCheckError(`a health check for "${component}" is already registered`);
    this.#checks.set(component, check);
    return () => void this.#checks.delete(component);
  }

  async report(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.#checks].map(async ([component, check]) => [component, await this.#run(check)] as const),
    );
    const components = Object.fromEntries(entries);
    return {
      status: entries.every(([, health]) => health.healthy) ? 'ok' : 'unhealthy',
      checkedAt: new Date().toISOString(),
      components,
    };
  }

  async #run(check: HealthCheck): Promise<ComponentHealth> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ComponentHealth>((resolve) => {
      timer = setTimeout(
        () => resolve({ healthy: false, detail: `check timed out after ${this.#timeoutMs} ms` }),
        this.#timeoutMs,
      );
    });
    try {
      return await Promise.race([Promise.resolve().then(check), timeout]);
    } catch (error) {
      return { healthy: false, detail: `check failed: ${(error as Error).message}` };
    } finally {
      clearTimeout(timer);
    }
  }
}
