/** exact_label: the answer's label equals `expected`, ignoring case, quotes, edge punctuation and wrappers. */
import { z } from "zod";
import type { GraderSpec } from "./contract.js";
import { labelOf, normaliseLabel } from "../../router/answers/normalise.js";

export const exactLabel: GraderSpec<Record<string, never>> = {
  id: "exact_label",
  description: 'the answer\'s label equals expected (case, quotes, punctuation, {"label": ...} ignored)',
  params: z.strictObject({}),
  expected: z.string({ error: "exact_label needs expected as a label string" }).min(1, "exact_label needs a non-empty expected label"),
  grade(answer, item) {
    const want = normaliseLabel(String(item.expected));
    const got = labelOf(answer);
    if (got === want) return { pass: true, reason: `label "${got}"`, score: 1 };
    return { pass: false, reason: got ? `label "${got}", expected "${want}"` : `empty answer, expected "${want}"`, score: 0 };
  },
};
