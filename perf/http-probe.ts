/**
 * The benchmark client: one POST over a keep-alive node:http agent, timing the whole exchange and,
 * for streams, the arrival of the first content piece. The same client measures every target, so
 * its own cost cancels out of "added" numbers.
 */
import { Agent, request } from "node:http";

export interface ProbeTiming {
  e2eMs: number;
  /** When the chunk holding `firstMark` arrived; undefined when none did. */
  ttftMs: number | undefined;
}

export function probeAgent(maxSockets = 1): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

export function post(args: { agent: Agent; url: string; body: string; firstMark?: string }): Promise<ProbeTiming> {
  const u = new URL(args.url);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let ttftMs: number | undefined;
    const req = request(
      {
        agent: args.agent,
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(args.body), "anthropic-version": "2023-06-01" },
      },
      (res) => {
        res.on("data", (c: Buffer) => {
          if (ttftMs === undefined && args.firstMark && c.includes(args.firstMark)) ttftMs = performance.now() - t0;
        });
        res.on("end", () =>
          res.statusCode === 200 ? resolve({ e2eMs: performance.now() - t0, ttftMs }) : reject(new Error(`${args.url}: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(args.body);
  });
}
