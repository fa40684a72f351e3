/**
 * What a paid attempt costs, as the ledger and the budget count it. Two cases need more than
 * `tokenCostUsd(usage)`:
 *
 * - Usage above the reserved worst case. No real call can use more input tokens than the request's
 *   bound or more output tokens than max_tokens (see worst-case.ts), so a provider reporting more
 *   is wrong (a bug, a hostile proxy) and would wipe out a budget. The usage is clamped to the
 *   bound, and what the provider claimed is kept in the attempt's `usageAudit` for `doctor` to flag.
 * - An attempt that failed or was aborted after text streamed. The provider bills the prompt and
 *   every token it generated, so the attempt costs that, not $0: the provider's own partial counts
 *   where it sent them (Anthropic's message_start and message_delta), else the streamed text and
 *   the prompt counted with a tokenizer, which the audit names.
 */
import type { ResolvedModel } from "../config/load.js";
import { tokenCostUsd } from "../config/prices.js";
import type { ChatMessage, TokenCounter, Usage } from "../contracts/provider.js";
import type { UsageAudit } from "../contracts/route-result.js";
import { loadTokenizer, TOKENIZER_LABELS } from "../providers/replay-tokenizers.js";

export interface UsageBound {
  inputTokens: number;
  outputTokens: number;
}

export interface Metered {
  usage: Usage;
  costUsd: number;
  audit?: UsageAudit;
  countedBy?: TokenCounter;
}

const isPaid = (model: ResolvedModel, local: boolean) => !local && model.pricing !== undefined;

/** Clamps reported usage to the bound; `reported` is set when the provider claimed more. */
export function clampUsage(usage: Usage, bound: UsageBound): { usage: Usage; reported?: Usage } {
  const over =
    (usage.inputTokens ?? 0) > bound.inputTokens ||
    (usage.outputTokens ?? 0) > bound.outputTokens ||
    (usage.cacheReadTokens ?? 0) + (usage.cacheWriteTokens ?? 0) > Math.min(usage.inputTokens ?? 0, bound.inputTokens);
  if (!over) return { usage };
  const inputTokens = usage.inputTokens === undefined ? undefined : Math.min(usage.inputTokens, bound.inputTokens);
  const cacheReadTokens = usage.cacheReadTokens === undefined ? undefined : Math.min(usage.cacheReadTokens, inputTokens ?? 0);
  const cacheWriteTokens = usage.cacheWriteTokens === undefined ? undefined : Math.min(usage.cacheWriteTokens, (inputTokens ?? 0) - (cacheReadTokens ?? 0));
  const outputTokens = usage.outputTokens === undefined ? undefined : Math.min(usage.outputTokens, bound.outputTokens);
  return { usage: dropUndefined({ inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens }), reported: usage };
}

/** A finished attempt: its reported usage, clamped on a paid model. */
export function meterAnswer(args: { model: ResolvedModel; local: boolean; usage: Usage; bound: () => UsageBound }): Metered {
  if (!isPaid(args.model, args.local)) return { usage: args.usage, costUsd: 0 };
  const { usage, reported } = clampUsage(args.usage, args.bound());
  return { usage, costUsd: tokenCostUsd(args.model.pricing!, usage), ...(reported ? { audit: { reported: toWire(reported) } } : {}) };
}

/**
 * A failed attempt of a paid model: what the provider bills for the text it streamed. Undefined
 * when nothing streamed and the provider sent no counts (nothing was generated, nothing is billed).
 */
export async function meterFailure(args: {
  model: ResolvedModel;
  local: boolean;
  streamedText: string;
  partialUsage: Usage | undefined;
  messages: ChatMessage[];
  bound: () => UsageBound;
}): Promise<Metered | undefined> {
  if (!isPaid(args.model, args.local)) return undefined;
  const partial = args.partialUsage ?? {};
  if (args.streamedText === "" && partial.outputTokens === undefined) return undefined;
  let countedBy: TokenCounter | undefined;
  let usage: Usage = { ...partial };
  const needInput = usage.inputTokens === undefined;
  const needOutput = args.streamedText !== "";
  if (needInput || needOutput) {
    const tokenizer = await loadTokenizer(ESTIMATE_TOKENIZER);
    if (needInput) usage.inputTokens = args.messages.reduce((n, m) => n + tokenizer.count(m.content), 0);
    // The provider's running count may lag the text (Anthropic sends it at the end): the larger one stands.
    if (needOutput) usage.outputTokens = Math.max(usage.outputTokens ?? 0, tokenizer.count(args.streamedText));
    countedBy = {
      tokenizer: TOKENIZER_LABELS[ESTIMATE_TOKENIZER],
      standIn: "counts of an attempt that failed after streaming, which the provider did not report; GPT-4o's tokenizer stands in for the model's own",
    };
  }
  const clamped = clampUsage(usage, args.bound());
  usage = clamped.usage;
  const audit: UsageAudit = { ...(countedBy ? { counted_by: countedBy.tokenizer } : {}), ...(clamped.reported ? { reported: toWire(clamped.reported) } : {}) };
  return { usage, costUsd: tokenCostUsd(args.model.pricing!, usage), audit, ...(countedBy ? { countedBy } : {}) };
}

/** One vocabulary for estimates: o200k is GPT-4o's own and within ~10-20 % of Claude's and Llama 3's counts on English. */
const ESTIMATE_TOKENIZER = "o200k_base" as const;

function toWire(u: Usage): NonNullable<UsageAudit["reported"]> {
  return dropUndefined({
    input_tokens: u.inputTokens,
    output_tokens: u.outputTokens,
    cache_read_tokens: u.cacheReadTokens,
    cache_write_tokens: u.cacheWriteTokens,
  });
}

function dropUndefined<T extends Record<string, number | undefined>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
