/** numeric: the answer's final number (after "####", else the last one) equals expected within a tolerance. */
import { z } from "zod";
import type { GraderSpec } from "./contract.js";
import { finalNumber } from "../../router/answers/normalise.js";

export interface NumericParams {
  /** Absolute tolerance; 0 = exact. */
  tolerance: number;
}

export const numeric: GraderSpec<NumericParams> = {
  id: "numeric",
  description: "the final number in the answer equals expected within params.tolerance",
  params: z.strictObject({ tolerance: z.number().min(0, "must be 0 or more").default(0) }),
  expected: z.union([z.number(), z.string().regex(/^\s*-?[\d,]*\.?\d+\s*$/, "must be a number")], { error: "numeric needs expected as a number" }),
  grade(answer, item, params) {
    const want = typeof item.expected === "number" ? item.expected : Number(String(item.expected).replace(/[,\s]/g, ""));
    const got = finalNumber(answer);
    if (got === undefined) return { pass: false, reason: `no number in the answer, expected ${want}`, score: 0 };
    // Decimal strings like "0.3" must equal 0.3 even when tolerance is 0; allow float rounding only.
    const slack = params.tolerance + 1e-9 * Math.max(1, Math.abs(want));
    const pass = Math.abs(got - want) <= slack;
    return { pass, reason: pass ? `${got} = ${want}` : `${got}, expected ${want}${params.tolerance ? ` ± ${params.tolerance}` : ""}`, score: pass ? 1 : 0 };
  },
};
