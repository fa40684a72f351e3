/**
 * The Vega UMD builds a report inlines. Read from the installed packages (not fetched, not vendored)
 * so the report carries exactly the versions package-lock pins. Their `exports` maps hide build/,
 * so the package directory is found the way Node itself would: walking up node_modules folders.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ReportError } from "./notebook.js";

export interface VegaAsset {
  name: string;
  version: string;
  license: string;
  code: string;
}

// Load order matters: vega-lite's UMD reads the global `vega`, vega-embed reads both.
const BUILDS = [
  { name: "vega", file: "build/vega.min.js" },
  { name: "vega-lite", file: "build/vega-lite.min.js" },
  { name: "vega-embed", file: "build/vega-embed.min.js" },
] as const;

let cache: VegaAsset[] | undefined;

export function vegaAssets(): VegaAsset[] {
  cache ??= BUILDS.map(({ name, file }) => {
    const dir = findPackageDir(name);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: string; license?: string };
    const code = readFileSync(join(dir, file), "utf8");
    // Inline script text ends at the first `</script`, and `<!--`/`<script` switch the HTML parser into
    // escaped states. Today's builds contain none; refuse rather than silently emit a broken page.
    if (/<\/script|<!--|<script/i.test(code)) {
      throw new ReportError({
        message: `${name}/${file} contains "</script", "<script" or "<!--" and cannot be inlined`,
        fix: "pin a different version or add an escaping step in reports/vega-assets.ts",
      });
    }
    return { name, version: pkg.version ?? "unknown", license: pkg.license ?? "unknown", code };
  });
  return cache;
}

function findPackageDir(name: string): string {
  const starts = [dirname(fileURLToPath(import.meta.url)), process.cwd()];
  for (const start of starts) {
    for (let dir = start; ; dir = dirname(dir)) {
      const candidate = join(dir, "node_modules", name);
      if (existsSync(join(candidate, "package.json"))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  throw new ReportError({ message: `cannot find the ${name} package in any node_modules above ${starts[0]}`, fix: "run npm ci in the tierlab checkout" });
}
