/**
 * The shared core of the protocol-level fake servers (Ollama, OpenAI, Anthropic): a real HTTP server
 * on 127.0.0.1 with a port chosen by the OS, request recording, timed writes and the network faults
 * the fault-injection suite needs. Each fake adds its own wire format on top.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => Promise<void> | void;

export interface FakeServer {
  url: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeServer(handler: Handler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // keep the raw text: the fake must see malformed requests as they came
    }
    const rec: RecordedRequest = { method: req.method ?? "GET", path: (req.url ?? "/").split("?")[0]!, headers: req.headers, body };
    requests.push(rec);
    try {
      await handler(rec, res);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: String(err) }));
    }
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Gap before piece i: the TTFT before the first, then a fixed or per-index gap. */
export function gapBefore(i: number, timing: { ttftMs?: number; gapMs?: number | number[] }): number {
  if (i === 0) return timing.ttftMs ?? 0;
  const g = timing.gapMs;
  return Array.isArray(g) ? (g[i - 1] ?? 0) : (g ?? 0);
}

/**
 * Network-level faults shared by every fake. `stall` keeps the connection open and silent
 * (the client's timeout must fire); `reset` destroys the socket.
 */
export type NetworkFault = "hang_before_headers" | "reset_before_headers" | "stall_after" | "reset_after";

export async function stallForever(res: ServerResponse): Promise<void> {
  // Never resolves on its own: the socket is destroyed by close() or by the client hanging up.
  await new Promise<void>((resolve) => res.on("close", resolve));
}

export function resetConnection(res: ServerResponse): void {
  res.socket?.destroy();
}
