import { describe, expect, it } from "vitest";
import { UsageError } from "../../core/errors.js";
import { EXIT } from "../../core/exit-codes.js";
import type { BenchRecord } from "../contracts/bench-record.js";
import { runCommandModule } from "../../test-support/calibrate-cli.js";
import { makeRecord, writeRun, type RecordInit } from "../../test-support/bench-records.js";
import { type GroupComparison, compareRuns } from "./compare.js";
import { renderCompareMarkdown } from "./render-markdown.js";

const N = 40;

/** 40 items; base gets all but the last 4 right, with e2e 100, 105, …, 295 ms and TTFT a fifth of that. */
function run(runId: string, tweak: (i: number, r: RecordInit) => RecordInit = (_, r) => r): BenchRecord[] {
  return Array.from({ length: N }, (_, i) =>
    makeRecord(tweak(i, { run_id: runId, item_id: `item-${i}`, pass: i < 36, e2e_ms: 100 + 5 * i, ttft_ms: 20 + i, confidence: 0.9 })),
  );
}

const base = run("base");

function only(result: { groups: GroupComparison[] }): GroupComparison {
  expect(result.groups).toHaveLength(1);
  return result.groups[0]!;
}

describe("compareRuns", () => {
  it("flags a head that breaks 10 items base got right, with exit code 5", () => {
    const head = run("head", (i, r) => (i < 10 ? { ...r, pass: false } : r));
    const result = compareRuns(base, head);
    expect(result).toMatchObject({ verdict: "regression", exit_code: EXIT.regression, base_run: "base", head_run: "head" });
    const g = only(result);
    expect(g).toMatchObject({ design: "paired" });
    expect(g.quality).toMatchObject({
      test: "mcnemar_exact",
      n_base: 40,
      base_passes: 36,
      head_passes: 26,
      drop: 0.25,
      regression: true,
      mcnemar: { b: 10, c: 0 },
    });
    expect(g.quality!.p_regression).toBeCloseTo(2 ** -10, 15);
    expect(g.latency.find((l) => l.metric === "e2e_p50")?.regression).toBe(false);
  });

  it("gives no latency verdict between a measured and a modelled run, and says which is which", () => {
    const modelled = (rs: BenchRecord[]) => rs.map((r) => ({ ...r, latency_source: "modelled" as const }));
    const slow = run("head", (_, r) => ({ ...r, e2e_ms: (r.e2e_ms ?? 0) * 3 }));
    const mixed = only(compareRuns(base, modelled(slow)));
    const p50 = mixed.latency.find((l) => l.metric === "e2e_p50")!;
    expect(p50).toMatchObject({ regression: null, source: { base: "measured", head: "modelled" } });
    expect(mixed.regression).toBe(false);
    const md = renderCompareMarkdown(compareRuns(base, modelled(slow)));
    expect(md).toMatch(/\| e2e p50 \| [\d.]+ ms \| [\d.]+ ms \(modelled\) \|.*no verdict: base measured, head modelled/);
    // Both modelled: compared like any two runs, and labelled in every cell.
    const both = only(compareRuns(modelled(base), modelled(slow)));
    expect(both.latency.find((l) => l.metric === "e2e_p50")).toMatchObject({ regression: true, source: { base: "modelled", head: "modelled" } });
  });

  it("does not flag noise: one item flipped each way", () => {
    const head = run("head", (i, r) => (i === 0 ? { ...r, pass: false } : i === 39 ? { ...r, pass: true } : r));
    const result = compareRuns(base, head);
    expect(result).toMatchObject({ verdict: "ok", exit_code: EXIT.ok });
    expect(only(result).quality).toMatchObject({ drop: 0, mcnemar: { b: 1, c: 1 }, regression: false });
  });

  it("needs both the margin and significance", () => {
    // 2 of 40 broken: a 5-point drop, but p = 0.25.
    const small = compareRuns(
      base,
      run("head", (i, r) => (i < 2 ? { ...r, pass: false } : r)),
    );
    expect(only(small).quality).toMatchObject({ drop: 0.05, regression: false });
    // Significant (p = 2^-10) but 10 points is under a 20-point margin.
    const lenient = compareRuns(
      base,
      run("head", (i, r) => (i < 4 ? { ...r, pass: false } : r)),
      { margin: 0.2, alpha: 0.1 },
    );
    expect(only(lenient).quality!.p_regression).toBeLessThan(0.1);
    expect(lenient.verdict).toBe("ok");
  });

  it("flags a latency regression only when it is significant and practical, with flags for both effects", () => {
    const slow = run("head", (_i, r) => ({ ...r, e2e_ms: r.e2e_ms! * 1.5 }));
    const flagged = compareRuns(base, slow);
    expect(flagged).toMatchObject({ verdict: "regression", exit_code: EXIT.regression });
    const p50 = only(flagged).latency.find((l) => l.metric === "e2e_p50")!;
    expect(p50).toMatchObject({ base: 197.5, head: 296.25, regression: true, significant: true, practical: true, test: "paired_bootstrap" });
    expect(p50.ratio).toBeCloseTo(1.5, 12);
    expect(p50.ratio_lower!).toBeGreaterThan(1);
    expect(p50.relative).toBeCloseTo(0.5, 12);
    expect(only(flagged).quality!.regression).toBe(false);
    // 5 % slower everywhere: significant, but under the 10 % effect.
    const five = only(
      compareRuns(
        base,
        run("head", (_i, r) => ({ ...r, e2e_ms: r.e2e_ms! * 1.05 })),
      ),
    ).latency[0]!;
    expect(five).toMatchObject({ significant: true, practical: false, regression: false });
    // 50 % slower is +98.75 ms: under a 150 ms floor it is not practical; the relative effect can be raised too.
    expect(compareRuns(base, slow, { latencyMarginMs: 150 }).verdict).toBe("ok");
    expect(compareRuns(base, slow, { latencyMargin: 0.6 }).verdict).toBe("ok");
    // Three items, all slower by 40 %: a sign test cannot call that significant (p = 1/8), a bootstrap interval would.
    const three = (id: string, k: number) => Array.from({ length: 3 }, (_, i) => makeRecord({ run_id: id, item_id: `i${i}`, e2e_ms: (100 + i) * k }));
    expect(only(compareRuns(three("base", 1), three("head", 1.4))).latency[0]).toMatchObject({
      significance_test: "sign_test",
      p_slower: expect.closeTo(0.125, 12),
      significant: false,
      practical: true,
      regression: false,
    });
    // 2 ms slower on a 10 ms model is +20 %, significant, and below the default 20 ms floor: the loaded-machine case.
    const tiny = run("base", (i, r) => ({ ...r, e2e_ms: 8 + (i % 5) }));
    const tinySlow = run("head", (i, r) => ({ ...r, e2e_ms: 10 + (i % 5) }));
    const t = only(compareRuns(tiny, tinySlow)).latency[0]!;
    expect(t).toMatchObject({ significant: true, practical: false, regression: false });
    expect(compareRuns(tiny, tinySlow, { latencyMarginMs: 1 }).verdict).toBe("regression");
  });

  it("pairs by (model, action, item), ignores warm-up and keeps errors out of pass rates", () => {
    const head = [
      makeRecord({ run_id: "head", item_id: "item-0", warmup: true, pass: false, e2e_ms: 99_999 }),
      ...run("head", (i, r) => (i === 5 ? { ...r, error: "TimeoutError" } : r)).reverse(),
      makeRecord({ run_id: "head", item_id: "item-0", model_id: "other-model", pass: false }),
    ];
    const result = compareRuns(base, head);
    const g = only(result);
    expect(g).toMatchObject({ paired: 40, errors: { base: 0, head: 1 }, regression: false });
    expect(g.quality).toMatchObject({ n_base: 39, base_passes: 35, head_passes: 35 });
    expect(g.latency.map((l) => [l.metric, l.n_base])).toEqual([
      ["e2e_p50", 39],
      ["e2e_mean", 39],
      ["ttft_p50", 39],
    ]);
    expect(result.unpaired).toEqual({ base: 0, head: 0 });
    expect(result.only_in).toEqual({ base: [], head: ["other-model · classify"] });
    expect(renderCompareMarkdown(result)).toMatch(/errors base 0, head 1 ⚠️/);
  });

  it("compares runs with different items as independent samples: Fisher's exact test and a two-sample bootstrap", () => {
    // Another seed drew other items: nothing to pair, so each run is a sample of the action.
    const other = run("head", (i, r) => ({ ...r, item_id: `other-${i}`, pass: i < 26 }));
    const g = only(compareRuns(base, other));
    expect(g).toMatchObject({ design: "unpaired", paired: 0, n_base: 40, n_head: 40 });
    expect(g.design_reason).toMatch(/share only 0 of 40 items/);
    // scipy.stats.fisher_exact([[36, 4], [26, 14]], alternative="greater").pvalue = 0.0072379
    expect(g.quality).toMatchObject({ test: "fisher_exact", base_passes: 36, head_passes: 26, drop: 0.25, mcnemar: null, regression: true });
    expect(g.quality!.p_regression).toBeCloseTo(0.007237872205577325, 10);
    expect(g.latency[0]).toMatchObject({ test: "unpaired_bootstrap", regression: false });
    // Five shared items of forty is not a paired design either.
    const few = run("head", (i, r) => ({ ...r, item_id: i < 5 ? `item-${i}` : `other-${i}` }));
    expect(only(compareRuns(base, few))).toMatchObject({ design: "unpaired", paired: 5 });
    expect(renderCompareMarkdown(compareRuns(base, other))).toContain("Fisher exact, one-sided p=0.007");
  });

  it("refuses runs with no (model, action) in common", () => {
    const other = run("head", (i, r) => ({ ...r, model_id: "other-model" }));
    expect(() => compareRuns(base, other)).toThrow(UsageError);
    expect(() => compareRuns(base, other)).toThrow(/no \(model, action\) in common/);
  });
});

describe("renderCompareMarkdown", () => {
  it("is the same for the same inputs, whatever their order", () => {
    const head = run("head", (i, r) => (i < 10 ? { ...r, pass: false, e2e_ms: r.e2e_ms! + 7 } : r));
    const md = renderCompareMarkdown(compareRuns(base, head));
    const shuffled = [...head.slice(20), ...head.slice(0, 20).reverse()];
    expect(renderCompareMarkdown(compareRuns([...base].reverse(), shuffled))).toBe(md);
    expect(md).toContain("❌ **Significant regression** in 1 of 1 model/action groups: fast-a · classify");
    expect(md).toContain("| ❌ | pass rate | 90.0 % (36/40) [76.9, 96.0] | 65.0 % (26/40) [49.5, 77.9] | -25.0 pts | McNemar b=10 c=0, one-sided p=9.8e-4 |");
    expect(md).toContain("|  | e2e mean | 198 ms | 199 ms | +1.8 ms (+0.9 %) | 95 % CI [+0.9, +");
    expect(md).toContain("Design: the runs measured the same items (40 of 40 items of the smaller run shared)");
  });
});

describe("compare command", () => {
  const COMMAND = { modulePath: "cli/bench/compare-command.ts", exportName: "compareCommand" };

  it("exits 5 on a regression and prints the markdown", () => {
    const head = run("head", (i, r) => (i < 10 ? { ...r, pass: false } : r));
    const r = runCommandModule({ ...COMMAND, argv: ["compare", writeRun(base), writeRun(head)] });
    expect(r.code).toBe(EXIT.regression);
    expect(r.stdout).toContain("### ❌ fast-a · classify");
  });

  it("exits 2 and says so when the runs share no model and action", () => {
    const other = run("head", (i, r) => ({ ...r, action: "tag" }));
    const r = runCommandModule({ ...COMMAND, argv: ["compare", writeRun(base), writeRun(other), "--json"] });
    expect(r.code).toBe(EXIT.badInput);
    expect(r.stderr).toMatch(/no \(model, action\) in common/);
  });
});
