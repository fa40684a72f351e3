/**
 * Test harness for the fault-injection suite: one fake server per wire format (Ollama NDJSON,
 * OpenAI SSE, Anthropic SSE), a Router whose first tier is a real provider pointed at the fake and
 * whose next tier is a healthy scripted model, a ledger, and a sleep that records instead of waiting.
 */
import { join } from "node:path";
import { startFakeAnthropic, type FakeAnthropic } from "./fake-anthropic.js";
import { startFakeOllama, type FakeOllama, type FakeOllamaScript } from "./fake-ollama.js";
import { startFakeOpenAI, type FakeOpenAI } from "./fake-openai.js";
import type { Script } from "./fake-script.js";
import { writeTestConfig } from "./router-fixture.js";
import type { CircuitBreaker } from "../router/circuit/breaker.js";
import type { RouteResult } from "../router/contracts/route-result.js";
import { SqliteLedger } from "../router/ledger/sqlite-ledger.js";
import { ScriptedProvider } from "../router/providers/scripted.js";
import { Router } from "../router/router.js";
import { createRng } from "../core/rng.js";

export type Kind = "ollama" | "openai" | "anthropic";
export const KINDS: Kind[] = ["ollama", "openai", "anthropic"];
export const FAULT_KEY = "sk-fault-suite-0123456789";

/** What the faulty fake answers: a wire-neutral description turned into each fake's script. */
export type FaultScript =
  | { http: number; message: string; type?: string; code?: string; headers?: Record<string, string> }
  | { fault: "hang_before_headers" | "reset_before_headers" | "stall_mid_stream" | "reset_mid_stream" | "truncated" | "malformed_json" | "error_mid_stream" }
  | { reply: string[] };

export function toOllama(s: FaultScript): FakeOllamaScript {
  if ("http" in s) return { status: s.http, error: s.message, headers: s.headers };
  if ("reply" in s) return { chunks: s.reply };
  return s.fault === "truncated" ? "truncated_ndjson" : s.fault;
}

export function toSse(s: FaultScript): Script {
  if ("http" in s) return { status: s.http, type: s.type ?? "api_error", message: s.message, code: s.code, headers: s.headers };
  if ("reply" in s) return { chunks: s.reply };
  if (s.fault === "truncated") return "truncated_sse";
  if (s.fault === "error_mid_stream") return "error_event_mid_stream";
  return s.fault;
}

export interface Fakes {
  ollama: FakeOllama;
  openai: FakeOpenAI;
  anthropic: FakeAnthropic;
  /** Scripts for the next requests, oldest first; when empty, `fallback` answers. */
  queue: FaultScript[];
  fallback: FaultScript;
  chatCount(kind: Kind): number;
  close(): Promise<void>;
}

export async function startFakes(): Promise<Fakes> {
  const next = () => fakes.queue.shift() ?? fakes.fallback;
  const [ollama, openai, anthropic] = await Promise.all([
    startFakeOllama({ models: ["fast-a"], respond: () => toOllama(next()) }),
    startFakeOpenAI({ respond: () => toSse(next()) }),
    startFakeAnthropic({ respond: () => toSse(next()) }),
  ]);
  const fakes: Fakes = {
    ollama,
    openai,
    anthropic,
    queue: [],
    fallback: { reply: ["au", "th"] },
    chatCount: (kind) => (kind === "ollama" ? ollama.chatBodies().length : kind === "openai" ? openai.chatBodies().length : anthropic.messageBodies().length),
    close: async () => void (await Promise.all([ollama.close(), openai.close(), anthropic.close()])),
  };
  return fakes;
}

export function providerConfig(kind: Kind, fakes: Fakes, hostOverride?: string): Record<string, unknown> {
  if (kind === "ollama") return { kind, host: hostOverride ?? fakes.ollama.url };
  if (kind === "openai") return { kind, base_url: hostOverride ? `${hostOverride}/v1` : fakes.openai.baseURL, api_key_env: "FAULT_KEY" };
  return { kind, base_url: hostOverride ?? fakes.anthropic.url, api_key_env: "FAULT_KEY" };
}

export interface FaultRouter {
  router: Router;
  ledger: SqliteLedger;
  sleeps: number[];
  quality: ScriptedProvider;
  /** Routes through routeStream and returns the result with the text the caller actually saw. */
  route(prompt?: string): Promise<{ result: RouteResult; seen: string }>;
}

export function faultRouter(args: {
  kind: Kind;
  fakes: Fakes;
  hostOverride?: string;
  defaults?: Record<string, number>;
  retry?: Record<string, number>;
  circuit?: CircuitBreaker | false;
  quality?: ScriptedProvider;
}): FaultRouter {
  const fx = writeTestConfig((d) => {
    d.providers = {
      fast: providerConfig(args.kind, args.fakes, args.hostOverride),
      quality: { kind: "scripted" },
      api: { kind: "scripted" },
      api2: { kind: "scripted" },
    };
    d.defaults = { threshold: 0.7, timeout_ms: 2000, deadline_ms: 10_000, max_tokens: 64, ...args.defaults };
    d.retry = { max_retries: 2, base_delay_ms: 100, max_delay_ms: 1000, ...args.retry };
  });
  const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
  const sleeps: number[] = [];
  const quality = args.quality ?? new ScriptedProvider([{ reply: "ui" }], { name: "quality" });
  const router = new Router({
    config: fx.load(),
    ledger,
    providers: { providers: { quality }, env: { FAULT_KEY } },
    circuit: args.circuit ?? false,
    rng: createRng(7),
    sleep: async (ms) => void sleeps.push(ms),
  });
  return {
    router,
    ledger,
    sleeps,
    quality,
    async route(prompt = "Fixed the login bug") {
      let seen = "";
      let result: RouteResult | undefined;
      for await (const ev of router.routeStream({ action: "classify", prompt })) {
        if (ev.type === "text") seen += ev.text;
        if (ev.type === "result") result = ev.result;
      }
      return { result: result!, seen };
    },
  };
}
