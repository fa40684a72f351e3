/**
 * regex: the answer matches params.pattern (every pattern, when a list is given: a list of keyword
 * patterns is how free-text answers such as summaries are graded). Optional max_chars keeps an answer
 * that just repeats the whole input from passing.
 */
import { z } from "zod";
import type { GraderSpec } from "./contract.js";

export interface RegexParams {
  pattern: string | string[];
  flags?: string | undefined;
  max_chars?: number | undefined;
}

// g and y make RegExp.test stateful between calls; d is harmless but useless here.
const Flags = z.string().regex(/^(?!.*(.).*\1)[imsuv]*$/, "must be distinct flags among i, m, s, u, v");

export const RegexParamsSchema = z
  .strictObject({
    pattern: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    flags: Flags.optional(),
    max_chars: z.number().int().positive().optional(),
  })
  .superRefine((p, ctx) => {
    for (const [i, src] of (Array.isArray(p.pattern) ? p.pattern : [p.pattern]).entries()) {
      try {
        new RegExp(src, p.flags);
      } catch (err) {
        ctx.addIssue({
          code: "custom",
          path: Array.isArray(p.pattern) ? ["pattern", i] : ["pattern"],
          message: `not a valid regular expression: ${(err as Error).message}`,
        });
      }
    }
  });

export const regex: GraderSpec<RegexParams> = {
  id: "regex",
  description: "the answer matches params.pattern (all of them, for a list), with params.flags",
  params: RegexParamsSchema,
  expected: z.json(),
  grade(answer, _item, params) {
    const patterns = Array.isArray(params.pattern) ? params.pattern : [params.pattern];
    const missed = patterns.filter((p) => !new RegExp(p, params.flags).test(answer));
    const score = (patterns.length - missed.length) / patterns.length;
    if (params.max_chars !== undefined && answer.length > params.max_chars) {
      return { pass: false, reason: `answer is ${answer.length} chars, over max_chars ${params.max_chars}`, score: 0 };
    }
    if (missed.length === 0) return { pass: true, reason: `matched ${patterns.length} pattern(s)`, score };
    return { pass: false, reason: `no match for ${missed.map((p) => `/${p}/`).join(", ")}`, score };
  },
};
