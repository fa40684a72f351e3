/**
 * Property-based tests of the cost and budget invariants: the reservation bounds the real cost,
 * and under any interleaving of reserve / settle / release / ledger commit (including requests
 * whose process dies before the ledger write) committed spend never exceeds a limit, and every
 * settled dollar is counted exactly once.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tokenCostUsd, type ModelPrice } from "../config/prices.js";
import type { BudgetConfig } from "../config/schema.js";
import type { ChatMessage } from "../contracts/provider.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import type { Reservation } from "./contract.js";
import { SqliteBudget } from "./sqlite-budget.js";
import { paidRow } from "../../test-support/ledger-rows.js";
import { inputTokenUpperBound, worstCaseUsd } from "./worst-case.js";

const price = fc.double({ min: 0, max: 1e-4, noNaN: true });
const pricing: fc.Arbitrary<ModelPrice> = fc.record(
  { input_cost_per_token: price, output_cost_per_token: price, cache_read_input_token_cost: price, cache_creation_input_token_cost: price },
  { requiredKeys: ["input_cost_per_token", "output_cost_per_token"] },
);
const messages: fc.Arbitrary<ChatMessage[]> = fc.array(
  fc.record({ role: fc.constantFrom("system" as const, "user" as const, "assistant" as const), content: fc.string({ unit: "grapheme", maxLength: 200 }) }),
  { minLength: 1, maxLength: 4 },
);

describe("cost invariants", () => {
  it("the worst case bounds the billed cost of any usage a provider can report within the limits", () => {
    fc.assert(
      fc.property(
        pricing,
        messages,
        fc.integer({ min: 1, max: 4096 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (p, msgs, maxTokens, inFrac, outFrac, readFrac, writeFrac) => {
          const bound = inputTokenUpperBound(msgs);
          const inputTokens = Math.floor(bound * inFrac);
          const cacheReadTokens = Math.floor(inputTokens * readFrac);
          const cacheWriteTokens = Math.floor((inputTokens - cacheReadTokens) * writeFrac);
          const usage = { inputTokens, outputTokens: Math.floor(maxTokens * outFrac), cacheReadTokens, cacheWriteTokens };
          const actual = tokenCostUsd(p, usage);
          const worst = worstCaseUsd({ pricing: p, inputTokens: bound, maxOutputTokens: maxTokens });
          expect(actual).toBeGreaterThanOrEqual(0);
          expect(actual).toBeLessThanOrEqual(worst * (1 + 1e-12));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("the input bound is at least the UTF-8 byte count (no byte-level tokenizer emits more tokens)", () => {
    fc.assert(
      fc.property(messages, (msgs) => {
        const bytes = msgs.reduce((n, m) => n + Buffer.byteLength(m.content), 0);
        expect(inputTokenUpperBound(msgs)).toBeGreaterThanOrEqual(bytes);
      }),
    );
  });
});

interface Req {
  worst: number;
  actualFrac: number;
  release: boolean;
  /** The process dies after settle, before the ledger write. */
  crashes: boolean;
  action: string;
  tag: string | undefined;
}

const req: fc.Arbitrary<Req> = fc.record({
  worst: fc.double({ min: 0.001, max: 0.5, noNaN: true }),
  actualFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  release: fc.boolean(),
  crashes: fc.boolean(),
  action: fc.constantFrom("a", "b"),
  tag: fc.constantFrom(undefined, "t"),
});

const AT = new Date("2026-11-25T12:00:00Z");

describe("budget invariants under any interleaving", () => {
  it("committed spend ≤ limit for every budget at every step, and each settled dollar counts exactly once", () => {
    fc.assert(
      fc.property(
        fc.array(req, { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 100 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (reqs, schedule, limit) => {
          const budgets: BudgetConfig[] = [
            { scope: "global", period: "day", limit_usd: limit, on_exceed: "refuse" },
            { scope: "action", key: "a", period: "day", limit_usd: limit / 2, on_exceed: "degrade" },
            { scope: "tag", key: "t", period: "week", limit_usd: limit / 3, on_exceed: "refuse" },
          ];
          const ledger = new SqliteLedger(":memory:");
          const budget = new SqliteBudget({ ledger, budgets, ttlMs: 3_600_000 });
          const state = reqs.map(() => ({ step: 0, reservation: undefined as Reservation | undefined, settled: 0 }));
          const inScope = (b: BudgetConfig, r: Req) =>
            b.scope === "global" || (b.scope === "action" && r.action === b.key) || (b.scope === "tag" && r.tag === b.key);
          const check = () => {
            for (const [i, s] of budget.status(AT).entries()) {
              const b = budgets[i]!;
              expect(s.spentUsd).toBeLessThanOrEqual(b.limit_usd + 1e-12);
              expect(s.spentUsd + s.heldUsd).toBeLessThanOrEqual(b.limit_usd + 1e-12);
            }
          };
          // Run the schedule, then drain every request so the final books are complete.
          const order = [...schedule.map((n) => n % reqs.length), ...reqs.flatMap((_, i) => [i, i, i])];
          for (const i of order) {
            const r = reqs[i]!;
            const s = state[i]!;
            const id = `r${i}`;
            if (s.step === 0) {
              const d = budget.reserve({ action: r.action, tag: r.tag, costUsd: r.worst, at: AT, requestId: id, attempt: 1 });
              s.reservation = d.ok ? d.reservation : undefined;
              s.step = d.ok ? 1 : 3;
            } else if (s.step === 1) {
              if (r.release) s.reservation!.release();
              else s.reservation!.settle((s.settled = r.worst * r.actualFrac));
              s.step = 2;
            } else if (s.step === 2) {
              if (!r.crashes) ledger.writeNow([paidRow({ requestId: id, costUsd: s.settled, at: AT, action: r.action, tag: r.tag })]);
              s.step = 3;
            }
            check();
          }
          // Identity: what the guard counts (ledger + held) is exactly what was settled, per scope.
          for (const [i, s] of budget.status(AT).entries()) {
            const expected = reqs.reduce((sum, r, j) => sum + (inScope(budgets[i]!, r) ? state[j]!.settled : 0), 0);
            expect(s.spentUsd + s.heldUsd).toBeCloseTo(expected, 9);
          }
          ledger.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});
