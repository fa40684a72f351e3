/**
 * The floor for the gateway benchmarks: a bare Node reverse proxy that forwards each request to the
 * upstream unchanged and pipes the answer back chunk by chunk, over the same undici transport the
 * gateway's providers use. No parsing, routing, checks or ledger: what any HTTP hop costs here.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, type Dispatcher } from "undici";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "host", "te", "trailer", "upgrade", "proxy-connection"]);

function forwardable(h: IncomingHttpHeaders | Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
  return out;
}

export async function startPassThroughProxy(upstream: string): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const origin = new URL(upstream).origin;
  const agent = new Agent({ pipelining: 1, keepAliveTimeout: 60_000 });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      agent
        .request({
          origin,
          path: req.url ?? "/",
          method: (req.method ?? "GET") as Dispatcher.HttpMethod,
          headers: forwardable(req.headers),
          body: Buffer.concat(chunks),
        })
        .then(
          (up) => {
            res.writeHead(up.statusCode, forwardable(up.headers));
            up.body.pipe(res);
          },
          () => {
            res.writeHead(502);
            res.end();
          },
        );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await agent.close();
    },
  };
}
