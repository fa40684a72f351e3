import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { paidRow } from "../../test-support/ledger-rows.js";
import { UsageError } from "../../core/errors.js";
import { exportUsageLog, recordsToCsv } from "./export.js";

const AT = new Date("2026-11-25T12:00:00Z");

describe("usage export", () => {
  it("CSV: text cells a spreadsheet would run as a formula start with an apostrophe; numbers stay numbers", () => {
    const hostile = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "plain", "a=b"];
    const rows = hostile.map((answer, i) => ({
      ...paidRow({ requestId: `r${i}`, costUsd: 0.5, at: AT, tag: i === 0 ? "=cmd|' /C calc'!A0" : undefined }),
      answer,
    }));
    const cells = parse(recordsToCsv(rows), { columns: true }) as Record<string, string>[];
    expect(cells.map((c) => c.answer)).toEqual(['\'=HYPERLINK("http://x","y")', "'+1+1", "'-2+3", "'@SUM(A1)", "'\t=1", "'\r=1", "plain", "a=b"]);
    expect(cells[0]!.tag).toBe("'=cmd|' /C calc'!A0");
    expect(cells.every((c) => c.cost_usd === "0.5" && c.attempt === "1")).toBe(true);
  });

  it("refuses an existing file unless told to overwrite, leaving it untouched and no temporary file behind", () => {
    const dir = mkdtempSync(join(tmpdir(), "tierlab-export-"));
    const file = join(dir, "router.yaml");
    writeFileSync(file, "version: 1\n");
    const rows = [paidRow({ requestId: "a", costUsd: 1, at: AT })];
    expect(() => exportUsageLog(rows, file)).toThrow(UsageError);
    expect(() => exportUsageLog(rows, file)).toThrow(/already exists; it was left as it was/);
    expect(readFileSync(file, "utf8")).toBe("version: 1\n");
    expect(readdirSync(dir)).toEqual(["router.yaml"]);
    expect(exportUsageLog(rows, file, { overwrite: true })).toEqual({ format: "jsonl", rows: 1 });
    expect(JSON.parse(readFileSync(file, "utf8")).request_id).toBe("a");
  });
});
