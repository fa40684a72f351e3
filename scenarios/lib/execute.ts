/**
 * Runs a scenario: parse its flags, build the context, run it, write `<out-dir>/<id>.html|.md`, print
 * the headline figures and the two paths. Used by `tierlab report <name>`, by each scenario file run
 * directly (`npx tsx scenarios/<name>.ts`) and by tests.
 */
import { resolve } from "node:path";
import yargs, { type Argv, type CommandModule } from "yargs";
import type { HeadlineCell, Notebook } from "../../reports/notebook.js";
import { headlineValue } from "../../reports/format.js";
import { writeReport } from "../../reports/write.js";
import { runCommand } from "../../cli/common.js";
import { UsageError } from "../../core/errors.js";
import { EXIT } from "../../core/exit-codes.js";
import { createContext, displayPath } from "./context.js";
import type { CommonArgs, Scenario } from "./scenario.js";

export const DEFAULT_OUT_DIR = "reports/out";

export function withCommonOptions(y: Argv): Argv<CommonArgs> {
  return y.option("out-dir", { type: "string", default: DEFAULT_OUT_DIR, describe: "where <id>.html and <id>.md are written" }).option("generated-at", {
    type: "string",
    describe: "stamp shown in the report (`now` for the wall clock); default: a date from the inputs, so the same inputs give the same bytes",
  }) as Argv<CommonArgs>;
}

export interface ExecuteEnv {
  cwd?: string;
  signal?: AbortSignal;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Headline figures and paths (default: stdout). */
  print?: (text: string) => void;
  gitCommit?: string | null;
}

export interface ScenarioOutcome {
  notebook: Notebook;
  htmlPath: string;
  mdPath: string;
  exitCode: number;
  /** What was printed: the headline figures and the paths. */
  printed: string;
}

export async function executeScenario<A>(scenario: Scenario<A>, args: A & CommonArgs, env: ExecuteEnv = {}): Promise<ScenarioOutcome> {
  const ctx = createContext<A>({ args, cwd: env.cwd, signal: env.signal, log: env.log, gitCommit: env.gitCommit });
  const notebook = await scenario.run(ctx);
  const { htmlPath, mdPath } = await writeReport(notebook, resolve(ctx.cwd, args["out-dir"]));
  const printed = summaryText(notebook, { html: displayPath(htmlPath, ctx.cwd), md: displayPath(mdPath, ctx.cwd) }, ctx.notes());
  (env.print ?? ((t) => process.stdout.write(t)))(printed);
  return { notebook, htmlPath, mdPath, exitCode: ctx.exitCode() ?? EXIT.ok, printed };
}

/** The headline cells as `label: value (status)` lines, then where the files are. */
export function summaryText(nb: Notebook, paths: { html: string; md: string }, notes: readonly string[] = []): string {
  const heads = nb.cells.filter((c): c is HeadlineCell => c.kind === "headline");
  const width = Math.min(56, Math.max(0, ...heads.map((h) => h.label.length)));
  const lines = [
    nb.title,
    ...heads.map((h) => `  ${h.label.padEnd(width)}  ${headlineValue(h.value, h.digits, h.unit)}${h.status === "info" ? "" : `  [${h.status}]`}`),
  ];
  if (notes.length) lines.push("", ...notes.map((n) => `  ${n}`));
  lines.push("", `HTML report:     ${paths.html}`, `Markdown report: ${paths.md}`);
  return lines.join("\n") + "\n";
}

/** Parses flags the way the CLI does, but throws instead of exiting (for runScenario and tests). */
export async function parseScenarioArgs<A>(scenario: Scenario<A>, argv: readonly string[]): Promise<A & CommonArgs> {
  const y = scenario.options(withCommonOptions(yargs([...argv]).scriptName(`tierlab report ${scenario.id}`)));
  const parsed = await y
    .strict()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError({ message: msg, fix: `see tierlab report ${scenario.id} --help` });
    })
    .parseAsync();
  return parsed as unknown as A & CommonArgs;
}

/** A yargs command module for one scenario; `command` is its id, or "$0" when the file runs alone. */
export function scenarioCommand<A>(scenario: Scenario<A>, command: string = scenario.id): CommandModule<object, A & CommonArgs> {
  return {
    command,
    describe: scenario.describe,
    builder: (y: Argv) => scenario.options(withCommonOptions(y)) as unknown as Argv<A & CommonArgs>,
    handler: (args) => runCommand(async (signal) => (await executeScenario(scenario, args as unknown as A & CommonArgs, { signal })).exitCode),
  };
}
