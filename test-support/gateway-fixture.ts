/**
 * A gateway on an OS-chosen port in front of a Router whose providers are ScriptedProvider instances,
 * unless a test hands in other Providers (GatedProvider, an HTTP provider against a fake server).
 */
import { join } from "node:path";
import OpenAI from "openai";
import { writeTestConfig } from "./router-fixture.js";
import type { BudgetGuard } from "../router/budget/contract.js";
import { ResponseCache } from "../router/cache/response-cache.js";
import { SqliteLedger } from "../router/ledger/sqlite-ledger.js";
import type { Provider } from "../router/contracts/provider.js";
import { ScriptedProvider, type ScriptLine } from "../router/providers/scripted.js";
import { Production } from "../router/production/production.js";
import { Router } from "../router/router.js";
import { createGateway, type Gateway, type GatewayOptions } from "../gateway/server.js";

export interface FixtureOptions {
  fast?: ScriptLine[];
  quality?: ScriptLine[];
  api?: ScriptLine[];
  api2?: ScriptLine[];
  budget?: BudgetGuard;
  cache?: ResponseCache;
  gateway?: Partial<Omit<GatewayOptions, "router">>;
  /** Replace providers by name; the scripted ones stay in `providers` either way. */
  override?: Partial<Record<"fast" | "quality" | "api" | "api2", Provider>>;
  /** Edit the router config before it is loaded. */
  mutate?: (data: Record<string, unknown>) => void;
  /** Give the router a Production (shadow checks, feedback, drift, batch) on the fixture's ledger. */
  production?: boolean;
}

export interface Fixture {
  gateway: Gateway;
  router: Router;
  ledger: SqliteLedger;
  providers: Record<"fast" | "quality" | "api" | "api2", ScriptedProvider>;
  /** The official SDK pointed at the gateway; no retries unless asked. */
  client(opts?: { apiKey?: string; maxRetries?: number }): OpenAI;
  close(): Promise<void>;
}

export async function startFixture(opts: FixtureOptions = {}): Promise<Fixture> {
  const fx = writeTestConfig(opts.mutate);
  const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
  const providers = {
    fast: new ScriptedProvider(opts.fast ?? [{ reply: "auth" }], { name: "fast" }),
    quality: new ScriptedProvider(opts.quality ?? [{ reply: "auth" }], { name: "quality" }),
    api: new ScriptedProvider(opts.api ?? [{ reply: "auth" }], { name: "api" }),
    api2: new ScriptedProvider(opts.api2 ?? [{ reply: "auth" }], { name: "api2" }),
  };
  const config = fx.load();
  const production = opts.production ? await Production.open({ config, ledger }) : undefined;
  const router = new Router({
    config,
    ledger,
    providers: { providers: { ...providers, ...opts.override } },
    budget: opts.budget,
    cache: opts.cache,
    sleep: async () => {},
    production,
  });
  const logs: string[] = [];
  const gateway = await createGateway({ router, port: 0, log: (l) => logs.push(l), ...opts.gateway });
  return {
    gateway,
    router,
    ledger,
    providers,
    client: (c = {}) => new OpenAI({ apiKey: c.apiKey ?? "unused", baseURL: `${gateway.url}/v1`, maxRetries: c.maxRetries ?? 0 }),
    async close() {
      await gateway.close({ graceMs: 1000 });
      await router.close();
      ledger.close();
    },
  };
}
