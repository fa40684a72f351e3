/**
 * The layers, checked on every import of every source file:
 *
 *   core/                                  errors, exit codes, rng, atomic write, formatting, source positions: imports no project folder
 *   router/ bench/ simulator/ gateway/ reports/   the library: imports core/ and itself, never an application or a test helper
 *   cli/ scenarios/ examples/ scripts/      applications: may import anything but test code
 *   test-support/, perf/ and *.test.ts      test code and benchmarks (which run on the fake servers): may import anything
 *
 * Imports are read with TypeScript's own pre-processor (static, dynamic and `export … from`), so a
 * comment or a string that looks like an import does not count.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const LIBRARY = ["router", "bench", "simulator", "gateway", "reports"];
const APPLICATIONS = ["cli", "scenarios", "examples", "scripts"];

type Layer = "core" | "library" | "application" | "test" | "other";

function layerOf(path: string): Layer {
  if (path.endsWith(".test.ts") || path.startsWith("test-support/") || path.startsWith("perf/")) return "test";
  const top = path.split("/")[0]!;
  if (top === "core") return "core";
  if (LIBRARY.includes(top)) return "library";
  if (APPLICATIONS.includes(top)) return "application";
  return "other";
}

const ALLOWED: Record<Layer, readonly Layer[]> = {
  core: ["core"],
  library: ["core", "library"],
  application: ["core", "library", "application"],
  test: ["core", "library", "application", "test", "other"],
  other: ["core", "library", "application", "other"],
};

/** Relative imports of one source text, as repository paths (`.js` specifiers name their `.ts` source). */
export function importsOf(path: string, text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith("./") || spec.startsWith("../"))
    .map((spec) => normalize(join(dirname(path), spec)).replace(/\.js$/, ".ts"));
}

/** Every import that crosses a layer the wrong way, as "from → to (layer → layer)". */
export function forbiddenImports(sources: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [path, text] of sources) {
    const from = layerOf(path);
    for (const target of importsOf(path, text)) {
      const to = layerOf(target);
      if (!ALLOWED[from].includes(to)) out.push(`${path} → ${target} (${from} must not import ${to})`);
    }
  }
  return out;
}

function sourceFiles(dir = ROOT, out = new Map<string, string>()): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(full, out);
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.set(relative(ROOT, full), readFileSync(full, "utf8"));
  }
  return out;
}

describe("architecture", () => {
  it("no import crosses a layer the wrong way", () => {
    const sources = sourceFiles();
    expect(sources.size).toBeGreaterThan(300);
    expect(forbiddenImports(sources)).toEqual([]);
  });

  it("the check sees each kind of violation (static, dynamic, re-export), and not imports in comments", () => {
    const sources = new Map([
      ["router/x.ts", `import { a } from "../cli/common.js";\nexport { b } from "../test-support/models.js";\n// import "../scenarios/decision.js"`],
      ["core/y.ts", `const m = await import("../router/errors.js");`],
      ["bench/z.ts", `import { EXIT } from "./exit-codes.js";\nimport { x } from "../router/x.js";`],
      ["cli/w.ts", `import { f } from "../test-support/models.js";`],
    ]);
    expect(forbiddenImports(sources)).toEqual([
      "router/x.ts → cli/common.ts (library must not import application)",
      "router/x.ts → test-support/models.ts (library must not import test)",
      "core/y.ts → router/errors.ts (core must not import library)",
      "cli/w.ts → test-support/models.ts (application must not import test)",
    ]);
  });
});
