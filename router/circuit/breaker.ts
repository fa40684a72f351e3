/**
 * A circuit breaker per model id. Closed: every call goes through. After `failureThreshold`
 * consecutive transient failures it opens: calls are refused (the cascade records a skipped
 * attempt and moves on) until `cooldownMs` has passed. Then it is half-open: exactly one probe
 * goes through; its success closes the circuit, its failure opens it for another cool-down.
 *
 * Each admission is a ticket stamped with the circuit's epoch. Results of calls admitted before
 * the last state change are ignored, so a slow call that started while the model was healthy
 * cannot close a circuit that has since opened, nor be mistaken for the half-open probe.
 */
import type { TierlabError } from "../../core/errors.js";

export type CircuitState = "closed" | "open" | "half_open";

/** What an attempt's outcome means for the model's health. */
export type CircuitOutcome =
  /** The model answered (whatever the quality verdict). */
  | "success"
  /** A transient failure: 5xx, 429, timeout, connection, cut stream. */
  | "failure"
  /** Says nothing about health: the caller aborted, the route deadline, a 4xx, the attempt never ran. */
  | "neutral";

export interface CircuitTicket {
  ok: true;
  /** This call is the half-open probe. */
  probe: boolean;
  report(outcome: CircuitOutcome): void;
}

export interface CircuitRefusal {
  ok: false;
  failures: number;
  retryInMs: number;
}

export interface CircuitOptions {
  failureThreshold: number;
  cooldownMs: number;
  /** Monotonic clock in ms; injected by tests to step through the cool-down. */
  now?: () => number;
  onChange?: (modelId: string, from: CircuitState, to: CircuitState) => void;
}

interface ModelCircuit {
  state: CircuitState;
  /** Consecutive failures while closed; the count that opened it while open. */
  failures: number;
  openedAt: number;
  epoch: number;
  probeInFlight: boolean;
}

export class CircuitBreaker {
  private readonly circuits = new Map<string, ModelCircuit>();
  private readonly policy: { failureThreshold: number; cooldownMs: number };
  private readonly now: () => number;
  private readonly onChange: CircuitOptions["onChange"];

  constructor(opts: CircuitOptions) {
    this.policy = { failureThreshold: opts.failureThreshold, cooldownMs: opts.cooldownMs };
    this.now = opts.now ?? (() => performance.now());
    this.onChange = opts.onChange;
  }

  admit(modelId: string): CircuitTicket | CircuitRefusal {
    const c = this.circuit(modelId);
    if (c.state === "open") {
      const waited = this.now() - c.openedAt;
      if (waited < this.policy.cooldownMs) return { ok: false, failures: c.failures, retryInMs: this.policy.cooldownMs - waited };
      this.move(modelId, c, "half_open");
    }
    if (c.state === "half_open") {
      if (c.probeInFlight) return { ok: false, failures: c.failures, retryInMs: 0 };
      c.probeInFlight = true;
      return this.ticket(modelId, c, true);
    }
    return this.ticket(modelId, c, false);
  }

  state(modelId: string): CircuitState {
    const c = this.circuits.get(modelId);
    if (!c) return "closed";
    // Report what the next admit would see, without claiming the probe.
    return c.state === "open" && this.now() - c.openedAt >= this.policy.cooldownMs ? "half_open" : c.state;
  }

  private ticket(modelId: string, c: ModelCircuit, probe: boolean): CircuitTicket {
    const epoch = c.epoch;
    let reported = false;
    return {
      ok: true,
      probe,
      report: (outcome) => {
        if (reported) return;
        reported = true;
        if (c.epoch !== epoch) return;
        if (probe) {
          c.probeInFlight = false;
          if (outcome === "success") this.move(modelId, c, "closed");
          else if (outcome === "failure") this.move(modelId, c, "open");
          return;
        }
        if (c.state !== "closed") return;
        if (outcome === "success") c.failures = 0;
        else if (outcome === "failure" && ++c.failures >= this.policy.failureThreshold) this.move(modelId, c, "open");
      },
    };
  }

  private move(modelId: string, c: ModelCircuit, to: CircuitState): void {
    const from = c.state;
    c.state = to;
    c.epoch++;
    c.probeInFlight = false;
    if (to === "open") c.openedAt = this.now();
    if (to === "closed") c.failures = 0;
    this.onChange?.(modelId, from, to);
  }

  private circuit(modelId: string): ModelCircuit {
    let c = this.circuits.get(modelId);
    if (!c) {
      c = { state: "closed", failures: 0, openedAt: 0, epoch: 0, probeInFlight: false };
      this.circuits.set(modelId, c);
    }
    return c;
  }
}

/**
 * Retryable errors are the transient ones that say the backend is unhealthy. A caller's abort or
 * the route deadline is about the caller; a 401/404/400 is a configuration or input problem that
 * no cool-down will fix, and the server did answer.
 */
export function circuitOutcome(error: TierlabError | undefined): CircuitOutcome {
  if (!error) return "success";
  if (error.name === "AbortedError" || error.name === "DeadlineExceededError") return "neutral";
  return error.isRetryable ? "failure" : "neutral";
}
