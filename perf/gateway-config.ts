/**
 * The router config every gateway benchmark uses: the test fixture's `classify` action (label_set and
 * finish_reason checks) on one tier whose model is an OpenAI-compatible upstream. One tier is also
 * the last, so a streamed answer goes out live.
 */
import { writeTestConfig } from "../test-support/router-fixture.js";

export const PERF_ACTION = "classify";

export function gatewayPerfConfig(upstreamUrl: string) {
  return writeTestConfig((d) => {
    d.providers = { fast: { kind: "openai", base_url: `${upstreamUrl}/v1` } };
    d.tiers = { LOCAL_FAST: { local: true, models: [{ id: "fast-a", provider: "fast", model: "perf-model" }] } };
    (d.actions as Record<string, { escalate: string[] }>)[PERF_ACTION]!.escalate = [];
  });
}
