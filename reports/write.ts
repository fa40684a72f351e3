/**
 * Writes a notebook's HTML and Markdown next to each other. Each file goes to a temporary name in
 * the same directory and is renamed into place, so a CI step or a browser that opens the report while
 * it is being regenerated sees either the old file or the new one, never half of one.
 */
import { mkdir } from "node:fs/promises";
import { writeFileAtomic } from "../core/atomic-write.js";
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
  writeFileAtomic(htmlPath, html);
  writeFileAtomic(mdPath, markdown);
  return { htmlPath, mdPath };
}
