/**
 * The agent loop of the swarm-daemon example: each iteration plans with `orchestration` (the API
 * tier, as the seed prescribes) and does its memory bookkeeping on the cheap actions
 * (`classify_memory`, `tag`, `yes_no`), all through one Router, so every step lands in the ledger.
 *
 * The objective is a concrete piece of work, not a mood: file every entry of the inbox. It is done
 * when the inbox is empty, so "done" never depends on what a tiny model happens to answer.
 */
import type { RouteResult } from "../../router/contracts/route-result.js";
import { AllTiersFailedError, failedRouteOf } from "../../router/all-tiers-failed.js";
import { BudgetExceededError } from "../../core/errors.js";
import type { Router } from "../../router/router.js";

export const DEFAULT_INBOX = [
  "Fixed auth bug in the login flow",
  "Added an index on users.email to speed up lookups",
  "Save button misaligned on the settings page",
  "Documented the retry policy in the README",
  "Flaky integration test for the payments API",
  "Bumped the CI build to Node 20",
  "Rotated the leaked deploy token",
  "Moved request timeouts into config.yaml",
];

export interface StepLog {
  iteration: number;
  action: string;
  verdict: RouteResult["verdict"] | "failed" | "refused";
  tier?: string;
  model?: string;
  confidence?: number;
  costUsd: number;
  latencyMs: number;
  answer: string;
}

export interface MemoryEntry {
  entry: string;
  topic: string;
  tags: string[];
  followUp: boolean | undefined;
}

export interface LoopResult {
  iterations: number;
  stoppedBy: "done" | "max-iterations" | "interrupted";
  steps: StepLog[];
  memory: MemoryEntry[];
  costUsd: number;
}

export interface LoopOptions {
  router: Router;
  objective: string;
  maxIterations: number;
  inbox?: string[];
  /** Aborted on Ctrl-C: the loop finishes the step in flight, then stops. Never passed to the router. */
  stop?: AbortSignal;
  verbose?: boolean;
  log?: (line: string) => void;
  /** Caller tag in the ledger, for per-caller budgets and reports. */
  tag?: string;
}

export async function runAgentLoop(opts: LoopOptions): Promise<LoopResult> {
  const log = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const inbox = [...(opts.inbox ?? DEFAULT_INBOX)];
  const steps: StepLog[] = [];
  const memory: MemoryEntry[] = [];
  let planner = true;
  let iteration = 0;
  const stopped = () => opts.stop?.aborted === true;

  const step = async (action: string, prompt: string): Promise<StepLog> => {
    const t0 = performance.now();
    let s: StepLog;
    try {
      const r = await opts.router.route({ action, prompt, tag: opts.tag });
      s = {
        iteration,
        action,
        verdict: r.verdict,
        tier: r.tier,
        model: r.modelId,
        confidence: r.confidence,
        costUsd: r.costUsd,
        latencyMs: r.latencyMs,
        answer: r.text,
      };
    } catch (err) {
      // A failed step is logged and the loop goes on: the ledger already holds its attempts.
      if (!(err instanceof AllTiersFailedError) && !(err instanceof BudgetExceededError)) throw err;
      const partial = failedRouteOf(err);
      s = {
        iteration,
        action,
        verdict: err instanceof BudgetExceededError ? "refused" : "failed",
        costUsd: partial?.costUsd ?? 0,
        latencyMs: performance.now() - t0,
        answer: err.message.split("\n")[0]!,
      };
    }
    steps.push(s);
    if (opts.verbose) log(describeStep(s));
    return s;
  };

  log(`objective: ${opts.objective} (${inbox.length} inbox entries, at most ${opts.maxIterations} iterations)`);
  while (iteration < opts.maxIterations && inbox.length > 0 && !stopped()) {
    iteration++;
    const entry = inbox[0]!;
    if (planner) {
      const done = memory.map((m) => `- ${m.entry} → ${m.topic}`).join("\n") || "- nothing yet";
      const plan = await step(
        "orchestration",
        `Objective: ${opts.objective}\nDone so far:\n${done}\nNext inbox entry: "${entry}"\nWhat is the next step? One sentence.`,
      );
      if (plan.verdict === "failed") {
        // Without the API tier there is no planner worth asking each iteration; the plan is fixed.
        planner = false;
        log(`planner unavailable (${plan.answer}); continuing with the fixed plan: file each inbox entry on the local tiers`);
      }
    }
    if (stopped()) break;
    const topic = await step("classify_memory", entry);
    if (stopped()) break;
    const tags = await step("tag", entry);
    if (stopped()) break;
    const follow = await step("yes_no", `Does this change need follow-up work? "${entry}"`);
    inbox.shift();
    memory.push({ entry, topic: parseLabel(topic) ?? "unknown", tags: parseTags(tags), followUp: answered(follow) ? parseLabel(follow) === "yes" : undefined });
    if (!opts.verbose) log(`iteration ${iteration}: filed "${entry}" as ${memory.at(-1)!.topic}`);
  }
  const stoppedBy = stopped() ? "interrupted" : inbox.length === 0 ? "done" : "max-iterations";
  return { iterations: iteration, stoppedBy, steps, memory, costUsd: steps.reduce((s, x) => s + x.costUsd, 0) };
}

const answered = (s: StepLog) => s.verdict === "accepted" || s.verdict === "best_effort";

/** `{"label":"auth"}` from JSON actions; the bare text otherwise. */
function parseLabel(s: StepLog): string | undefined {
  if (!answered(s)) return undefined;
  try {
    const v = JSON.parse(s.answer) as { label?: unknown };
    if (typeof v?.label === "string") return v.label;
  } catch {
    // not JSON: a text action
  }
  return s.answer.trim().split(/\s+/)[0]?.toLowerCase();
}

/** A JSON label (the shipped `tag` action picks one kind) or comma-separated free tags. */
function parseTags(s: StepLog): string[] {
  if (!answered(s)) return [];
  if (s.answer.trim().startsWith("{")) {
    const label = parseLabel(s);
    return label ? [label] : [];
  }
  return s.answer
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean)
    .slice(0, 4);
}

export function describeStep(s: StepLog): string {
  const where = s.tier ? `${s.tier}/${s.model}` : "no tier";
  const conf = s.confidence === undefined ? "" : ` confidence ${s.confidence.toFixed(2)}`;
  const answer = s.answer.replace(/\s+/g, " ").slice(0, 60);
  return `  [${s.iteration}] ${s.action.padEnd(15)} ${s.verdict.padEnd(11)} ${where}${conf} $${s.costUsd.toFixed(6)} ${Math.round(s.latencyMs)} ms: ${answer}`;
}
