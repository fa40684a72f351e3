/** `npm run perf`: every performance goal of the project, measured in one run on this machine. */
import { cpus } from "node:os";
import { runGatewayPerf } from "./gateway-perf.js";
import { runSimulatorPerf } from "./simulator-perf.js";
import { runBenchPerf } from "./bench-perf.js";
import { runDecisionPerf } from "./decision-perf.js";
import { runReplayPerf } from "./replay-perf.js";
import { runGatePerf } from "./gate-perf.js";
import { runRouterPerf } from "./router-perf.js";
import { runScorerPerf } from "./scorer-perf.js";
import { runShadowPerf } from "./shadow-perf.js";
import type { PerfRow } from "./types.js";

const sections: Array<[string, () => Promise<PerfRow[]>]> = [
  ["router", () => runRouterPerf()],
  ["shadow", () => runShadowPerf()],
  ["scorer", () => runScorerPerf()],
  ["decision", () => runDecisionPerf()],
  ["bench", () => runBenchPerf()],
  ["gateway", () => runGatewayPerf()],
  ["simulator", () => runSimulatorPerf()],
  ["replay", () => runReplayPerf()],
  ["gate", () => runGatePerf()],
];

const only = process.argv[2];
const names = sections.map(([n]) => n);
if (only === "--help" || only === "-h") {
  process.stdout.write(`npm run perf [-- <section>]: measure every performance goal, or one section: ${names.join(", ")}\n`);
  process.exit(0);
}
if (only !== undefined && !names.includes(only)) {
  process.stderr.write(`tierlab perf: unknown section "${only}"\n  fix: name one of ${names.join(", ")}, or none for all\n`);
  process.exit(2);
}
process.stdout.write(`tierlab perf on ${cpus()[0]?.model ?? "?"} × ${cpus().length}, node ${process.version}\n`);
for (const [name, run] of sections) {
  if (only && only !== name) continue;
  process.stdout.write(`\n[${name}]\n`);
  for (const r of await run()) {
    const v = r.value >= 1000 ? Math.round(r.value).toLocaleString("en-US") : r.value.toFixed(r.value < 10 ? 2 : 1);
    const verdict = r.ok === undefined ? "" : r.ok ? "  ok" : "  MISSED";
    process.stdout.write(`  ${r.name.padEnd(58)} ${v.padStart(12)} ${r.unit.padEnd(6)}${r.target ? ` target ${r.target}` : ""}${verdict}\n`);
  }
}
