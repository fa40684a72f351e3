/**
 * One party of the gateway throughput benchmark in its own process, so each has its own event loop
 * and its CPU time can be read on its own: `upstream`, `proxy <upstream-url>` (the pass-through
 * floor), `gateway <upstream-url>` (tierlab serve with the durable SQLite ledger) or
 * `gateway-scripted` (the same with an in-process provider: no SDK, no upstream hop). Prints its URL
 * on the first stdout line; answers an IPC "cpu" message with its process.cpuUsage().
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createGateway } from "../gateway/server.js";
import type { Provider } from "../router/contracts/provider.js";
import { SqliteLedger } from "../router/ledger/sqlite-ledger.js";
import { ScriptedProvider } from "../router/providers/scripted.js";
import { Router } from "../router/router.js";
import { startInstantUpstream } from "./instant-upstream.js";
import { startPassThroughProxy } from "./pass-through-proxy.js";
import { gatewayPerfConfig } from "./gateway-config.js";

const [role, upstream] = process.argv.slice(2);
let close: () => Promise<void>;
let url: string;

if (role === "upstream") {
  const u = await startInstantUpstream();
  ({ url, close } = u);
} else if (role === "proxy") {
  const p = await startPassThroughProxy(upstream!);
  ({ url, close } = p);
} else if (role === "gateway" || role === "gateway-scripted") {
  const fx = gatewayPerfConfig(upstream ?? "http://127.0.0.1:9");
  const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
  const scripted: Record<string, Provider> = role === "gateway-scripted" ? { fast: new ScriptedProvider([{ reply: "auth" }], { name: "fast" }) } : {};
  const router = new Router({ config: fx.load(), ledger, providers: { providers: scripted } });
  const gateway = await createGateway({ router, port: 0 });
  url = gateway.url;
  close = async () => {
    await gateway.close({ graceMs: 500 });
    await router.close();
    ledger.close();
    rmSync(fx.dir, { recursive: true, force: true });
  };
} else {
  throw new Error(`unknown role ${role}: use upstream, proxy <url>, gateway <url> or gateway-scripted`);
}

process.on("message", (m) => {
  if (m === "cpu") process.send!(process.cpuUsage());
});
const exit = () => {
  // A close that waits on a party already gone must not leave this process behind.
  setTimeout(() => process.exit(0), 1000).unref();
  void close().finally(() => process.exit(0));
};
process.on("SIGTERM", exit);
// The parent died or stopped without a SIGTERM (a test that timed out): go too.
process.on("disconnect", exit);
process.stdout.write(`${url}\n`);
