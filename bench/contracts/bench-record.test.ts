import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../core/errors.js";
import { fitBench, readBenchRecords } from "../../simulator/bench-fit.js";
import { loadRouterConfig } from "../../router/config/load.js";
import { makeRecord, writeRun } from "../../test-support/bench-records.js";
import { RunFolder } from "../run/run-folder.js";
import { BENCH_RECORD_VERSION, parseBenchRecord } from "./bench-record.js";

/** A record as tierlab wrote it before version 2: no latency_source, no token_counter, no signals, a bare grade. */
function v1(item: string, e2e: number): Record<string, unknown> {
  const {
    latency_source: _l,
    token_counter: _t,
    reading: _r,
    signals: _s,
    verifier: _v,
    ...rest
  } = makeRecord({ item_id: item, e2e_ms: e2e, pass: true, action: "classify_memory" });
  return { ...rest, version: 1, grade: { pass: true, reason: "matches" } };
}

describe("bench records, version 1 → 2", () => {
  it("reads a version-1 record as measured latency, backend tokens and unknown parse information", () => {
    const r = parseBenchRecord(v1("a", 120));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.record).toMatchObject({
      version: BENCH_RECORD_VERSION,
      latency_source: "measured",
      token_counter: null,
      e2e_ms: 120,
      grade: { pass: true, reason: "matches", unparseable: null, extracted: null },
    });
  });

  it("refuses other versions and version-2 fields on a version-1 record, naming the field", () => {
    expect(parseBenchRecord({ ...v1("a", 1), version: 3 })).toEqual({
      ok: false,
      field: "version",
      message: "is 3; this tierlab reads bench records of version 1 or 2",
    });
    expect(parseBenchRecord({ ...v1("a", 1), latency_source: "modelled" })).toMatchObject({ ok: false, field: "(root)" });
    const { latency_source: _, ...noSource } = makeRecord({ item_id: "b" });
    expect(parseBenchRecord(noSource)).toMatchObject({ ok: false, field: "latency_source" });
  });

  it("reads a version-2 record written before the signal fields as having none, and checks them when present", () => {
    const { reading: _r, signals: _s, verifier: _v, ...older } = makeRecord({ item_id: "c" });
    const r = parseBenchRecord(older);
    expect(r.ok && r.record).toMatchObject({ reading: null, signals: null, verifier: null });
    const withSignals = makeRecord({ item_id: "d", reading: { status: "clean", canonical: "18" }, signals: { extraction: 1, logprob_mean: null } });
    expect(parseBenchRecord(withSignals)).toMatchObject({ ok: true, record: { reading: { canonical: "18" }, signals: { extraction: 1, logprob_mean: null } } });
    expect(parseBenchRecord({ ...withSignals, reading: { status: "fine", canonical: "18" } })).toMatchObject({ ok: false, field: "reading.status" });
  });

  it("every reader (run folder, simulate --from-bench) takes a file mixing both versions and rejects version 3 at its line", () => {
    const v2 = makeRecord({ item_id: "b", e2e_ms: 300, action: "classify_memory" });
    const dir = writeRun([]);
    const file = join(dir, "records.jsonl");
    writeFileSync(file, [JSON.stringify(v1("a", 120)), JSON.stringify({ ...v2, latency_source: "modelled" })].join("\n") + "\n");
    expect(new RunFolder(dir).records().map((r) => r.latency_source)).toEqual(["measured", "modelled"]);
    expect(readBenchRecords(file).records.map((r) => r.version)).toEqual([2, 2]);
    const fit = fitBench(loadRouterConfig("config/router.embedded.yaml", { calibration: false }), file);
    expect(fit.tierModelled.get("LOCAL_FAST")).toBe(1);
    writeFileSync(file, [JSON.stringify(v1("a", 120)), JSON.stringify({ ...v2, version: 3 })].join("\n") + "\n");
    const a = (() => {
      try {
        new RunFolder(dir).records();
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(a.message).toContain(`${file}:2: version: is 3`);
    expect(() => readBenchRecords(file)).toThrow(/records\.jsonl:2: version: is 3/);
  });
});
