import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { md, notebook } from "./notebook.js";
import { renderHtml } from "./render-html.js";
import { renderMarkdown } from "./render-markdown.js";
import { writeReport } from "./write.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe("writeReport", () => {
  const nb = notebook({ id: "w-1", title: "W", generatedAt: "2025-01-01T00:00:00Z", inputs: [], cells: [md("**hi**")] });

  it("writes <id>.html and <id>.md into a new directory, leaving no temporary files", async () => {
    const base = await mkdtemp(join(tmpdir(), "tierlab-report-"));
    dirs.push(base);
    const out = join(base, "nested", "dir");
    const { htmlPath, mdPath } = await writeReport(nb, out);
    expect(htmlPath).toBe(join(out, "w-1.html"));
    expect(mdPath).toBe(join(out, "w-1.md"));
    expect(await readFile(htmlPath, "utf8")).toBe(renderHtml(nb));
    expect(await readFile(mdPath, "utf8")).toBe(renderMarkdown(nb));
    expect((await readdir(out)).sort()).toEqual(["w-1.html", "w-1.md"]);
  });

  it("replaces an existing report in place", async () => {
    const base = await mkdtemp(join(tmpdir(), "tierlab-report-"));
    dirs.push(base);
    await writeReport(nb, base);
    const second = { ...nb, title: "W2" };
    const { mdPath } = await writeReport(second, base);
    expect(await readFile(mdPath, "utf8")).toMatch(/^# W2\n/);
    expect((await readdir(base)).sort()).toEqual(["w-1.html", "w-1.md"]);
  });

  it("writes nothing when the notebook is invalid", async () => {
    const base = await mkdtemp(join(tmpdir(), "tierlab-report-"));
    dirs.push(base);
    await expect(writeReport({ ...nb, cells: [{ kind: "nope" }] } as never, join(base, "x"))).rejects.toThrow(/cells\[0\]/);
    expect(await readdir(base)).toEqual([]);
  });
});
