/** `tierlab models pull | list`: the embedded engine's GGUF files, fetched with progress and checked, or listed. */
import type { Argv, CommandModule } from "yargs";
import { EXIT } from "../core/exit-codes.js";
import { listModels, type ModelsList } from "../router/models/list.js";
import { MODELS_DIR_ENV, modelsDir } from "../router/models/model-store.js";
import { pullModels, type PullReport } from "../router/models/pull.js";
import { loadConfigFromArgs, printJson, runCommand, withConfigOption, type ArgsOf } from "./common.js";
import { describeDownload, downloadProgressView, prettyBytes } from "./download-progress.js";

const pullBuilder = (y: Argv) =>
  withConfigOption(y)
    .option("model", { type: "string", array: true, describe: "only these model ids" })
    .option("json", { type: "boolean", default: false, describe: "print the outcome as JSON (no progress bar)" })
    .example("$0 models pull --config config/router.embedded.yaml", "")
    .epilogue(`Files go to $${MODELS_DIR_ENV} (default ~/.cache/tierlab/models). Ctrl-C keeps <file>.partial; the next pull resumes it.`);

const pullCommand: CommandModule<object, ArgsOf<typeof pullBuilder>> = {
  command: "pull",
  describe: "download every embedded model of the config that is not on disk (resumes partial downloads, checks size and sha256); exits 3 if one fails",
  builder: pullBuilder,
  handler: (args) =>
    runCommand(async (signal) => {
      const config = loadConfigFromArgs(args);
      const view = args.json ? undefined : downloadProgressView();
      let report: PullReport;
      try {
        report = await pullModels({ config, only: args.model, signal, onProgress: view?.update });
      } catch (err) {
        view?.stop();
        if (signal.aborted) process.stderr.write(`partial downloads stay in ${modelsDir()} as <file>.partial; run the same pull to resume them\n`);
        throw err;
      } finally {
        view?.stop();
      }
      if (args.json) printJson(report);
      else printPull(report);
      return report.ok ? EXIT.ok : EXIT.providerFailure;
    }),
};

const listBuilder = (y: Argv) =>
  withConfigOption(y)
    .option("json", { type: "boolean", default: false, describe: "print the list as JSON" })
    .example("$0 models list --config config/router.embedded.yaml --json", "");

const listCommand: CommandModule<object, ArgsOf<typeof listBuilder>> = {
  command: "list",
  describe: "where each embedded model of the config is (or will be put), and other files in the models folder",
  builder: listBuilder,
  handler: (args) =>
    runCommand(async () => {
      const list = listModels(loadConfigFromArgs(args));
      if (args.json) printJson(list);
      else printList(list);
    }),
};

export const modelsCommand: CommandModule = {
  command: "models <command>",
  describe: "the embedded engine's GGUF model files: pull (download and check) or list",
  builder: (y: Argv) => y.command(pullCommand).command(listCommand).demandCommand(1, "name a models command: pull or list"),
  handler: () => undefined,
};

function printPull(r: PullReport): void {
  const out = [`models folder: ${r.modelsDir}`];
  for (const m of r.models) {
    const checked = [m.matches.size && "size", m.matches.sha256 && "sha256"].filter(Boolean).join(" + ");
    const check = checked ? `, ${checked} verified` : ", no size or sha256 in the config to check";
    if (m.state === "present") out.push(`  ok   ${m.id}: present at ${m.path} (${prettyBytes(m.bytes ?? 0)}${check})`);
    else if (m.state === "downloaded") out.push(`  ok   ${m.id}: downloaded to ${m.path}: ${describeDownload({ bytes: m.bytes!, ...m.download! })}${check}`);
    else out.push(`  FAIL ${m.id}: ${m.error!.message}`, ...(m.error!.fix ? [`       fix: ${m.error!.fix}`] : []));
  }
  if (r.models.length === 0) out.push("  (no embedded models in this config)");
  process.stdout.write(out.join("\n") + "\n");
}

function printList(l: ModelsList): void {
  const out = [`models folder: ${l.modelsDir}`];
  for (const m of l.models) {
    if (m.state === "present") out.push(`  ${m.id}: ${m.path} (${prettyBytes(m.bytes ?? 0)}, ${m.where === "config" ? "the config's path" : "models folder"})`);
    else {
      const partial = m.partialBytes ? `; ${prettyBytes(m.partialBytes)} of a download kept in ${m.path}.partial` : "";
      out.push(`  ${m.id}: MISSING, \`models pull\` puts it at ${m.path}${m.uri ? ` from ${m.uri}` : " (no uri: to fetch it from)"}${partial}`);
    }
  }
  for (const f of l.otherFiles) out.push(`  (not in this config) ${f.path} (${prettyBytes(f.bytes)}${f.partial ? ", partial download" : ""})`);
  process.stdout.write(out.join("\n") + "\n");
}
