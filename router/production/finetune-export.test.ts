import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeTestConfig } from "../../test-support/router-fixture.js";
import { runCli } from "../../test-support/run-cli.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { ScriptedProvider } from "../providers/scripted.js";
import { Router } from "../router.js";

async function routed(storePrompts: boolean) {
  const fx = writeTestConfig((d) => {
    d.ledger = { path: "ledger.sqlite", store_prompts: storePrompts };
    (d.actions as Record<string, unknown>).other = { tier: "LOCAL_FAST", escalate: ["API_FALLBACK"], checks: [{ id: "non_empty" }] };
  });
  const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"));
  const fast = new ScriptedProvider([{ match: "local", reply: "docs" }, { reply: "no idea" }]);
  const router = new Router({
    config: fx.load(),
    ledger,
    providers: { providers: { fast, quality: new ScriptedProvider([{ reply: "still no" }]), api: new ScriptedProvider([{ reply: "auth" }], { name: "api" }) } },
  });
  await router.route({ action: "classify", prompt: "Fixed login bug" }); // escalates to the API
  await router.route({ action: "classify", prompt: "local: update README" }); // answered locally
  await router.route({ action: "other", prompt: "anything" }); // "no idea" passes non_empty: local
  await router.close();
  ledger.close();
  return fx;
}

describe("usage --export-finetune", () => {
  it("writes each escalated prompt with its accepted API answer as chat fine-tuning JSONL, filtered by action", async () => {
    const fx = await routed(true);
    const out = join(fx.dir, "ft.jsonl");
    const r = runCli(["usage", "--config", fx.file, "--recent", "1h", "--action", "classify", "--export-finetune", out]);
    expect([r.status, r.stderr]).toEqual([0, `wrote 1 fine-tuning examples to ${out}\n`]);
    const lines = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      {
        messages: [
          { role: "system", content: "Pick a label." },
          { role: "user", content: "Text: Fixed login bug\nLabel:" },
          { role: "assistant", content: "auth" },
        ],
      },
    ]);
    // An action whose requests were all answered locally has nothing to export.
    const none = runCli(["usage", "--config", fx.file, "--recent", "1h", "--action", "other", "--export-finetune", out]);
    expect(none.stderr).toBe(`wrote 0 fine-tuning examples to ${out}\n`);
  }, 60_000);

  it("refuses, saying why, where prompts are not stored", async () => {
    const fx = await routed(false);
    const out = join(fx.dir, "ft.jsonl");
    const r = runCli(["usage", "--config", fx.file, "--export-finetune", out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("ledger.store_prompts is false");
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
