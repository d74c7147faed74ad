/**
 * The circuit breaker both dispatchers put in front of a remote system: after `threshold` consecutive failures that
 * may pass (retryable call failures), calls are refused for `halfOpenAfterMs`, then one is let through to probe.
 * Failures about the request itself (not retryable) say nothing about the system's health and never open it.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  IsolatedCircuitError,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { isCallFailedError } from '../errors.js';

export interface CircuitBreakerOptions {
  /** Consecutive retryable failures that open the breaker. */
  readonly threshold: number;
  readonly halfOpenAfterMs: number;
  /** Every state change; `open` is true when calls are now refused. */
  readonly onStateChange?: (open: boolean, state: CircuitState) => void;
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreakerPolicy {
  const policy = circuitBreaker(
    handleWhen((error) => isCallFailedError(error) && error.retryable),
    { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.threshold) },
  );
  const { onStateChange } = options;
  if (onStateChange) policy.onStateChange((state) => onStateChange(state === CircuitState.Open, state));
  return policy;
}

/** The breaker refused the call (open, or isolated): the call was never made. */
export function isCircuitOpenError(error: unknown): boolean {
  return error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError;
}

export { CircuitState };
