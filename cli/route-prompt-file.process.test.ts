/** Long prompts: `route --prompt-file FILE` and `--prompt-file -` (stdin), through the real entry point. */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../test-support/models.js";
import { writeTestConfig } from "../test-support/router-fixture.js";
import { SqliteLedger } from "../router/ledger/sqlite-ledger.js";

describe("route --prompt-file", () => {
  it("reads the prompt from a file or from stdin, whole (the trailing newline dropped), and stores it when asked", () => {
    const fx = writeTestConfig((d) => {
      d.providers = {
        fast: { kind: "scripted", script: [{ match: "auth", reply: "auth" }, { reply: "nope" }] },
        quality: { kind: "scripted", script: [{ reply: "ui" }] },
        api: { kind: "scripted" },
        api2: { kind: "scripted" },
      };
      (d.ledger as Record<string, unknown>).store_prompts = true;
    });
    // 200 KB: far beyond what is comfortable on a command line.
    const long = `${"lorem ipsum ".repeat(17_000)}Fixed auth bug`;
    const file = join(fx.dir, "prompt.txt");
    writeFileSync(file, `${long}\n`);
    const run = (args: string[], input?: string) =>
      spawnSync(
        process.execPath,
        ["--import", "tsx", join(REPO_ROOT, "cli/main.ts"), "route", "--config", fx.file, "--action", "classify", "--json", ...args],
        { cwd: REPO_ROOT, input, encoding: "utf8", timeout: 60_000 },
      );
    const fromFile = run(["--prompt-file", file]);
    expect(fromFile.stderr).toBe("");
    expect(fromFile.status).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ verdict: "accepted", text: "auth" });
    const fromStdin = run(["--prompt-file", "-"], "Button misaligned\n");
    expect(fromStdin.status).toBe(0);
    expect(JSON.parse(fromStdin.stdout)).toMatchObject({ tier: "LOCAL_QUALITY", text: "ui" });
    const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"), { readonly: true });
    expect(ledger.query().map((r) => r.prompt)).toEqual([long, "Button misaligned", "Button misaligned"]);
    ledger.close();
  }, 60_000);
});
