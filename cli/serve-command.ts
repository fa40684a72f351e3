/** `tierlab serve`: the OpenAI- and Anthropic-compatible gateway as a long-running command, stopped by SIGINT or SIGTERM. */
import type { Argv, CommandModule } from "yargs";
import { loadConfigFromArgs, openLedger, runCommand, withConfigOptions, type ArgsOf } from "./common.js";
import { ResponseCache } from "../router/cache/response-cache.js";
import { UsageError } from "../core/errors.js";
import { Production } from "../router/production/production.js";
import { Router } from "../router/router.js";
import { normaliseOrigin } from "../gateway/origin.js";
import { createGateway } from "../gateway/server.js";

const builder = (y: Argv) =>
  withConfigOptions(y)
    .option("host", { type: "string", default: "127.0.0.1", describe: "address to bind; anything but loopback requires a token" })
    .option("port", { type: "number", default: 8787, describe: "port to listen on" })
    .option("token-env", {
      type: "string",
      default: "TIERLAB_TOKEN",
      describe: "environment variable holding the bearer token clients must send (unset = no token, loopback only)",
    })
    .option("allow-origin", {
      type: "string",
      array: true,
      default: [] as string[],
      describe: "a web page origin (scheme://host[:port]) allowed to call from a browser; repeat for several. Requests from any other Origin get 403",
    })
    .option("cache-ttl", { type: "number", default: 0, describe: "seconds an accepted answer is replayed for identical requests (0 = no cache)" })
    .option("cache-max-entries", {
      type: "number",
      default: 1000,
      describe: "answers the cache holds before evicting the least recently used (a whole number ≥ 1)",
    })
    .option("headers-timeout-ms", {
      type: "number",
      default: 10_000,
      describe: "close a connection whose request headers have not arrived within this long (slow clients hold sockets)",
    })
    .option("body-timeout-ms", {
      type: "number",
      default: 30_000,
      describe: "answer 408 to a request whose body has not arrived within this long after its headers",
    })
    .option("max-connections", { type: "number", default: 1000, describe: "connections open at once; more are closed as they arrive" })
    .option("grace-ms", { type: "number", default: 10_000, describe: "on shutdown, how long in-flight requests may finish" })
    .example("$0 serve --config config/router.embedded.yaml", "serve on 127.0.0.1:8787 with no token")
    .example("$0 serve --allow-origin http://localhost:3000", "also let a web app on localhost:3000 call it from the browser")
    .example("TIERLAB_TOKEN=$(openssl rand -hex 32) $0 serve --host 0.0.0.0 --cache-ttl 600", "serve on every interface, token required");

export const serveCommand: CommandModule<object, ArgsOf<typeof builder>> = {
  command: "serve",
  describe: "OpenAI- and Anthropic-compatible endpoints (/v1/chat/completions, /v1/responses, /v1/messages, /v1/models, /metrics) that route through tierlab",
  builder,
  handler: (args) =>
    runCommand(async (signal) => {
      if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new UsageError({ message: `--port ${args.port} is not a port number` });
      if (!(args["cache-ttl"] >= 0)) throw new UsageError({ message: "--cache-ttl must be >= 0 seconds" });
      for (const flag of ["cache-max-entries", "headers-timeout-ms", "body-timeout-ms", "max-connections", "grace-ms"] as const)
        wholeAtLeast(flag, args[flag], flag === "grace-ms" ? 0 : 1);
      const allowedOrigins = args["allow-origin"].map((o) => {
        try {
          return normaliseOrigin(o);
        } catch (err) {
          throw new UsageError({ message: `--allow-origin: ${(err as Error).message}` });
        }
      });
      const config = loadConfigFromArgs(args);
      const ledger = await openLedger(config, args.ledger);
      const cache = args["cache-ttl"] > 0 ? new ResponseCache({ ttlMs: args["cache-ttl"] * 1000, maxEntries: args["cache-max-entries"] }) : undefined;
      // Shadow checks, feedback and the drift alarm (README "Running in production"); every minute it re-reads
      // the ledger's labels, so feedback given through another instance or the CLI counts here too.
      const production = await Production.open({
        config,
        ledger,
        log: (line) => process.stderr.write(`${line}\n`),
        onAlarm: (e, change) =>
          process.stderr.write(
            `tierlab drift alarm: ${e.action} on ${e.tier}: kept-answer error ${(e.interval.lower * 100).toFixed(1)}–${(e.interval.upper * 100).toFixed(1)} % above α ${(e.alpha * 100).toFixed(1)} % over ${e.n} labels${change ? `; threshold ${change.old_threshold} → ${change.new_threshold}` : ""}\n`,
          ),
      });
      const reload = setInterval(() => void production.reload().catch(() => undefined), 60_000).unref();
      // The batch tier: deferred requests go out every submit_every_ms, batches are polled every poll_every_ms.
      const batchTimers: NodeJS.Timeout[] = [];
      if (Object.values(config.data.actions).some((a) => a.deferrable)) {
        const note = (err: unknown) => process.stderr.write(`tierlab batch: ${(err as Error).message}; the requests stay queued and are tried again\n`);
        batchTimers.push(setInterval(() => void production.batch?.submit().catch(note), config.data.batch.submit_every_ms).unref());
        batchTimers.push(setInterval(() => void production.batch?.collect().catch(note), config.data.batch.poll_every_ms).unref());
      }
      // The Router enforces the config's `budgets:` on this ledger by default; a refusal reaches clients as 429.
      const router = new Router({ config, ledger, cache, production });
      try {
        const gateway = await createGateway({
          router,
          host: args.host,
          port: args.port,
          token: process.env[args["token-env"]],
          allowedOrigins,
          headersTimeoutMs: args["headers-timeout-ms"],
          bodyTimeoutMs: args["body-timeout-ms"],
          maxConnections: args["max-connections"],
        });
        const auth = process.env[args["token-env"]] ? `bearer token from $${args["token-env"]}` : "no token (loopback only)";
        const browsers = allowedOrigins.length ? `browsers from ${allowedOrigins.join(", ")}` : "no browser origins";
        process.stderr.write(
          `tierlab gateway on ${gateway.url}/v1 (${auth}; ${browsers}; cache ${cache ? `${args["cache-ttl"]} s` : "off"}); models: ${Object.keys(
            config.data.actions,
          )
            .map((a) => `tierlab/${a}`)
            .join(", ")}\n`,
        );
        await stopRequested(signal);
        process.stderr.write(`tierlab gateway: shutting down, letting in-flight requests finish (up to ${args["grace-ms"]} ms)\n`);
        await gateway.close({ graceMs: args["grace-ms"] });
      } finally {
        clearInterval(reload);
        for (const t of batchTimers) clearInterval(t);
        await router.close();
        await ledger.close();
      }
    }),
};

function wholeAtLeast(flag: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new UsageError({ message: `--${flag} must be a whole number ≥ ${min} (got ${value})` });
}

/** SIGINT arrives through runCommand's signal; SIGTERM (service managers, containers) is handled here. */
function stopRequested(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGTERM", stop);
      signal.removeEventListener("abort", stop);
      resolve();
    };
    if (signal.aborted) return resolve();
    process.on("SIGTERM", stop);
    signal.addEventListener("abort", stop, { once: true });
  });
}
