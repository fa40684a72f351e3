/** Every grader, by id. Datasets may only name ids listed here; the loader checks them up front. */
import { ConfigError } from "../../core/errors.js";
import { formatPath } from "../../core/validate-source.js";
import { graderOf, type DatasetItem, type GraderRef } from "../dataset/schema.js";
import type { GradeContext, GradeResult, GraderSpec } from "./contract.js";
import { answerLiteral } from "./answer-literal.js";
import { answerNumber } from "./answer-number.js";
import { exactLabel } from "./exact-label.js";
import { jsonFields } from "./json-fields.js";
import { labelInSet } from "./label-in-set.js";
import { numeric } from "./numeric.js";
import { regex } from "./regex.js";
import { unitTests } from "./unit-tests.js";

const GRADERS: ReadonlyMap<string, GraderSpec> = new Map<string, GraderSpec>(
  [exactLabel, labelInSet, numeric, jsonFields, regex, unitTests, answerNumber, answerLiteral].map((g) => [g.id, g]),
);

export function knownGraderIds(): string[] {
  return [...GRADERS.keys()].sort();
}

export function getGrader(id: string): GraderSpec | undefined {
  return GRADERS.get(id);
}

export interface GraderIssue {
  /** Path inside the item, e.g. ["grader", "tolerance"] or ["expected"]. */
  path: PropertyKey[];
  message: string;
}

/** Checks an item's grader id, params and expected value; [] when the item can be graded. */
export function checkGraderRef(ref: GraderRef, expected: unknown): GraderIssue[] {
  const { id, params } = graderOf(ref);
  const idPath = typeof ref === "string" ? ["grader"] : ["grader", "id"];
  const spec = GRADERS.get(id);
  if (!spec) return [{ path: idPath, message: `unknown grader "${id}"; known graders: ${knownGraderIds().join(", ")}` }];
  const issues: GraderIssue[] = [];
  const p = spec.params.safeParse(params);
  if (!p.success) {
    for (const i of p.error.issues) issues.push({ path: ["grader", ...i.path], message: i.message });
  }
  const e = spec.expected.safeParse(expected);
  if (!e.success) issues.push({ path: ["expected", ...(e.error.issues[0]?.path ?? [])], message: e.error.issues[0]?.message ?? "wrong shape" });
  if (p.success && e.success) {
    const problem = spec.check?.(p.data, expected);
    if (problem) issues.push({ path: ["grader"], message: problem });
  }
  return issues;
}

/** Grades one answer with the item's own grader. Throws ConfigError for an item the loader would reject. */
// Items are immutable once loaded; their grader reference is checked once, not per answer.
const checkedItems = new WeakSet<DatasetItem>();

export async function grade(answer: string, item: DatasetItem, ctx?: GradeContext): Promise<GradeResult> {
  const issues = checkedItems.has(item) ? [] : checkGraderRef(item.grader, item.expected);
  if (issues.length === 0) checkedItems.add(item);
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new ConfigError({
      message: `item ${item.id}: ${formatPath(first.path)}: ${first.message}`,
      fix: "load datasets with loadDataset, which checks graders up front",
    });
  }
  const { id, params } = graderOf(item.grader);
  const spec = GRADERS.get(id)!;
  return spec.grade(answer, item, spec.params.parse(params), ctx);
}
