/**
 * The recorded-answers format the replay backend reads (`tierlab-replay`, version 1): JSON Lines,
 * optionally gzip-compressed, whose first line is a header naming the model, the source and the
 * licence, then one recorded answer per line. Generic on purpose: a production log becomes a
 * recording with `tierlab replay convert`. Described for users in datasets/README.md.
 */
import { createHash } from "node:crypto";
import { z } from "zod";

export const REPLAY_FORMAT = "tierlab-replay";
export const REPLAY_FORMAT_VERSION = 1;

export const ReplayHeader = z.strictObject({
  format: z.literal(REPLAY_FORMAT, { error: `must be "${REPLAY_FORMAT}" (the first line of a recording is its header)` }),
  version: z.literal(REPLAY_FORMAT_VERSION, { error: `must be ${REPLAY_FORMAT_VERSION} (the only recording version this tierlab reads)` }),
  /** The model that produced the answers, as its vendor names it (e.g. `gpt-4o-2024-08-06`). */
  model: z.string().min(1),
  /** Where the answers come from: repository and commit, a log's name, or "hand-written". */
  source: z.string().min(1),
  /** SPDX id of the answers' licence (or `proprietary` for your own logs). */
  license: z.string().min(1),
  /** Credit line the licence asks for; shown wherever replayed numbers are. */
  attribution: z.string(),
  /** The task or dataset the prompts come from, when there is one. */
  task: z.string().optional(),
  /** Decoding settings as recorded (temperature, max_tokens, engine). */
  decoding: z.record(z.string(), z.json()).optional(),
  /** How the file was made (converter, script, input hashes), so it can be rebuilt. */
  derivation: z.string().optional(),
});
export type ReplayHeader = z.infer<typeof ReplayHeader>;

const PROMPT_HASH = /^[0-9a-f]{16}$/;

export const ReplayRecord = z
  .strictObject({
    /** Dataset item id: the bench looks answers up by it. */
    id: z.string().min(1).optional(),
    /** promptHash() of the prompt; written by the converters when the prompt is known. */
    prompt_hash: z.string().regex(PROMPT_HASH, "must be 16 lowercase hex digits: the start of sha256(normalised prompt)").optional(),
    /** The prompt itself (optional: the hash is enough to look an answer up). */
    prompt: z.string().optional(),
    /** The model's raw answer, exactly as it came back. */
    output: z.string(),
    finish_reason: z.enum(["stop", "length", "content_filter", "unknown"]).optional(),
  })
  .refine((r) => r.id !== undefined || r.prompt_hash !== undefined || r.prompt !== undefined, {
    message: "a recorded answer needs an `id`, a `prompt_hash` or a `prompt` to be found by",
  });
export type ReplayRecord = z.infer<typeof ReplayRecord>;

/**
 * The prompt as the hash sees it: Unicode NFC, line endings as \n, trailing spaces and tabs of each
 * line removed, leading and trailing whitespace of the whole removed. Everything else (inner spacing,
 * case, punctuation) counts, because models answer differently to it.
 */
export function normalisePrompt(text: string): string {
  return text
    .normalize("NFC")
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+$/gm, "")
    .trim();
}

/** First 16 hex digits of sha256 over the UTF-8 of the normalised prompt. */
export function promptHash(text: string): string {
  return createHash("sha256").update(normalisePrompt(text), "utf8").digest("hex").slice(0, 16);
}

/** The text a request is looked up by: the last user message (earlier turns are context, not the key). */
export function lookupPrompt(messages: ReadonlyArray<{ role: string; content: string }>): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") return messages[i]!.content;
  return "";
}
