/**
 * The stand-in upstream for the gateway benchmarks: an OpenAI-compatible server answering a canned
 * chat completion, streamed when asked. `firstTokenMs` delays the first content chunk (and the rest
 * by as much again), so time to first token can be told from time to last; 0 answers at once.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const COMPLETION = JSON.stringify({
  id: "chatcmpl-perf",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "perf-model",
  choices: [{ index: 0, message: { role: "assistant", content: "auth", refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 },
});
const chunk = (choices: unknown[], usage: unknown = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-perf", object: "chat.completion.chunk", created: 1_700_000_000, model: "perf-model", choices, usage })}\n\n`;
const HEAD = chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]);
const FIRST = chunk([{ index: 0, delta: { content: "au" }, finish_reason: null }]);
const REST =
  chunk([{ index: 0, delta: { content: "th" }, finish_reason: null }]) +
  chunk([{ index: 0, delta: {}, finish_reason: "stop" }]) +
  chunk([], { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 }) +
  "data: [DONE]\n\n";

/** The first content piece on the wire: what a TTFT probe waits for. */
export const FIRST_TOKEN_MARK = '"content":"au"';

export async function startInstantUpstream(opts: { firstTokenMs?: number } = {}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const delay = opts.firstTokenMs ?? 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (!body.includes('"stream":true')) {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(COMPLETION) });
        return void res.end(COMPLETION);
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      if (delay === 0) return void res.end(HEAD + FIRST + REST);
      res.write(HEAD);
      setTimeout(() => {
        res.write(FIRST);
        setTimeout(() => res.end(REST), delay);
      }, delay);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
