/**
 * The grader contract: a pure function from (answer, item, params) to a verdict, registered by id.
 * Datasets name their grader per item; the loader checks the id and params before a run starts.
 */
import type { z } from "zod";
import type { DatasetItem } from "../dataset/schema.js";

export interface GradeResult {
  pass: boolean;
  /** One line a person can read in a report: what matched or what was wrong. */
  reason: string;
  /** 0..1 partial credit where the grader has a notion of it (fields matched, patterns found). */
  score?: number;
  /**
   * Set by graders that read a structured answer (answer_number, answer_literal): true when no answer
   * could be read from the reply. Unparseable answers fail, and summaries count them separately.
   */
  unparseable?: boolean;
  /** The answer as read, in canonical form (router/answers: equal texts = same answer); null when unparseable. */
  extracted?: string | null;
}

export interface GradeContext {
  /** Stops long graders (unit tests) early; ignored by the instant ones. */
  signal?: AbortSignal;
}

export type Grader<P = Record<string, unknown>> = (answer: string, item: DatasetItem, params: P, ctx?: GradeContext) => GradeResult | Promise<GradeResult>;

export interface GraderSpec<P = unknown> {
  id: string;
  description: string;
  /** The item's grader object minus `id`; strict, so a misspelt param fails at load time. */
  params: z.ZodType<P>;
  /** The shape `expected` must have for this grader. */
  expected: z.ZodType;
  /** Cross-checks params against expected; returns what is wrong, or undefined. */
  check?(params: P, expected: unknown): string | undefined;
  // Method syntax keeps specs with different P assignable to one registry type.
  grade(answer: string, item: DatasetItem, params: P, ctx?: GradeContext): GradeResult | Promise<GradeResult>;
}

/** A verdict as bench records store it: unknown parse information is null, never guessed. */
export function gradeForRecord(g: GradeResult): { pass: boolean; reason: string; unparseable: boolean | null; extracted: string | null } {
  return { pass: g.pass, reason: g.reason, unparseable: g.unparseable ?? null, extracted: g.extracted === undefined ? null : g.extracted };
}
