/**
 * The frontier's cascade and consensus points and the router's offline walk (router/policy/walk.ts,
 * which `bench calibrate` and `bench evaluate` use) decide through the same decideCell; this checks on
 * random items that they also add up to the same point.
 */
import { describe, expect, it } from "vitest";
import type { RecordedAnswer, WalkCell } from "../../router/policy/walk.js";
import { walkItem } from "../../router/policy/walk.js";
import { createRng } from "../../core/rng.js";
import { asAnswered, summariseWalks } from "../calibrate/walk-metrics.js";
import { evaluatePolicy } from "./frontier.js";
import type { FrontierItem, ModelTier } from "./frontier-types.js";

const models: ModelTier[] = [
  { name: "L1", tier: "local" },
  { name: "L2", tier: "local" },
  { name: "A", tier: "api" },
];

function randomItems(seed: number, n: number): FrontierItem[] {
  const rng = createRng(seed);
  const pick = () => String(Math.floor(rng.next() * 3));
  return Array.from({ length: n }, (_, i) => ({
    id: `i${i}`,
    outcomes: {
      L1: { correct: rng.next() < 0.6, costUsd: 0.0001, score: Math.round(rng.next() * 20) / 20, answer: rng.next() < 0.1 ? null : pick() },
      L2: { correct: rng.next() < 0.5, costUsd: 0.0002, score: Math.round(rng.next() * 20) / 20, answer: pick() },
      A: { correct: rng.next() < 0.9, costUsd: 0.01, answer: pick() },
    },
  }));
}

function walkPoint(items: readonly FrontierItem[], cells: (byId: Map<string, FrontierItem>) => WalkCell[]) {
  const byId = new Map(items.map((it) => [it.id, it]));
  const answer =
    (it: FrontierItem) =>
    (m: string): RecordedAnswer => {
      const o = it.outcomes[m]!;
      return {
        correct: o.correct,
        costUsd: o.costUsd,
        api: m === "A",
        reading: { status: o.answer == null ? "unparseable" : "clean", canonical: o.answer ?? null },
        own: {},
        confidence: null,
      };
    };
  return summariseWalks(
    items.map((it) => asAnswered(walkItem({ itemId: it.id, cells: cells(byId), answer: answer(it) }))),
    { delta: 0.1 },
  );
}

const scoreOf = (byId: Map<string, FrontierItem>, m: string) => (_: unknown, id: string) => byId.get(id)!.outcomes[m]!.score!;

describe("frontier points equal the offline walk's", () => {
  it("cascade and consensus, 200 random item sets", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const items = randomItems(seed, 25);
      const rng = createRng(1000 + seed);
      const [t1, t2] = [Math.round(rng.next() * 20) / 20, Math.round(rng.next() * 20) / 20];
      const cascade = evaluatePolicy({ items, models }, { kind: "cascade", models: ["L1", "L2", "A"], thresholds: [t1, t2] });
      const walkedCascade = walkPoint(items, (byId) => [
        { cell: "F", local: true, model: "L1", rule: { basis: "p_correct", threshold: t1, score: scoreOf(byId, "L1") } },
        { cell: "Q", local: true, model: "L2", rule: { basis: "p_correct", threshold: t2, score: scoreOf(byId, "L2") } },
        { cell: "API", local: false, model: "A", rule: { basis: "final" } },
      ]);
      const consensus = evaluatePolicy({ items, models }, { kind: "consensus", models: ["L1", "L2"], fallback: "A", threshold: t1 });
      const walkedConsensus = walkPoint(items, (byId) => [
        { cell: "consensus", local: true, model: "L1", partner: "L2", rule: { basis: "p_correct", threshold: t1, score: scoreOf(byId, "L1") } },
        { cell: "API", local: false, model: "A", rule: { basis: "final" } },
      ]);
      for (const [point, walked] of [
        [cascade, walkedCascade],
        [consensus, walkedConsensus],
      ] as const) {
        expect({ seed, accuracy: point.accuracy, api: point.api_share, kept: point.kept, keptError: point.kept_error }).toEqual({
          seed,
          accuracy: walked.accuracy,
          api: walked.api_share,
          kept: walked.kept,
          keptError: walked.kept_error,
        });
        expect(point.cost_per_1k_usd).toBeCloseTo(walked.cost_per_1k_usd, 12);
      }
    }
  });
});
