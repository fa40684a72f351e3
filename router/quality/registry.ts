/** Checks by id. Adding a check = one file + one line here. */
import type { QualityCheck } from "../contracts/quality.js";
import { finishReasonCheck, minLengthCheck, requiredFieldsCheck } from "./checks/completeness.js";
import { nonEmptyCheck, refusalCheck, repetitionCheck } from "./checks/coherence.js";
import { jsonSchemaCheck, labelSetCheck, regexCheck } from "./checks/format.js";

const CHECKS: ReadonlyMap<string, QualityCheck> = new Map(
  [jsonSchemaCheck, labelSetCheck, regexCheck, finishReasonCheck, requiredFieldsCheck, minLengthCheck, nonEmptyCheck, repetitionCheck, refusalCheck].map(
    (c) => [c.id, c],
  ),
);

export function isKnownCheck(id: string): boolean {
  return CHECKS.has(id);
}

export function knownCheckIds(): string[] {
  return [...CHECKS.keys()];
}

export function getCheck(id: string): QualityCheck {
  const c = CHECKS.get(id);
  if (!c) throw new Error(`unknown quality check "${id}"; known: ${knownCheckIds().join(", ")}`);
  return c;
}
