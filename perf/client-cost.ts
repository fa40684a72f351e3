/**
 * Where the gateway's CPU goes on the way to the upstream: the CPU this process spends per call,
 * serially, against the instant upstream in its own process, for (1) a bare request over the shared
 * transport, (2) the official openai SDK's streaming chat completion over that transport, and
 * (3) the OpenAIProvider (the SDK plus the mapping onto the Provider contract). The upstream's own
 * CPU is not counted, so the rows add up to what the hop costs on the client side.
 */
import { OpenAIProvider } from "../router/providers/openai.js";
import { createHttpTransport } from "../router/transport/http-transport.js";
import OpenAI from "openai";
import { startChild } from "./gateway-throughput.js";

/** CPU µs per call of each variant, measured in alternating rounds so drift in the machine's load falls on all alike. */
async function cpuPerCall(n: number, calls: Array<() => Promise<void>>): Promise<number[]> {
  for (const call of calls) for (let i = 0; i < Math.min(300, n); i++) await call();
  const total = calls.map(() => 0);
  const rounds = 5;
  const per = Math.ceil(n / rounds);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < calls.length; k++) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < per; i++) await calls[k]!();
      const c = process.cpuUsage(c0);
      total[k]! += c.user + c.system;
    }
  }
  return total.map((t) => t / (per * rounds));
}

export async function measureClientCost(n: number): Promise<{ transportUs: number; sdkUs: number; providerUs: number }> {
  const upstream = await startChild(["upstream"]);
  const transport = createHttpTransport();
  try {
    const body = JSON.stringify({ model: "perf-model", messages: [{ role: "user", content: "x" }], stream: true });
    const url = `${upstream.url}/v1/chat/completions`;
    const sdk = new OpenAI({ apiKey: "x", baseURL: `${upstream.url}/v1`, maxRetries: 0, fetch: transport.fetch });
    const provider = new OpenAIProvider({ baseURL: `${upstream.url}/v1`, fetch: transport.fetch });
    const messages = [{ role: "user" as const, content: "x" }];
    const [transportUs, sdkUs, providerUs] = (await cpuPerCall(n, [
      async () => void (await (await transport.fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body })).text()),
      async () => {
        for await (const _ of await sdk.chat.completions.create({ model: "perf-model", messages, stream: true })) void _;
      },
      async () => void (await provider.chat({ model: "perf-model", messages })),
    ])) as [number, number, number];
    return { transportUs, sdkUs, providerUs };
  } finally {
    await transport.close();
    upstream.stop();
  }
}
