/**
 * Writes a notebook's HTML and Markdown next to each other. Each file goes to a temporary name in
 * the same directory and is renamed into place, so a CI step or a browser that opens the report while
 * it is being regenerated sees either the old file or the new one, never half of one.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseNotebook, type Notebook } from "./notebook.js";
import { renderHtml } from "./render-html.js";
import { renderMarkdown } from "./render-markdown.js";

export interface WrittenReport {
  htmlPath: string;
  mdPath: string;
}

export async function writeReport(nb: Notebook, outDir: string): Promise<WrittenReport> {
  const valid = parseNotebook(nb);
  // Render both before touching the disk: a render error must not leave one new file and one old one.
  const html = renderHtml(valid);
  const markdown = renderMarkdown(valid);
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const htmlPath = join(dir, `${valid.id}.html`);
  const mdPath = join(dir, `${valid.id}.md`);
  await writeAtomic(htmlPath, html);
  await writeAtomic(mdPath, markdown);
  return { htmlPath, mdPath };
}

export async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, content, { encoding: "utf8", flag: "wx" });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
