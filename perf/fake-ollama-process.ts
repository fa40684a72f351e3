/**
 * A minimal Ollama stand-in in its own process for the harness benchmark: every /api/chat answers
 * one NDJSON content line after a fixed delay, then the done line. Plain timers, no busy-waiting,
 * so 64 concurrent requests do not compete for the CPU inside the server.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const latency = Number(process.argv[2] ?? 50);
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    if (req.url === "/api/version") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end('{"version":"0.0.0-perf"}');
    }
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.flushHeaders();
    setTimeout(() => {
      const at = new Date().toISOString();
      res.write(JSON.stringify({ model: "phi3:mini", created_at: at, message: { role: "assistant", content: "auth" }, done: false }) + "\n");
      res.end(
        JSON.stringify({
          model: "phi3:mini",
          created_at: at,
          message: { role: "assistant", content: "" },
          done: true,
          done_reason: "stop",
          prompt_eval_count: 10,
          eval_count: 1,
        }) + "\n",
      );
    }, latency);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
