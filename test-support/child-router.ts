/**
 * A separate router process for the crash and two-process budget tests, configured only from a
 * router YAML (scripted providers), exactly as `tierlab route` builds its Router.
 *
 *   node --import tsx test-support/child-router.ts loop   '{"config":...,"ledger":...,"concurrency":16}'
 *     routes forever; prints each request id once its route resolved (its rows are committed).
 *   node --import tsx test-support/child-router.ts budget '{"config":...,"ledger":...,"requests":50}'
 *     prints "ready", waits for a line on stdin, routes the requests with `concurrency` workers, prints a JSON summary.
 */
import { createInterface } from "node:readline";
import { loadRouterConfig } from "../router/config/load.js";
import { BudgetExceededError } from "../core/errors.js";
import { SqliteLedger } from "../router/ledger/sqlite-ledger.js";
import { Router } from "../router/router.js";

interface ChildArgs {
  config: string;
  ledger: string;
  action?: string;
  concurrency?: number;
  requests?: number;
}

const [mode, json] = process.argv.slice(2);
const args = JSON.parse(json ?? "{}") as ChildArgs;
const config = loadRouterConfig(args.config);
const ledger = new SqliteLedger(args.ledger, { mode: "durable" });
const router = new Router({ config, ledger });
const action = args.action ?? "classify";

if (mode === "loop") {
  let n = 0;
  const worker = async (w: number) => {
    for (;;) {
      const id = `${process.pid}-${w}-${n++}`;
      // Alternate prompts: some answered locally, some escalated to the paid tier (reservations).
      await router.route({ action, prompt: n % 3 === 0 ? "Fixed auth bug" : "something vague", requestId: id });
      // Pipes are synchronous on Linux: once written, the parent can read it even after a kill -9.
      process.stdout.write(`${id}\n`);
    }
  };
  await Promise.all(Array.from({ length: args.concurrency ?? 16 }, (_, w) => worker(w)));
} else if (mode === "budget") {
  process.stdout.write("ready\n");
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once("line", () => resolve()));
  // Workers pulling from one queue: reservations of both processes interleave for the whole run.
  const total = args.requests ?? 50;
  const settled: PromiseSettledResult<unknown>[] = [];
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      settled.push(
        await router.route({ action, prompt: `request ${i} from ${process.pid}` }).then(
          (value) => ({ status: "fulfilled" as const, value }),
          (reason: unknown) => ({ status: "rejected" as const, reason }),
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: args.concurrency ?? 10 }, worker));
  const answered = settled.filter((s) => s.status === "fulfilled").length;
  const refused = settled.filter((s) => s.status === "rejected" && s.reason instanceof BudgetExceededError).length;
  const other = settled.flatMap((s) => (s.status === "rejected" && !(s.reason instanceof BudgetExceededError) ? [String(s.reason)] : []));
  process.stdout.write(`${JSON.stringify({ pid: process.pid, answered, refused, other })}\n`);
  ledger.close();
  await router.close();
  process.exit(0);
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
