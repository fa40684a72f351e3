import Database from "better-sqlite3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { attemptsToRecords } from "./records.js";
import { SqliteLedger } from "./sqlite-ledger.js";

/** A ledger file as tierlab wrote it before the p_correct column. */
function oldLedger(): string {
  const file = join(mkdtempSync(join(tmpdir(), "tierlab-ledger-")), "ledger.sqlite");
  const db = new Database(file);
  db.exec(`CREATE TABLE calls (seq INTEGER PRIMARY KEY AUTOINCREMENT, version INTEGER NOT NULL, ts TEXT NOT NULL, request_id TEXT NOT NULL, action TEXT NOT NULL,
    tier TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, attempt INTEGER NOT NULL, input_tokens INTEGER, output_tokens INTEGER, cost_usd REAL NOT NULL,
    latency_ms REAL NOT NULL, ttft_ms REAL, confidence REAL, checks TEXT, verdict TEXT NOT NULL, escalated_from TEXT, error_class TEXT, tag TEXT,
    cache_hit INTEGER NOT NULL, prompt TEXT, answer TEXT)`);
  db.prepare(
    `INSERT INTO calls (version, ts, request_id, action, tier, provider, model, attempt, cost_usd, latency_ms, verdict, cache_hit) VALUES (1, '2026-12-01T00:00:00.000Z', 'old', 'a', 'T', 'p', 'm', 1, 0, 5, 'accepted', 0)`,
  ).run();
  db.close();
  return file;
}

const attempt = {
  attempt: 1,
  tier: "T",
  modelId: "m",
  provider: "p",
  model: "m",
  startedAt: "2026-12-02T00:00:00.000Z",
  latencyMs: 5,
  usage: {},
  costUsd: 0,
  verdict: "accepted" as const,
  pCorrect: 0.93,
};

describe("the ledger's p_correct column", () => {
  it("is written from the attempt's P(correct), null where there is none", async () => {
    const ledger = new SqliteLedger(join(mkdtempSync(join(tmpdir(), "tierlab-ledger-")), "l.sqlite"));
    await ledger.write(attemptsToRecords({ requestId: "r", action: "a", attempts: [attempt, { ...attempt, attempt: 2, pCorrect: undefined }] }));
    expect(ledger.query().map((r) => r.p_correct)).toEqual([0.93, null]);
    ledger.close();
  });

  it("is added to a ledger file written before it, whose rows read it as null", async () => {
    const file = oldLedger();
    const ledger = new SqliteLedger(file);
    await ledger.write(attemptsToRecords({ requestId: "new", action: "a", attempts: [attempt] }));
    expect(ledger.query().map((r) => [r.request_id, r.p_correct])).toEqual([
      ["old", null],
      ["new", 0.93],
    ]);
    ledger.close();
  });

  it("reads as null from an older file opened read-only (usage, doctor), which it does not change", () => {
    const file = oldLedger();
    const ledger = new SqliteLedger(file, { readonly: true });
    expect(ledger.query().map((r) => [r.request_id, r.p_correct])).toEqual([["old", null]]);
    ledger.close();
    const columns = (new Database(file, { readonly: true }).pragma("table_info(calls)") as { name: string }[]).map((c) => c.name);
    expect(columns).not.toContain("p_correct");
  });
});
