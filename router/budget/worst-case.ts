/**
 * The reservation must be an upper bound of what the call can cost, or concurrent calls could
 * together overshoot the limit. Output is capped by max_tokens (every provider sends it). Input
 * is bounded by UTF-8 bytes: byte-level BPE tokenizers (GPT, Claude, Llama) never produce more
 * tokens than bytes. Chat templates add a few tokens per message. This over-reserves input ~3-4x
 * for English, which only makes the guard degrade slightly before the limit, never after it.
 */
import { requestRates, type ModelPrice } from "../config/prices.js";
import type { ChatMessage, ResponseFormat } from "../contracts/provider.js";

/** Role markers and separators of chat templates, generously. */
const TEMPLATE_TOKENS_PER_MESSAGE = 8;
const TEMPLATE_TOKENS_FIXED = 16;

export function inputTokenUpperBound(messages: ChatMessage[], format?: ResponseFormat): number {
  let bytes = 0;
  for (const m of messages) bytes += Buffer.byteLength(m.content, "utf8");
  // A JSON schema travels with the request (tool definition or response_format) and is billed as input.
  if (format?.type === "json" && format.schema) bytes += Buffer.byteLength(JSON.stringify(format.schema), "utf8");
  return bytes + messages.length * TEMPLATE_TOKENS_PER_MESSAGE + TEMPLATE_TOKENS_FIXED;
}

/**
 * Every input token priced at the dearest input rate (cache writes cost more than plain input), at the
 * long-context tier the bound itself reaches: an over-estimated input only moves it to a dearer tier.
 */
export function worstCaseUsd(args: { pricing: ModelPrice; inputTokens: number; maxOutputTokens: number }): number {
  const r = requestRates(args.pricing, args.inputTokens);
  const inputRate = Math.max(r.input, r.cacheWrite, r.cacheRead);
  return args.inputTokens * inputRate + args.maxOutputTokens * r.output;
}
