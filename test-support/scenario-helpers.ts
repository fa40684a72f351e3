/** Runs scenarios quietly for tests and picks cells out of their notebooks. */
import { readFileSync } from "node:fs";
import type { Cell, HeadlineCell, Notebook, TableCell } from "../reports/notebook.js";
import type { ScenarioOutcome } from "../scenarios/lib/execute.js";
import { runScenario } from "../scenarios/lib/registry.js";

/** A fixed commit, so a report's bytes do not change with every commit of this repo. */
export const TEST_COMMIT = "abcdef1234567";

export async function build(id: string, argv: string[], outDir: string): Promise<ScenarioOutcome & { markdown: string }> {
  const outcome = await runScenario(id, [...argv, "--out-dir", outDir], { print: () => undefined, log: () => undefined, gitCommit: TEST_COMMIT });
  return { ...outcome, markdown: readFileSync(outcome.mdPath, "utf8") };
}

export function headlineOf(nb: Notebook, labelStart: string): HeadlineCell {
  const h = nb.cells.find((c: Cell): c is HeadlineCell => c.kind === "headline" && c.label.startsWith(labelStart));
  if (!h)
    throw new Error(
      `no headline starting "${labelStart}" in ${nb.id}: ${nb.cells
        .filter((c) => c.kind === "headline")
        .map((c) => (c as HeadlineCell).label)
        .join(" | ")}`,
    );
  return h;
}

export function tableWith(nb: Notebook, caption: string): TableCell {
  const t = nb.cells.find((c: Cell): c is TableCell => c.kind === "table" && (c.caption ?? "").startsWith(caption));
  if (!t) throw new Error(`no table captioned "${caption}" in ${nb.id}`);
  return t;
}

export const chartTitles = (nb: Notebook) => nb.cells.filter((c) => c.kind === "chart").map((c) => (c as { title: string }).title);
