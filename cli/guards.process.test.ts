/** The guards every tierlab program installs, through the real entry point in a child process. */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../test-support/models.js";
import { writeTestConfig } from "../test-support/router-fixture.js";
import { SqliteLedger } from "../router/ledger/sqlite-ledger.js";

describe("tierlab with its stdout closed early (`| head`)", () => {
  it("finishes the command without a stack, and the route still reaches the ledger", async () => {
    const fx = writeTestConfig((d) => {
      d.providers = { fast: { kind: "scripted", script: [{ reply: "auth" }] }, quality: { kind: "scripted" }, api: { kind: "scripted" }, api2: { kind: "scripted" } };
    });
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "cli/main.ts"), "route", "--config", fx.file, "--prompt", "Fixed auth bug", "--action", "classify", "--json"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    // The reader is gone before the first byte: the command's first write meets EPIPE.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|internal error|    at /);
    expect(code).toBe(0);
    const ledger = new SqliteLedger(join(fx.dir, "ledger.sqlite"), { readonly: true });
    expect(ledger.query().map((r) => r.verdict)).toEqual(["accepted"]);
    ledger.close();
  }, 60_000);
});
