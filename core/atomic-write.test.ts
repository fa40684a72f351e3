import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.js";

const dir = () => mkdtempSync(join(tmpdir(), "tierlab-atomic-"));

describe("writeFileAtomic", () => {
  it("replaces a file by default and leaves nothing else behind", () => {
    const d = dir();
    const f = join(d, "out.json");
    writeFileSync(f, "old");
    writeFileAtomic(f, "new");
    expect(readFileSync(f, "utf8")).toBe("new");
    expect(readdirSync(d)).toEqual(["out.json"]);
  });

  it("with overwrite: false refuses an existing file (EEXIST), keeps it byte for byte and cleans up", () => {
    const d = dir();
    const f = join(d, "router.yaml");
    writeFileSync(f, "version: 1\n");
    expect(() => writeFileAtomic(f, "rows", { overwrite: false })).toThrow(expect.objectContaining({ code: "EEXIST", path: f }));
    expect(readFileSync(f, "utf8")).toBe("version: 1\n");
    expect(readdirSync(d)).toEqual(["router.yaml"]);
    writeFileAtomic(join(d, "new.csv"), "a,b\n", { overwrite: false });
    expect(readFileSync(join(d, "new.csv"), "utf8")).toBe("a,b\n");
  });

  it("a failed rename (target is a folder) removes its temporary file and names the target", () => {
    const d = dir();
    mkdirSync(join(d, "taken"));
    writeFileSync(join(d, "taken", "x"), "");
    expect(() => writeFileAtomic(join(d, "taken"), "data")).toThrow(expect.objectContaining({ path: join(d, "taken") }));
    expect(readdirSync(d)).toEqual(["taken"]);
  });

  // Root writes anywhere: there is nothing to refuse.
  it.skipIf(process.getuid?.() === 0)("a folder it cannot write to fails with the target's path, not a temporary name", () => {
    const d = dir();
    chmodSync(d, 0o500);
    expect(() => writeFileAtomic(join(d, "out.txt"), "x")).toThrow(expect.objectContaining({ code: "EACCES", path: join(d, "out.txt") }));
    chmodSync(d, 0o700);
  });
});
