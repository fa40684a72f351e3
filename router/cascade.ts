/**
 * A route through an action's cells (policy/route-cells.ts): a tier cell tries its models in order until
 * one answers, a consensus cell calls its pair at once; every answer gets the self-check, and where the
 * cell has a scorer, its signals and P(correct) (judge-answer.ts); the route stops at the first answer
 * its cell keeps (decideCell, shared with the offline walk and the simulator). Peers for the agreement
 * signal are the route's earlier local answers, or the consensus partner. Every call is an Attempt;
 * the caller records them even if the route throws.
 *
 * Streaming rule (with a LiveSink): an attempt streams its text live only when nothing can replace
 * its answer: it runs on the last cell the request can reach, or on a cell that keeps every answer
 * (`final`, or a self-check threshold of 0). A consensus pair never streams: its answer is known only
 * when both have answered. Every other answer stays buffered until its cell keeps it, so a caller
 * never sees half an answer from one model and the rest from another. A live answer is the answer
 * even when its cell would not keep it (a non-streaming route would return the best-scoring rejected
 * one instead), and once text went out a failure of that attempt ends the route: it is not retried
 * and no other model takes over mid-answer.
 */
import type { ActionPlan } from "./action-plan.js";
import { callModel, type CascadeDeps, type ModelCall, type RouteState } from "./call-model.js";
import type { ResolvedModel } from "./config/load.js";
import type { Attempt, RouteRequest } from "./contracts/route-result.js";
import { verifierRequest, pYes } from "./confidence/verifier.js";
import type { TierlabError } from "../core/errors.js";
import { assessAnswer, judgeAnswer, type AssessedAnswer } from "./judge-answer.js";
import type { RouteCell } from "./policy/route-cells.js";

export type { CascadeDeps } from "./call-model.js";

export interface CascadeAnswer {
  attempt: Attempt;
  text: string;
  /** The self-check score. */
  confidence: number;
  offsetMs: number;
  pCorrect?: number;
  /** The threshold on P(correct) the kept answer cleared. */
  pCorrectThreshold?: number;
}

/** Where live text goes; `start` precedes the first piece of the attempt that streams. */
export interface LiveSink {
  start(from: { tier: string; modelId: string; provider: string }): void;
  text(piece: string): void;
}

export interface CascadeOutcome {
  attempts: Attempt[];
  accepted: CascadeAnswer | undefined;
  belowThreshold: CascadeAnswer[];
  /** Every error met, in order (see RouteState). */
  errors: TierlabError[];
  /**
   * Modelled time the clock did not see: Σ (modelled − wall) over replayed attempts. The route's
   * latency is its wall time plus this; 0 when every attempt was measured.
   */
  modelledShiftMs: number;
  /** The answer that streamed live, when its cell did not keep it (it is still the answer). */
  streamed?: CascadeAnswer;
  /** A live attempt failed after its first text went out: the route ends without an answer. */
  interrupted?: boolean;
}

/** `attempts` is filled as the route goes, so the caller can record them even if it throws. */
export async function runCascade(plan: ActionPlan, req: RouteRequest, deps: CascadeDeps, attempts: Attempt[] = [], live?: LiveSink): Promise<CascadeOutcome> {
  const routeStart = deps.now();
  const state: RouteState = { attempts, errors: [], modelledShiftMs: 0, routeStart, deadlineAt: routeStart + deps.deadlineMs };
  const belowThreshold: CascadeAnswer[] = [];
  const peers: (string | null)[] = [];
  const messages = plan.messages(req.prompt, req.history);
  const maxTokens = req.maxTokens ?? plan.maxTokens;
  let previousTier: string | undefined;
  const done = (accepted: CascadeAnswer | undefined, end: Pick<CascadeOutcome, "streamed" | "interrupted"> = {}): CascadeOutcome => ({
    attempts,
    accepted,
    belowThreshold,
    errors: state.errors,
    modelledShiftMs: state.modelledShiftMs,
    ...end,
  });
  const lastCell = live && plan.policy.cells.filter((c) => !req.onlyTiers || req.onlyTiers.includes(c.tier)).at(-1);

  for (const cell of plan.policy.cells) {
    if (req.onlyTiers && !req.onlyTiers.includes(cell.tier)) continue;
    const escalatedFrom = previousTier;
    previousTier = cell.tier;
    const streams = live !== undefined && !cell.consensus && (cell === lastCell || keepsEverything(cell));
    let sent = false;
    const liveFor = (model: ResolvedModel) =>
      streams
        ? {
            onText: (piece: string) => {
              if (!sent) live!.start({ tier: cell.tier, modelId: model.id, provider: deps.registry.get(model.provider).name });
              sent = true;
              live!.text(piece);
            },
            sent: () => sent,
          }
        : undefined;
    const ask = (model: ResolvedModel, verdict?: Attempt["verdict"]) =>
      callModel({
        plan,
        req,
        deps,
        state,
        model,
        tier: { name: cell.tier, local: cell.local },
        escalatedFrom,
        answeredVerdict: verdict,
        live: liveFor(model),
        request: {
          model: deps.registry.modelName(model.provider, model.model),
          messages,
          maxTokens,
          temperature: plan.action.temperature,
          responseFormat: plan.responseFormat,
          itemId: req.itemId,
          ...(plan.policy.wantsLogprobs && cell.rule.basis === "p_correct" ? { logprobs: {} } : {}),
        },
      });
    const offset = (call: Extract<ModelCall, { ok: true }>, shiftBefore: number) => call.run.timing.startedAtMs - routeStart + shiftBefore;

    if (cell.consensus) {
      const shiftBefore = state.modelledShiftMs;
      const calls = await Promise.all(cell.models.slice(0, 2).map((m) => ask(m)));
      // The pair ran side by side: the route waited for the slower one.
      state.modelledShiftMs += Math.max(...calls.map((c) => c.shiftMs));
      const answered = calls.filter((c): c is Extract<ModelCall, { ok: true }> => c.ok);
      const assessed = await Promise.all(answered.map((c) => assess({ plan, cell, req, deps, state, call: c, escalatedFrom })));
      const [first, second] = assessed;
      const agree =
        answered.length === 2 && first!.signals!.reading.canonical !== null && first!.signals!.reading.canonical === second!.signals!.reading.canonical;
      const j = first ? judgeAnswer({ cell, assessed: first, peers: second ? [second.signals!.reading.canonical] : [], agree }) : undefined;
      answered.forEach((c, i) => {
        const a = assessed[i]!;
        c.attempt.confidence = a.verdict.confidence;
        c.attempt.checks = a.verdict.checks;
        if (i === 0 && j?.pCorrect !== undefined) c.attempt.pCorrect = j.pCorrect;
        c.attempt.verdict = j?.decision === "accept" ? "accepted" : "rejected";
        peers.push(a.signals!.reading.canonical);
      });
      const answers = answered.map((c, i): CascadeAnswer => ({
        attempt: c.attempt,
        text: c.result.text,
        confidence: assessed[i]!.verdict.confidence,
        offsetMs: offset(c, shiftBefore),
        ...(i === 0 && j?.pCorrect !== undefined ? { pCorrect: j.pCorrect } : {}),
      }));
      if (j?.decision === "accept") return done({ ...answers[0]!, ...thresholdOf(cell) });
      belowThreshold.push(...answers);
      continue;
    }

    for (const model of cell.models) {
      const shiftBefore = state.modelledShiftMs;
      const call = await ask(model);
      state.modelledShiftMs += call.shiftMs;
      if (!call.ok) {
        if (call.interrupted) return done(undefined, { interrupted: true });
        continue; // next model of this tier
      }
      const assessed = await assess({ plan, cell, req, deps, state, call, escalatedFrom });
      const j = judgeAnswer({ cell, assessed, peers });
      call.attempt.confidence = assessed.verdict.confidence;
      call.attempt.checks = assessed.verdict.checks;
      if (j.pCorrect !== undefined) call.attempt.pCorrect = j.pCorrect;
      const answer: CascadeAnswer = {
        attempt: call.attempt,
        text: call.result.text,
        confidence: assessed.verdict.confidence,
        offsetMs: offset(call, shiftBefore),
        ...(j.pCorrect === undefined ? {} : { pCorrect: j.pCorrect }),
      };
      if (j.decision === "accept") {
        call.attempt.verdict = "accepted";
        return done({ ...answer, ...thresholdOf(cell) });
      }
      call.attempt.verdict = "rejected";
      if (sent) return done(undefined, { streamed: answer });
      belowThreshold.push(answer);
      if (cell.local && assessed.signals) peers.push(assessed.signals.reading.canonical);
      break; // a sibling model of the same size rarely does better: move up
    }
  }
  return done(undefined);
}

/** A cell that cannot reject an answer: nothing can replace what it streams. */
const keepsEverything = (cell: RouteCell) => cell.rule.basis === "final" || (cell.rule.basis === "self_check" && cell.rule.threshold <= 0);

const thresholdOf = (cell: RouteCell) => (cell.rule.basis === "p_correct" ? { pCorrectThreshold: cell.rule.threshold } : {});

/** Self-check and signals of an answer; asks the action's verifier first when the cell's scorer reads it. */
async function assess(a: {
  plan: ActionPlan;
  cell: RouteCell;
  req: RouteRequest;
  deps: CascadeDeps;
  state: RouteState;
  call: Extract<ModelCall, { ok: true }>;
  escalatedFrom: string | undefined;
}): Promise<AssessedAnswer> {
  const { plan, cell, call } = a;
  let verifier: number | undefined;
  const v = plan.action.verifier;
  const model = plan.verifierModel;
  if (v && model && plan.policy.wantsVerifier && cell.rule.basis === "p_correct" && cell.local) {
    const r = verifierRequest({ question: a.req.prompt, answer: call.result.text, template: v.template, maxTokens: v.max_tokens });
    const vc = await callModel({
      plan,
      req: a.req,
      deps: a.deps,
      state: a.state,
      model,
      tier: { name: model.tier, local: model.local },
      escalatedFrom: a.escalatedFrom,
      answeredVerdict: "verifier",
      request: { ...r, model: a.deps.registry.modelName(model.provider, model.model) },
    });
    a.state.modelledShiftMs += vc.shiftMs;
    if (vc.ok) verifier = pYes(vc.result);
  }
  return assessAnswer({
    plan,
    cell,
    prompt: a.req.prompt,
    answer: { text: call.result.text, finishReason: call.result.finishReason, logprobs: call.result.logprobs, verifier },
  });
}
