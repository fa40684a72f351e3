/**
 * The tierlab dataset format, version 1: JSON Lines whose first line is a header naming the
 * source and licence, then one labelled item per line. zod is the source of truth; types are z.infer.
 */
import { z } from "zod";
import { AnswerKind } from "../../router/answers/kinds.js";
import { CheckConfig } from "../../router/config/schema.js";

export const DATASET_FORMAT = "tierlab-dataset";
export const DATASET_FORMAT_VERSION = 1;

/**
 * An action a dataset brings with it, so a new task runs without editing the router config. Used only
 * when the config has no action of that name; the config's tiers and checks registry still apply.
 */
export const DatasetAction = z
  .strictObject({
    description: z.string().optional(),
    system: z.string().optional(),
    /** `{input}` is replaced by the item's input; default "{input}" (the input is the whole prompt). */
    template: z.string().optional(),
    /** What an answer to the task is: how router/answers reads it and which graders fit. */
    answer: AnswerKind,
    /** The allowed labels, for `answer: label`. */
    labels: z.array(z.string().min(1)).min(1).optional(),
    max_tokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
    /** First tier; default: the config's first tier. */
    tier: z.string().min(1).optional(),
    /** Escalation chain; default: the config's tiers after `tier`, in config order. */
    escalate: z.array(z.string().min(1)).optional(),
    threshold: z.number().min(0).max(1).optional(),
    /** Quality checks (router/quality/registry.ts); default: label_set for labels, else the router's defaults. */
    checks: z.array(CheckConfig).optional(),
  })
  .refine((a) => (a.labels !== undefined) === (a.answer === "label"), {
    message: "`labels` goes with `answer: label`, and `answer: label` needs `labels`",
    path: ["labels"],
  });
export type DatasetAction = z.infer<typeof DatasetAction>;

export const DatasetHeader = z.strictObject({
  format: z.literal(DATASET_FORMAT, { error: `must be "${DATASET_FORMAT}" (the first line of a dataset is its header)` }),
  version: z.literal(DATASET_FORMAT_VERSION, { error: `must be ${DATASET_FORMAT_VERSION} (the only dataset version this tierlab reads)` }),
  name: z.string().min(1),
  description: z.string(),
  /** Where the items come from: URL and commit, or "hand-written". */
  source: z.string().min(1),
  /** SPDX id of the items' licence. */
  license: z.string().min(1),
  /** Citation or credit line the licence asks for. */
  attribution: z.string(),
  /** How the file was made (script, seed, sizes), so it can be rebuilt. */
  derivation: z.string().optional(),
  /** Actions the items name that a router config need not define (see DatasetAction). */
  actions: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be an action name (letters, digits, _ . -)"), DatasetAction).optional(),
});
export type DatasetHeader = z.infer<typeof DatasetHeader>;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const GraderId = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be a grader id like exact_label");

/** A bare id, or `{ "id": ..., ...params }`; params are checked against the grader at load time. */
export const GraderRef = z.union([GraderId, z.looseObject({ id: GraderId })], { error: 'must be a grader id or an object {"id": ..., ...params}' });
export type GraderRef = z.infer<typeof GraderRef>;

export const DatasetItem = z.strictObject({
  id: z.string().min(1, "must not be empty"),
  /** The router action the input is sent to, e.g. intent_banking77. */
  action: z.string().regex(/^[A-Za-z0-9_.-]+$/, "must be an action name (letters, digits, _ . -)"),
  input: z.string().min(1, "must not be empty"),
  /** Gold answer in the shape the grader expects; null when the grader needs none (unit tests, regex). */
  // Lines come from JSON.parse, so any defined value is JSON; z.json() would only say "Invalid input" when missing.
  expected: z.custom<JsonValue>((v) => v !== undefined, "required (null when the grader needs no expected answer)"),
  grader: GraderRef,
  meta: z.record(z.string(), z.json()).optional(),
});
export type DatasetItem = z.infer<typeof DatasetItem>;

export interface Dataset {
  file: string;
  format: "jsonl" | "csv";
  header: DatasetHeader;
  items: DatasetItem[];
  /** sha256 of the file's bytes, so a bench run records exactly what it replayed. */
  hash: string;
  /** Line of the header (errors about declared actions point at it); undefined for CSV. */
  headerLine: number | undefined;
}

/** The id and params of an item's grader, whichever way the item wrote it. */
export function graderOf(ref: GraderRef): { id: string; params: Record<string, unknown> } {
  if (typeof ref === "string") return { id: ref, params: {} };
  const { id, ...params } = ref;
  return { id, params };
}
