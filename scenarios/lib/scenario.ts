/**
 * The scenario contract: a runnable notebook. A scenario declares its flags (a yargs builder), loads
 * its inputs through the context (which hashes and lists them), runs what it needs (bench, calibrate,
 * simulate) and returns a Notebook. Writing the files and printing is the runner's job (execute.ts).
 */
import type { Argv } from "yargs";
import type { Notebook, NotebookInput } from "../../reports/notebook.js";

/** Flags every scenario accepts, added by the runner. */
export interface CommonArgs {
  "out-dir": string;
  /** An explicit stamp for the notebook (`now` = the wall clock); default: a date taken from the inputs. */
  "generated-at"?: string;
}

export interface ScenarioContext<A = Record<string, unknown>> {
  args: A & CommonArgs;
  /** Commit of the tierlab checkout that built the report (null outside git). */
  gitCommit: string | null;
  /** Resolved against this directory; report paths are shown relative to it. */
  cwd: string;
  signal: AbortSignal;
  /** Progress for a person watching (stderr); never part of the notebook. */
  log: (line: string) => void;
  /**
   * Hashes `path` (a file, or a bench run folder: its records.jsonl) and lists it among the
   * notebook's inputs. Returns the entry; recording the same path twice keeps one entry. With
   * `sha256` the hash is taken as given (one another tool recorded) and the file need not exist.
   */
  input: (entry: { name: string; path: string; sha256?: string; seed?: number | string; note?: string; gitCommit?: string | null }) => NotebookInput;
  /** Every input recorded so far, tierlab's own commit last. */
  inputs: () => NotebookInput[];
  /**
   * The notebook's `generatedAt`: the --generated-at flag when given, else `fromInputs` (e.g. the
   * bench run's created_at), so the same inputs give the same bytes.
   */
  stamp: (fromInputs: string) => string;
  /** A line printed under the headline figures (e.g. each success metric's probability); not in the notebook. */
  note: (line: string) => void;
  /** A scenario that is also a check (regression) sets the process exit code here. */
  setExitCode: (code: number) => void;
}

// A list of scenarios holds each with its own argument type; `any` is the only default that admits them all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Scenario<A = any> {
  id: string;
  title: string;
  /** One line for `tierlab report --help`. */
  describe: string;
  options: (y: Argv<CommonArgs>) => Argv<A & CommonArgs>;
  run: (ctx: ScenarioContext<A>) => Promise<Notebook>;
}

/** Identity with inference: keeps each scenario file's argument type without casts. */
export function defineScenario<A>(s: Scenario<A>): Scenario<A> {
  return s;
}
