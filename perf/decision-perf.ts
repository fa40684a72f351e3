/**
 * The router's per-answer decision on real replies (goal: ≤ 20 µs per answer, on average over what the
 * local tiers really answer): the answer read with the action's kind, its signals, the learned scorer's
 * P(correct) and the threshold (judge-answer.ts, as the cascade runs it), with and without the quality
 * checks that come before. The replies are every recorded local answer (phi3, llama3-8b) of the GSM8K
 * and CRUXEval-O replay sets; the scorer is fitted by the real fit code on synthetic rows of the same
 * features. Also shown, without a target: the hand-picked hard cases of router/answers (repairs,
 * jsonrepair), where reading dominates. Floors in the same run: an empty call, and one scan of each
 * reply for its answer field (the least any reader must do).
 */
import { fitScorer } from "../bench/calibrate/scorer-fit.js";
import { planAction } from "../router/action-plan.js";
import { answerSignals } from "../router/confidence/answer-signals.js";
import { answerFeatures } from "../router/confidence/signals/registry.js";
import { compileScorer } from "../router/confidence/scorer.js";
import { REAL_REPLIES } from "../router/answers/real-replies.fixture.js";
import { loadRouterConfig, REPLAY_CONFIG, resolveFrom } from "../router/config/load.js";
import { parseRecordingFile } from "../router/providers/replay-store.js";
import { assessAnswer, judgeAnswer } from "../router/judge-answer.js";
import { decideCell } from "../router/policy/decide-cell.js";
import type { RouteCell } from "../router/policy/route-cells.js";
import { scoreAnswer } from "../router/quality/score.js";
import { createRng } from "../core/rng.js";
import { quantile, type PerfRow } from "./types.js";

const TARGET_US = 20;
const FEATURES = ["agreement", "check_finish_reason", "check_repetition", "check_required_fields", "extraction"];

function timePer(fn: (i: number) => number, n: number, calls: number): number {
  let sink = 0;
  for (let i = 0; i < Math.min(calls, 20_000); i++) sink += fn(i % n); // JIT warm-up
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) sink += fn(i % n);
    best = Math.min(best, ((performance.now() - t0) * 1e6) / calls);
  }
  if (Number.isNaN(sink)) throw new Error("unreachable: keeps the loop from being optimised away");
  return best;
}

/** Nanoseconds of each item alone: the best of 3 passes of 10 calls, sorted (for quantiles). */
function perItem(fn: (i: number) => number, n: number): number[] {
  let sink = 0;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let rep = 0; rep < 3; rep++) {
      const t0 = performance.now();
      for (let k = 0; k < 10; k++) sink += fn(i);
      best = Math.min(best, ((performance.now() - t0) * 1e6) / 10);
    }
    out[i] = best;
  }
  if (Number.isNaN(sink)) throw new Error("unreachable: keeps the loop from being optimised away");
  return out.sort((a, b) => a - b);
}

export async function runDecisionPerf(): Promise<PerfRow[]> {
  const config = loadRouterConfig(REPLAY_CONFIG, { calibration: false });
  const plans = { number: planAction(config, "grade_school_math"), python_literal: planAction(config, "code_output_prediction") };
  const rng = createRng(5);
  const training = Array.from({ length: 2000 }, () => {
    const agreement = rng.next() < 0.7 ? 1 : 0;
    const extraction = [1, 0.5, 0][Math.floor(rng.next() * 3)]!;
    const features = {
      agreement,
      extraction,
      check_finish_reason: rng.next() < 0.97 ? 1 : 0,
      check_repetition: rng.next(),
      check_required_fields: rng.next() < 0.9 ? 1 : 0,
    };
    return { features, correct: rng.next() < 1 / (1 + Math.exp(-(3 * agreement + extraction - 1.5))) };
  });
  const fit = fitScorer(training, { featureNames: FEATURES, seed: 1, calibration: "isotonic" });
  if (fit.refused) throw new Error(`decision perf: the synthetic fit refused: ${fit.reason}`);
  const scorer = compileScorer(fit.model);
  const models = config.data.providers.replay!.models!;
  const recorded = ["phi3", "llama3-8b"].flatMap((m) =>
    models[m]!.recordings.flatMap((file) =>
      parseRecordingFile(resolveFrom(config.dir, file)).records.map((r) => ({
        plan: file.includes("cruxeval") ? plans.python_literal : plans.number,
        text: r.record.output,
      })),
    ),
  );
  const replies = recorded.map((r) => ({ ...r, peers: ["18"] as (string | null)[] }));
  const hard = REAL_REPLIES.map((r) => ({ plan: plans[r.kind], text: r.output, peers: [r.canonical] as (string | null)[] }));
  const cell = (plan: (typeof replies)[number]["plan"]): RouteCell => ({
    cell: "consensus",
    tier: "LOCAL_FAST",
    local: true,
    models: [],
    consensus: true,
    calls: 2,
    rule: { basis: "p_correct", threshold: 0.9, scorer },
    selfCheckThreshold: plan.tiers[0]!.threshold,
  });
  const cells = replies.map((r) => cell(r.plan));
  const checks = replies.map(
    (r) => scoreAnswer(r.plan.checks, { text: r.text, finishReason: "stop", action: r.plan.name, prompt: "", schema: undefined }, 0.7).checks,
  );
  const n = replies.length;
  const calls = 4 * n;

  const empty = (_: number) => 0;
  const floorCall = timePer((i) => empty(i), n, calls);
  const floorScan = timePer((i) => replies[i]!.text.lastIndexOf('"answer"'), n, calls);
  const decide = (pool: typeof replies, poolChecks: typeof checks) => (i: number) => {
    const r = pool[i]!;
    const s = answerSignals({ text: r.text, kind: r.plan.answerKind, checks: poolChecks[i] });
    const p = scorer.score(answerFeatures({ own: s.own, reading: s.reading, peers: r.peers }));
    return decideCell({ basis: "p_correct", threshold: 0.9, pCorrect: p, agree: true }) === "accept" ? p : -p;
  };
  const signalsScorerThreshold = timePer(decide(replies, checks), n, calls);
  const perReply = perItem(decide(replies, checks), n);
  const hardChecks = hard.map(
    (r) => scoreAnswer(r.plan.checks, { text: r.text, finishReason: "stop", action: r.plan.name, prompt: "", schema: undefined }, 0.7).checks,
  );
  const hardCases = timePer(decide(hard, hardChecks), hard.length, 50 * hard.length);
  const whole = timePer(
    (i) => {
      const r = replies[i]!;
      const assessed = assessAnswer({ plan: r.plan, cell: cells[i]!, prompt: "", answer: { text: r.text, finishReason: "stop" } });
      return judgeAnswer({ cell: cells[i]!, assessed, peers: r.peers, agree: true }).pCorrect!;
    },
    n,
    calls,
  );
  const target = `≤ ${TARGET_US} µs`;
  return [
    { name: "decision floor: empty function call", value: floorCall / 1000, unit: "µs" },
    { name: `decision floor: one scan of a reply (${n.toLocaleString("en-US")} local replies)`, value: floorScan / 1000, unit: "µs" },
    {
      name: "decision: signals + P(correct) + threshold, mean per reply",
      value: signalsScorerThreshold / 1000,
      unit: "µs",
      target,
      ok: signalsScorerThreshold / 1000 <= TARGET_US,
    },
    { name: "decision per reply: median", value: quantile(perReply, 0.5) / 1000, unit: "µs" },
    { name: "decision per reply: p99 (replies that need jsonrepair)", value: quantile(perReply, 0.99) / 1000, unit: "µs" },
    // The quality checks are the self-check every route ran before issue 12 (repetition's trigram count dominates).
    { name: "decision + the quality checks before it (whole judgement)", value: whole / 1000, unit: "µs" },
    { name: `decision on the ${hard.length} hand-picked hard replies (repairs)`, value: hardCases / 1000, unit: "µs" },
  ];
}
