/**
 * Builds a ScenarioContext: input hashing, the report's git commit and its `generatedAt` stamp. Paths
 * are shown relative to the working directory, so a report built in CI and one built locally from the
 * same inputs list the same paths.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { gitCommit as readGitCommit } from "../../bench/run/hardware.js";
import type { NotebookInput } from "../../reports/notebook.js";
import { UsageError } from "../../core/errors.js";
import type { CommonArgs, ScenarioContext } from "./scenario.js";

const HEX_COMMIT = /^[0-9a-f]{7,40}$/;

export function sha256File(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** A bench run folder is identified by its records; any other path must be a file. */
export function hashablePath(path: string): string {
  if (existsSync(path) && statSync(path).isDirectory()) {
    const records = join(path, "records.jsonl");
    if (existsSync(records)) return records;
    throw new UsageError({ message: `${path} is a directory without records.jsonl`, fix: "pass a bench run folder or a file" });
  }
  if (!existsSync(path)) throw new UsageError({ message: `input ${path} does not exist`, fix: "check the path" });
  return path;
}

export function displayPath(path: string, cwd: string): string {
  const abs = resolve(cwd, path);
  const rel = relative(cwd, abs).split(sep).join("/");
  // Outside the checkout a relative path is a riddle (../../tmp/x); the absolute one is not.
  if (rel === ".." || rel.startsWith("../")) return abs.split(sep).join("/");
  return rel === "" ? "." : rel;
}

export interface ContextInit<A> {
  args: A & CommonArgs;
  cwd?: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Injected in tests so a report's bytes do not change with each commit; default: `git rev-parse HEAD`. */
  gitCommit?: string | null;
  /** Injected clock for `--generated-at now`. */
  now?: () => Date;
}

export interface BuiltContext<A> extends ScenarioContext<A> {
  exitCode: () => number | undefined;
  notes: () => string[];
}

export function createContext<A>(init: ContextInit<A>): BuiltContext<A> {
  const cwd = resolve(init.cwd ?? process.cwd());
  const commitRaw = init.gitCommit === undefined ? readGitCommit(cwd) : init.gitCommit;
  const commit = commitRaw && HEX_COMMIT.test(commitRaw) ? commitRaw : null;
  // `given`: the hash came from another tool's record, not from reading the file here.
  const entries = new Map<string, { entry: NotebookInput; given: boolean }>();
  let exitCode: number | undefined;
  const notes: string[] = [];
  const explicit = init.args["generated-at"];
  return {
    args: init.args,
    gitCommit: commit,
    cwd,
    signal: init.signal ?? new AbortController().signal,
    log: init.log ?? ((line) => process.stderr.write(`${line}\n`)),
    input: (e) => {
      const file = e.sha256 ? resolve(cwd, e.path) : hashablePath(resolve(cwd, e.path));
      const path = displayPath(file, cwd);
      const entry: NotebookInput = {
        name: e.name,
        path,
        sha256: e.sha256 ?? sha256File(file),
        ...(e.seed !== undefined ? { seed: e.seed } : {}),
        ...(e.gitCommit && HEX_COMMIT.test(e.gitCommit) ? { gitCommit: e.gitCommit } : {}),
        ...(e.note ? { note: e.note } : {}),
      };
      // One row per file version: a file two steps both read (the bench records) is listed once.
      const key = `${path}\u0000${entry.sha256}`;
      const seen = entries.get(key);
      // The entry hashed here carries the run's own name, commit and note; it replaces a relayed one in place.
      if (!seen || (seen.given && !e.sha256)) entries.set(key, { entry, given: e.sha256 !== undefined });
      return entries.get(key)!.entry;
    },
    inputs: () => [
      ...[...entries.values()].map((x) => x.entry),
      {
        name: "tierlab",
        path: ".",
        ...(commit ? { gitCommit: commit } : {}),
        note: commit ? "the code that computed every figure in this report" : "not a git checkout: commit unknown",
      },
    ],
    stamp: (fromInputs) => {
      if (explicit === undefined || explicit === "") return fromInputs;
      return explicit === "now" ? (init.now ?? (() => new Date()))().toISOString() : explicit;
    },
    setExitCode: (code) => {
      exitCode = code;
    },
    exitCode: () => exitCode,
    note: (line) => {
      notes.push(line);
    },
    notes: () => [...notes],
  };
}
