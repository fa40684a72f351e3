/**
 * The latency a replayed answer would have had on the hardware profile in the config, since the
 * recordings carry none: a round trip drawn from a lognormal, prefill at a fixed tokens/s rate, then
 * decode at another. The draw is seeded by (seed, model, item), so a run gives the same numbers on
 * every machine and in every order. These figures are modelled, never measured.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { ModelledTiming } from "../contracts/provider.js";
import { createRng } from "../../core/rng.js";

const Rate = z.number().positive("must be > 0 tokens per second");

export const HardwareProfile = z.strictObject({
  /** Prompt tokens processed per second before the first output token. */
  prefill_tokens_per_s: Rate,
  /** Output tokens generated per second after the first. */
  decode_tokens_per_s: Rate,
  /** Network and queueing before work starts: lognormal with this median and sd of ln(ms). */
  round_trip_ms: z.strictObject({
    median: z.number().min(0, "must be ≥ 0 ms"),
    log_sd: z.number().min(0).max(3, "a log-sd above 3 spans more than 400× around the median"),
  }),
});
export type HardwareProfile = z.infer<typeof HardwareProfile>;

/** A 32-bit seed from the run's seed and the request's identity. */
function streamSeed(seed: number, key: string): number {
  return createHash("sha256").update(`${seed}\u0000${key}`).digest().readUInt32LE(0);
}

/** One standard normal from the seeded stream (Box–Muller; 1 − u keeps log() finite). */
function standardNormal(seed: number): number {
  const rng = createRng(seed);
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export function roundTripMs(profile: HardwareProfile, seed: number, key: string): number {
  const { median, log_sd } = profile.round_trip_ms;
  if (median === 0) return 0;
  return median * Math.exp(log_sd * standardNormal(streamSeed(seed, key)));
}

/**
 * ttft = round trip + input / prefill + one decode step; total = ttft + (output − 1) / decode.
 * `key` names the request (model and item id, or model and prompt hash).
 */
export function modelTiming(args: { profile: HardwareProfile; inputTokens: number; outputTokens: number; seed: number; key: string }): ModelledTiming {
  const { profile, inputTokens, outputTokens } = args;
  const step = 1000 / profile.decode_tokens_per_s;
  const ttftMs = roundTripMs(profile, args.seed, args.key) + (inputTokens * 1000) / profile.prefill_tokens_per_s + (outputTokens > 0 ? step : 0);
  const totalMs = ttftMs + Math.max(0, outputTokens - 1) * step;
  return { source: "modelled", ttftMs, totalMs };
}
