import { describe, expect, it } from "vitest";
import type { RecordedAnswer, WalkCell } from "./walk.js";
import { walkItem } from "./walk.js";

const answer = (canonical: string | null, correct: boolean, extra: Partial<RecordedAnswer> = {}): RecordedAnswer => ({
  correct,
  costUsd: 0.001,
  api: false,
  reading: { status: canonical === null ? "unparseable" : "clean", canonical },
  own: { extraction: canonical === null ? 0 : 1 },
  confidence: 1,
  ...extra,
});

/** P(correct) = agreement where present, else 0.5: easy to follow by hand. */
const byAgreement = (f: Record<string, number | null | undefined>) => (typeof f.agreement === "number" ? f.agreement : 0.5);

describe("walkItem", () => {
  const answers: Record<string, RecordedAnswer> = {
    a: answer("4", true),
    b: answer("4", true),
    c: answer("5", false),
    api: answer("4", true, { api: true, costUsd: 0.01 }),
  };
  const get = (m: string) => answers[m]!;

  it("a consensus cell keeps the first model's answer when the pair agrees and P(correct) clears t; it pays both calls", () => {
    const cells: WalkCell[] = [
      { cell: "consensus", local: true, model: "a", partner: "b", rule: { basis: "p_correct", threshold: 0.9, score: byAgreement } },
      { cell: "API", local: false, model: "api", rule: { basis: "final" } },
    ];
    const o = walkItem({ itemId: "i", cells, answer: get });
    expect(o).toMatchObject({ kind: "answered", cellIndex: 0, model: "a", correct: true, calledApi: false, keptLocal: true, bestEffort: false });
    expect(o.kind === "answered" && o.costUsd).toBeCloseTo(0.002, 12);
    expect(o.steps).toEqual([{ cell: "consensus", features: { extraction: 1, agreement: 1 }, agree: true, pCorrect: 1, accepted: true }]);
  });

  it("a disagreeing pair escalates, and later cells see both answers as peers", () => {
    const cells: WalkCell[] = [
      { cell: "consensus", local: true, model: "a", partner: "c", rule: { basis: "p_correct", threshold: 0.1, score: byAgreement } },
      // b agrees with a ("4") but not with c ("5"): agreement 1/2.
      { cell: "Q", local: true, model: "b", rule: { basis: "p_correct", threshold: 0.6, score: byAgreement } },
      { cell: "API", local: false, model: "api", rule: { basis: "final" } },
    ];
    const o = walkItem({ itemId: "i", cells, answer: get });
    expect(o).toMatchObject({ kind: "answered", cellIndex: 2, model: "api", calledApi: true, keptLocal: false });
    // The API's "4" agrees with a and b but not c: 2 of 3 peers.
    expect(o.steps.map((s) => [s.cell, s.features.agreement, s.accepted])).toEqual([
      ["consensus", 0, false],
      ["Q", 0.5, false],
      ["API", 2 / 3, true],
    ]);
    expect(o.kind === "answered" && o.costUsd).toBeCloseTo(0.013, 12);
  });

  it("a pending cell stops the walk there with its features (how calibration finds the items that reach a cell)", () => {
    const cells: WalkCell[] = [
      { cell: "F", local: true, model: "c", rule: { basis: "self_check", threshold: 1.1 } },
      { cell: "Q", local: true, model: "a", rule: { basis: "pending" } },
    ];
    expect(walkItem({ itemId: "i", cells, answer: get })).toMatchObject({ kind: "pending", cellIndex: 1, features: { extraction: 1, agreement: 0 } });
  });

  it("a legacy chain with no final cell returns its best self-check answer, flagged", () => {
    const low = { a: answer("4", true, { confidence: 0.6 }), c: answer("5", false, { confidence: 0.3 }) } as Record<string, RecordedAnswer>;
    const cells: WalkCell[] = [
      { cell: "F", local: true, model: "c", rule: { basis: "self_check", threshold: 0.7 } },
      { cell: "Q", local: true, model: "a", rule: { basis: "self_check", threshold: 0.7 } },
    ];
    expect(walkItem({ itemId: "i", cells, answer: (m) => low[m]! })).toMatchObject({
      kind: "answered",
      model: "a",
      cellIndex: 1,
      bestEffort: true,
      correct: true,
    });
  });
});
