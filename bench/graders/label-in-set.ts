/**
 * label_in_set: the answer's label is one of several accepted labels (params.labels and/or an
 * expected array), for items where more than one answer is right.
 */
import { z } from "zod";
import type { GraderSpec } from "./contract.js";
import { labelOf, normaliseLabel } from "../../router/answers/normalise.js";

export interface LabelInSetParams {
  labels?: string[] | undefined;
}

function accepted(params: LabelInSetParams, expected: unknown): string[] {
  const fromExpected = typeof expected === "string" ? [expected] : Array.isArray(expected) ? expected.filter((e): e is string => typeof e === "string") : [];
  return [...new Set([...(params.labels ?? []), ...fromExpected].map(normaliseLabel))];
}

export const labelInSet: GraderSpec<LabelInSetParams> = {
  id: "label_in_set",
  description: "the answer's label is in params.labels or the expected array",
  params: z.strictObject({ labels: z.array(z.string().min(1)).min(1).optional() }),
  expected: z.union([z.string().min(1), z.array(z.string().min(1)), z.null()], { error: "label_in_set needs expected as a label, an array of labels or null" }),
  check(params, expected) {
    return accepted(params, expected).length === 0 ? "label_in_set needs accepted labels: give params.labels or a non-empty expected" : undefined;
  },
  grade(answer, item, params) {
    const set = accepted(params, item.expected);
    const got = labelOf(answer);
    if (set.includes(got)) return { pass: true, reason: `label "${got}" is accepted`, score: 1 };
    const shown = set.length > 8 ? `${set.slice(0, 8).join(", ")}, … (${set.length})` : set.join(", ");
    return { pass: false, reason: `label "${got}" not in [${shown}]`, score: 0 };
  },
};
