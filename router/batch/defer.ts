/**
 * A deferrable request, for a caller that opted in to wait: the local tiers answer at once as
 * usual; only when none of their answers is accepted does the request go to the batch tier (the
 * first API tier of the action's chain, through its provider's batch API at half price) instead of
 * the live API. It is never retried live: a batch answer, checked like any other, is the answer.
 */
import { randomUUID } from "node:crypto";
import { withResponseFormat } from "../action-plan.js";
import { inputTokenUpperBound, worstCaseUsd } from "../budget/worst-case.js";
import type { RouteRequest, RouteResult } from "../contracts/route-result.js";
import { AllTiersFailedError } from "../all-tiers-failed.js";
import { BudgetExceededError } from "../../core/errors.js";
import type { BatchItem } from "../production/records.js";
import type { Router } from "../router.js";
import { BATCH_DISCOUNT } from "./batch-price.js";
import { batchCapable } from "./clients.js";

export type DeferOutcome = { deferred: false; result: RouteResult } | { deferred: true; requestId: string; item: BatchItem; local: RouteResult | undefined };

/** Whether `routeOrDefer` may defer this action at all (deferrable, a batch tier, a batch-capable provider). */
export function canDefer(router: Router, action: string): boolean {
  const batch = router.production?.batch;
  if (!batch || !router.config.data.actions[action]?.deferrable) return false;
  const paid = router.plan(action).tiers.find((t) => !t.local);
  return !!paid && batchCapable(router.config, paid.models[0]!.provider, batch.clientOverrides);
}

export async function routeOrDefer(router: Router, req: RouteRequest): Promise<DeferOutcome> {
  if (!canDefer(router, req.action)) return { deferred: false, result: await router.route(req) };
  const base = router.plan(req.action);
  const plan = req.responseFormat ? withResponseFormat(base, req.responseFormat) : base;
  const localTiers = plan.tiers.filter((t) => t.local).map((t) => t.name);
  const paid = plan.tiers.find((t) => !t.local)!;
  const requestId = req.requestId ?? randomUUID();
  let local: RouteResult | undefined;
  if (localTiers.length > 0) {
    try {
      local = await router.route({ ...req, requestId, onlyTiers: localTiers });
      if (local.verdict === "accepted") return { deferred: false, result: local };
    } catch (err) {
      if (!(err instanceof AllTiersFailedError)) throw err;
      local = err.result;
    }
  }
  const messages = plan.messages(req.prompt, req.history);
  const maxTokens = req.maxTokens ?? plan.maxTokens;
  // The budget is asked as for a live call at the batch price; batch spend counts once its answer is a ledger row.
  const model = paid.models[0]!;
  if (router.budget && model.pricing) {
    const worst =
      worstCaseUsd({ pricing: model.pricing, inputTokens: inputTokenUpperBound(messages, plan.responseFormat), maxOutputTokens: maxTokens }) * BATCH_DISCOUNT;
    const d = await router.budget.reserve({ action: plan.name, tag: req.tag, costUsd: worst, at: new Date() });
    if (!d.ok) {
      if (d.onExceed === "degrade" && local && local.verdict !== "failed") return { deferred: false, result: local };
      throw new BudgetExceededError({
        message: `${d.reason}: not deferred to the batch tier`,
        fix: "raise limit_usd in the config's `budgets:` or wait for the next period",
      });
    }
    await d.reservation.release();
  }
  const item = await router.production!.batch!.enqueue({
    requestId,
    plan,
    tier: paid,
    prompt: req.prompt,
    tag: req.tag,
    request: { messages, maxTokens, temperature: plan.action.temperature, responseFormat: plan.responseFormat },
    attempt: (local?.attempts.length ?? 0) + 1,
    escalatedFrom: local?.attempts.filter((a) => a.verdict !== "skipped").at(-1)?.tier,
  });
  return { deferred: true, requestId, item, local };
}
