/**
 * `npm run perf -- gateway`: what the gateway adds, next to a bare pass-through proxy measured in the
 * same run (perf/pass-through-proxy.ts, the floor any HTTP hop costs here).
 *
 * - hop (concurrency 1): the same client calls an instant OpenAI-compatible upstream directly,
 *   through the pass-through proxy and through the gateway (parsing, routing, quality checks, the
 *   durable SQLite ledger, metrics, the openai SDK over the shared undici transport), interleaved
 *   in rotating order; "added" is the difference of the p50s. Everything runs in this process on one
 *   event loop, so a latency is the CPU time of every party on the path.
 * - processing: the gateway with an in-process provider instead of the HTTP upstream.
 * - stream TTFT (concurrency 1): the upstream holds its first token 5 ms; the client times the arrival
 *   of that token directly, through the proxy, and through the gateway's live stream.
 * - throughput (perf/gateway-throughput.ts): each party in its own process, 32 requests in flight.
 * - client cost (perf/client-cost.ts): CPU per upstream call of the bare transport, the openai SDK
 *   and the OpenAIProvider, the measured share of the hop that is not tierlab's own code.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Agent } from "node:http";
import { measureClientCost } from "./client-cost.js";
import { gatewayPerfConfig, PERF_ACTION } from "./gateway-config.js";
import { measureThroughput } from "./gateway-throughput.js";
import { post, probeAgent, type ProbeTiming } from "./http-probe.js";
import { FIRST_TOKEN_MARK, startInstantUpstream } from "./instant-upstream.js";
import { startPassThroughProxy } from "./pass-through-proxy.js";
import { quantile, type PerfRow } from "./types.js";
import type { Provider } from "../router/contracts/provider.js";
import { SqliteLedger } from "../router/ledger/sqlite-ledger.js";
import { ScriptedProvider } from "../router/providers/scripted.js";
import { Router } from "../router/router.js";
import { createGateway, type Gateway } from "../gateway/server.js";

export interface GatewayPerfOptions {
  /** Measured requests per target in the latency scenarios. Default 3000. */
  requests?: number;
  /** Requests per target run first and discarded (JIT, sockets, SQLite pages). Default 500. */
  warmup?: number;
  /** Requests per target in the throughput run; 0 skips it. Default 20,000. */
  throughputRequests?: number;
  /** Upstream calls per variant in the client-cost breakdown. Default requests / 2. */
  clientCostCalls?: number;
}

const HOP_TARGET_MS = 0.3;
const TTFT_TARGET_MS = 1;
const THROUGHPUT_TARGET = 5000;
const FIRST_TOKEN_MS = 5;

interface Target {
  url: string;
  body: string;
}

/** Runs every target once per round in rotating order (cancels drift: GC, the other core's load). */
async function interleave(agent: Agent, targets: Target[], rounds: number, warmup: number, firstMark?: string): Promise<ProbeTiming[][]> {
  const out: ProbeTiming[][] = targets.map(() => []);
  for (let i = 0; i < warmup + rounds; i++) {
    for (let k = 0; k < targets.length; k++) {
      const j = (i + k) % targets.length;
      const t = await post({ agent, url: targets[j]!.url, body: targets[j]!.body, firstMark });
      if (i >= warmup) out[j]!.push(t);
    }
  }
  return out;
}

const p = (xs: number[], q: number) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    q,
  );

async function startGateway(upstreamUrl: string, provider?: Provider): Promise<{ gateway: Gateway; close(): Promise<void> }> {
  const fx = gatewayPerfConfig(upstreamUrl);
  const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
  const router = new Router({ config: fx.load(), ledger, providers: { providers: provider ? { fast: provider } : {} } });
  const gateway = await createGateway({ router, port: 0 });
  return {
    gateway,
    async close() {
      await gateway.close({ graceMs: 1000 });
      await router.close();
      ledger.close();
      rmSync(fx.dir, { recursive: true, force: true });
    },
  };
}

export async function runGatewayPerf(options: GatewayPerfOptions = {}): Promise<PerfRow[]> {
  const n = options.requests ?? 3000;
  const warmup = options.warmup ?? 500;
  const throughputN = options.throughputRequests ?? 20_000;
  const messages = [{ role: "user", content: "Fixed login bug" }];
  const direct = JSON.stringify({ model: "perf-model", messages });
  const routed = JSON.stringify({ model: `tierlab/${PERF_ACTION}`, messages });
  const ms = (name: string, value: number, target?: number): PerfRow => ({
    name,
    value: Math.round(value * 1000) / 1000,
    unit: "ms",
    ...(target === undefined ? {} : { target: `≤ ${target}`, ok: value <= target }),
  });
  const rows: PerfRow[] = [];
  const agent = probeAgent();
  const cleanup: Array<() => Promise<void>> = [];
  try {
    const upstream = await startInstantUpstream();
    cleanup.push(upstream.close);
    const proxy = await startPassThroughProxy(upstream.url);
    cleanup.push(proxy.close);
    const viaHttp = await startGateway(upstream.url);
    cleanup.push(viaHttp.close);
    const inProcess = await startGateway(upstream.url, new ScriptedProvider([{ reply: "auth" }], { name: "fast" }));
    cleanup.push(inProcess.close);
    const path = "/v1/chat/completions";
    const [d, x, g, ip] = (
      await interleave(
        agent,
        [
          { url: upstream.url + path, body: direct },
          { url: proxy.url + path, body: direct },
          { url: viaHttp.gateway.url + path, body: routed },
          { url: inProcess.gateway.url + path, body: routed },
        ],
        n,
        warmup,
      )
    ).map((ts) => ts.map((t) => t.e2eMs));
    const floor = p(x!, 0.5) - p(d!, 0.5);
    const hop = p(g!, 0.5) - p(d!, 0.5);
    rows.push(
      ms("upstream direct p50 (concurrency 1)", p(d!, 0.5)),
      ms("pass-through proxy added p50 (the floor)", floor),
      ms("gateway hop added p50 (openai SDK → HTTP upstream)", hop, HOP_TARGET_MS),
      { name: "gateway hop / pass-through floor", value: hop / floor, unit: "×" },
      ms("pass-through proxy added p99", p(x!, 0.99) - p(d!, 0.99)),
      ms("gateway hop added p99", p(g!, 0.99) - p(d!, 0.99)),
      ms("gateway processing added p50 (in-process provider)", p(ip!, 0.5) - p(d!, 0.5)),
    );

    const slow = await startInstantUpstream({ firstTokenMs: FIRST_TOKEN_MS });
    cleanup.push(slow.close);
    const slowProxy = await startPassThroughProxy(slow.url);
    cleanup.push(slowProxy.close);
    const streaming = await startGateway(slow.url);
    cleanup.push(streaming.close);
    const stream = (body: string) => body.replace(/}$/, ',"stream":true}');
    const ttftRounds = Math.max(200, Math.round(n / 6));
    const [sd, sx, sg] = (
      await interleave(
        agent,
        [
          { url: slow.url + path, body: stream(direct) },
          { url: slowProxy.url + path, body: stream(direct) },
          { url: streaming.gateway.url + path, body: stream(routed) },
        ],
        ttftRounds,
        Math.round(warmup / 5),
        FIRST_TOKEN_MARK,
      )
    ).map((ts) => ts.map((t) => t.ttftMs!));
    rows.push(
      ms(`stream TTFT direct p50 (upstream holds the first token ${FIRST_TOKEN_MS} ms)`, p(sd!, 0.5)),
      ms("stream TTFT added by the pass-through proxy p50 (the floor)", p(sx!, 0.5) - p(sd!, 0.5)),
      ms("stream TTFT added by the gateway p50 (live stream)", p(sg!, 0.5) - p(sd!, 0.5), TTFT_TARGET_MS),
      ms("stream TTFT added by the gateway p99", p(sg!, 0.99) - p(sd!, 0.99)),
    );

    if (throughputN > 0) {
      const t = await measureThroughput({ requests: throughputN, concurrency: 32 });
      rows.push(
        { name: "pass-through proxy requests/s, 32 in flight, wall clock", value: t.proxy.rps, unit: "req/s" },
        { name: "gateway requests/s, 32 in flight, durable ledger, wall clock", value: t.gateway.rps, unit: "req/s" },
        { name: "pass-through proxy requests per CPU-second (one core)", value: t.proxy.perCoreRps, unit: "req/s" },
        {
          name: "gateway requests per CPU-second (one core), durable ledger",
          value: t.gateway.perCoreRps,
          unit: "req/s",
          target: `≥ ${THROUGHPUT_TARGET.toLocaleString("en-US")}`,
          ok: t.gateway.perCoreRps >= THROUGHPUT_TARGET,
        },
        { name: "gateway CPU per request / pass-through CPU per request", value: t.gateway.cpuUsPerRequest / t.proxy.cpuUsPerRequest, unit: "×" },
        { name: "CPU per request, pass-through proxy", value: t.proxy.cpuUsPerRequest, unit: "µs" },
        { name: "  … gateway with an in-process provider (no SDK, no upstream hop)", value: t.scripted.cpuUsPerRequest, unit: "µs" },
        { name: "  … gateway, openai SDK → HTTP upstream", value: t.gateway.cpuUsPerRequest, unit: "µs" },
      );
    }
    const cost = await measureClientCost(options.clientCostCalls ?? Math.max(300, Math.round(n / 2)));
    rows.push(
      { name: "client CPU per upstream call: bare transport", value: cost.transportUs, unit: "µs" },
      { name: "  … the openai SDK's streaming call over it", value: cost.sdkUs, unit: "µs" },
      { name: "  … OpenAIProvider (SDK + Provider contract)", value: cost.providerUs, unit: "µs" },
      { name: "latency requests per target", value: n, unit: "req" },
    );
    return rows;
  } finally {
    agent.destroy();
    for (const c of cleanup.reverse()) await c();
  }
}
