/**
 * `tierlab replay convert`: turns recorded answers (ZeroEval result files, or a JSONL of
 * `{id, model, output[, prompt]}` such as a production log) into a recording the replay provider reads.
 */
import { readFileSync } from "node:fs";
import type { Argv, CommandModule } from "yargs";
import { ConfigError } from "../core/errors.js";
import { EXIT } from "../core/exit-codes.js";
import { convertJsonl, convertZeroEval, writeRecording, type ConvertArgs } from "../router/providers/replay-convert.js";
import { printJson, runCommand, type ArgsOf } from "./common.js";

const convertBuilder = (y: Argv) =>
  y
    .option("from", {
      type: "string",
      choices: ["zeroeval", "jsonl"],
      demandOption: true,
      describe: "input format: a ZeroEval result file, or JSONL lines {id, model, output[, prompt]}",
    })
    .option("in", { type: "string", demandOption: true, normalize: true, describe: "input file" })
    .option("out", { type: "string", demandOption: true, normalize: true, describe: "recording to write; a name ending in .gz is gzip-compressed" })
    .option("model", { type: "string", describe: "model name for the header (jsonl: which model's lines to take when the file mixes several)" })
    .option("source", { type: "string", describe: "where the answers come from (header `source`)" })
    .option("license", { type: "string", describe: "SPDX id of the answers' licence (default: Apache-2.0 for zeroeval, NOASSERTION for jsonl)" })
    .option("attribution", { type: "string", describe: "credit line the licence asks for" })
    .option("task", { type: "string", describe: "task or dataset the prompts come from" })
    .option("with-prompt", { type: "boolean", default: false, describe: "keep each prompt's text (the hash alone is enough to look answers up)" })
    .option("json", { type: "boolean", default: false, describe: "print what was written as JSON" })
    .example("$0 replay convert --from zeroeval --in result_dirs/gsm/gpt-4o-2024-08-06.json --out gpt-4o.gsm.jsonl.gz", "")
    .example("$0 replay convert --from jsonl --in prod-log.jsonl --model llama3:8b --license proprietary --out llama3.jsonl.gz", "");

const convertCommand: CommandModule<object, ArgsOf<typeof convertBuilder>> = {
  command: "convert",
  describe: "convert recorded answers into a replay recording (tierlab-replay JSONL; .gz to compress)",
  builder: convertBuilder,
  handler: (args) =>
    runCommand(async () => {
      let text: string;
      try {
        text = readFileSync(args.in, "utf8");
      } catch (err) {
        throw new ConfigError({ file: args.in, message: `cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, fix: "check the --in path" });
      }
      const input: ConvertArgs = {
        text,
        file: args.in,
        withPrompt: args["with-prompt"],
        model: args.model,
        source: args.source,
        license: args.license,
        attribution: args.attribution,
        task: args.task,
      };
      const recording = args.from === "zeroeval" ? convertZeroEval(input) : convertJsonl(input);
      writeRecording(args.out, recording);
      const summary = { file: args.out, model: recording.header.model, records: recording.records.length, license: recording.header.license };
      if (args.json) printJson(summary);
      else process.stdout.write(`wrote ${summary.records} answers of ${summary.model} to ${summary.file} (licence ${summary.license})\n`);
      return EXIT.ok;
    }),
};

export const replayCommand: CommandModule = {
  command: "replay <command>",
  describe: "recorded answers for the replay provider: convert them from other formats",
  builder: (y: Argv) => y.command(convertCommand).demandCommand(1, "name a replay command: convert"),
  handler: () => undefined,
};
