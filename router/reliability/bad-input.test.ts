/**
 * The bad-input catalogue: each row runs the real CLI (one batch process, see cli-batch.ts) and
 * checks the documented exit code, a message naming file:line and field where there is one, and
 * that no file was changed, created or half-written: configs, datasets, results, the ledger.
 */
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixture, type Fixture } from "../../test-support/gateway-fixture.js";
import { startFakeOpenAI, type FakeOpenAI } from "../../test-support/fake-openai.js";
import { REPO_ROOT, STORIES, TINY_RANDOM } from "../../test-support/models.js";
import { TEST_PRICES, writeTestConfig } from "../../test-support/router-fixture.js";
import { runCli } from "../../test-support/run-cli.js";
import { SqliteLedger } from "../ledger/sqlite-ledger.js";
import { Router } from "../router.js";
import type { BatchCase, BatchResult } from "../../test-support/cli-batch.js";

/** Test fixtures poke at arbitrary YAML paths; typing each one would drown the table. */
type Data = Record<string, any>;
const scriptedProviders = {
  fast: { kind: "scripted", script: [{ match: "auth", reply: "auth" }, { reply: "not sure" }] },
  quality: { kind: "scripted", script: [{ reply: "ui" }] },
  api: { kind: "scripted", script: [{ reply: "docs" }] },
  api2: { kind: "scripted", script: [{ reply: "docs" }] },
};
const config = (mutate?: (d: Data) => void) => writeTestConfig((d) => ((d.providers = structuredClone(scriptedProviders)), mutate?.(d as Data)));
const rawConfig = (text: string) => {
  const fx = config();
  writeFileSync(fx.file, text);
  return fx;
};
const dataset = (lines: unknown[], mutate?: (d: Data) => void) => {
  const fx = config(mutate);
  const file = join(fx.dir, "data.jsonl");
  writeFileSync(file, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
  return { ...fx, dataset: file };
};
const HEADER = {
  format: "tierlab-dataset",
  version: 1,
  name: "t",
  description: "bad-input fixture",
  source: "hand-written",
  license: "CC0-1.0",
  attribution: "",
};
const ITEM = (id: string) => ({ id, action: "classify", input: "Fixed auth bug", expected: "auth", grader: "exact_label" });

const threshold = (over: Data = {}) => ({ action: "classify", tier: "LOCAL_FAST", threshold: 0.8, method: "risk_control", n: 40, ...over });
/** A version 2 calibration file, pretty-printed so each entry has its own line. */
const calibrationJson = (over: Data) =>
  JSON.stringify({ version: 2, created_at: "2026-12-01T00:00:00Z", source_run: "r", method: "risk_control", params: {}, thresholds: [], ...over }, null, 2);

let fakeOpenAI: FakeOpenAI;
let ledger: string;
const scratch = mkdtempSync(join(tmpdir(), "tierlab-bad-"));

interface Row {
  name: string;
  code: number;
  message: RegExp;
  args: () => { argv: string[]; dir: string; env?: Record<string, string> };
}

const route = (file: string, more: string[] = []) => [
  "route",
  "--config",
  file,
  "--prompt",
  "Fixed auth bug",
  "--action",
  "classify",
  "--ledger",
  ledger,
  ...more,
];
const cfgRow = (name: string, message: RegExp, mutate: (d: Data) => void): Row => ({
  name,
  code: 2,
  message,
  args: () => withDir(config(mutate), (f) => route(f.file)),
});
const withDir = <F extends { dir: string }>(fx: F, argv: (fx: F) => string[], env?: Record<string, string>) => ({ argv: argv(fx), dir: fx.dir, env });
const tier = (d: Data, t: string) => d.tiers[t];

const ROWS: Row[] = [
  {
    name: "broken YAML",
    code: 2,
    message: /router\.yaml:4: not valid YAML\/JSON: Flow map in block collection must be sufficiently indented/,
    args: () => withDir(rawConfig("version: 1\nproviders:\n  fast: { kind: scripted\ntiers: {}\n"), (f) => route(f.file)),
  },
  {
    name: "duplicate YAML key",
    code: 2,
    message: /router\.yaml:2: not valid YAML\/JSON: Map keys must be unique/,
    args: () => withDir(rawConfig("version: 1\nversion: 1\n"), (f) => route(f.file)),
  },
  cfgRow("config version 2", /router\.yaml:\d+: version: must be 1/, (d) => (d.version = 2)),
  cfgRow("unknown top-level field", /router\.yaml:\d+: \(root\): Unrecognized key: "budget"/, (d) => (d.budget = 5)),
  cfgRow(
    "action on an unknown tier",
    /router\.yaml:\d+: actions\.classify\.tier: unknown tier "LOCAL_TURBO"; allowed: LOCAL_FAST, LOCAL_QUALITY, API_FALLBACK/,
    (d) => (d.actions.classify.tier = "LOCAL_TURBO"),
  ),
  cfgRow(
    "escalation to an unknown tier",
    /router\.yaml:\d+: actions\.classify\.escalate\.1: unknown tier "CLOUD"/,
    (d) => (d.actions.classify.escalate = ["LOCAL_QUALITY", "CLOUD"]),
  ),
  cfgRow(
    "model on an unknown provider",
    /router\.yaml:\d+: tiers\.LOCAL_FAST\.models\.0\.provider: unknown provider "ghost"/,
    (d) => (tier(d, "LOCAL_FAST").models[0].provider = "ghost"),
  ),
  cfgRow(
    "a tier with no models",
    /router\.yaml:\d+: tiers\.LOCAL_QUALITY\.models: a tier needs at least one model/,
    (d) => (tier(d, "LOCAL_QUALITY").models = []),
  ),
  cfgRow(
    "a tier without models: field",
    /router\.yaml:\d+: tiers\.LOCAL_QUALITY\.models: Invalid input: expected array, received undefined/,
    (d) => delete tier(d, "LOCAL_QUALITY").models,
  ),
  cfgRow("action threshold above 1", /router\.yaml:\d+: actions\.classify\.threshold: must be between 0 and 1/, (d) => (d.actions.classify.threshold = 1.5)),
  cfgRow("default threshold below 0", /router\.yaml:\d+: defaults\.threshold: must be between 0 and 1/, (d) => (d.defaults.threshold = -0.2)),
  cfgRow(
    "API model without a price",
    /router\.yaml:\d+: tiers\.API_FALLBACK\.models\.1\.price: no price for "gpt-9"/,
    (d) => (tier(d, "API_FALLBACK").models[1].price = "gpt-9"),
  ),
  cfgRow(
    "model id with a space",
    /router\.yaml:\d+: tiers\.LOCAL_FAST\.models\[0\]\.id: use letters, digits/,
    (d) => (tier(d, "LOCAL_FAST").models[0].id = "fast a"),
  ),
  cfgRow(
    "unknown quality check",
    /router\.yaml:\d+: actions\.classify\.checks\.1\.id: unknown check "vibes"/,
    (d) => (d.actions.classify.checks[1] = { id: "vibes" }),
  ),
  cfgRow("negative budget", /router\.yaml:\d+: budgets\[0\]\.limit_usd: Too small/, (d) => (d.budgets = [{ period: "day", limit_usd: -5 }])),
  cfgRow(
    "action budget without key",
    /router\.yaml:\d+: budgets\.0\.key: a action budget needs `key:`/,
    (d) => (d.budgets = [{ scope: "action", period: "day", limit_usd: 5 }]),
  ),
  cfgRow(
    "budget period 'year'",
    /router\.yaml:\d+: budgets\[0\]\.period: Invalid option: expected one of "day"\|"week"\|"month"/,
    (d) => (d.budgets = [{ period: "year", limit_usd: 5 }]),
  ),
  cfgRow(
    "invalid regex in a check",
    /router\.yaml:\d+: actions\.classify\.checks\.2: check regex: `pattern` \/\(unclosed\/ is not a valid JavaScript regular expression: .*Unterminated group/,
    (d) => d.actions.classify.checks.push({ id: "regex", pattern: "(unclosed" }),
  ),
  cfgRow(
    "invalid regex flags in a check",
    /router\.yaml:\d+: actions\.classify\.checks\.2: check regex: `pattern` \/x\/qq is not a valid JavaScript regular expression/,
    (d) => d.actions.classify.checks.push({ id: "regex", pattern: "x", flags: "qq" }),
  ),
  cfgRow(
    "a misspelt check parameter",
    /router\.yaml:\d+: actions\.classify\.checks\.0\.lables: check label_set has no parameter `lables`; it takes `labels`/,
    (d) => (d.actions.classify.checks[0] = { id: "label_set", labels: ["auth"], lables: ["ui"] }),
  ),
  cfgRow(
    "an action budget on an unknown action",
    /router\.yaml:\d+: budgets\.0\.key: unknown action "clasify"; the config's actions: classify/,
    (d) => (d.budgets = [{ scope: "action", key: "clasify", period: "day", limit_usd: 5 }]),
  ),
  cfgRow(
    "a global budget with a key",
    /router\.yaml:\d+: budgets\.0\.key: a global budget limits every request and takes no `key:`/,
    (d) => (d.budgets = [{ key: "classify", period: "day", limit_usd: 5 }]),
  ),
  {
    name: "YAML alias bomb",
    code: 2,
    message: /router\.yaml: too many YAML alias expansions \(.*the limit is 100\)\n {2}fix: write the repeated values out/,
    args: () =>
      withDir(
        rawConfig(
          [
            "version: 1",
            "x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
            ...Array.from({ length: 8 }, (_, i) => `x${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(", ")}]`),
          ].join("\n") + "\n",
        ),
        (f) => route(f.file),
      ),
  },
  cfgRow(
    "a key pasted where its variable name goes",
    /router\.yaml:\d+: providers\.api\.api_key_env: must be an environment variable name/,
    (d) => (d.providers.api = { kind: "openai", api_key_env: "sk-live-abc" }),
  ),
  cfgRow("max_retries out of range", /router\.yaml:\d+: retry\.max_retries: Too big/, (d) => (d.retry.max_retries = 50)),
  cfgRow("circuit threshold 0", /router\.yaml:\d+: circuit\.failure_threshold: Too small/, (d) => (d.circuit = { failure_threshold: 0 })),
  cfgRow("unknown ledger commit mode", /router\.yaml:\d+: ledger\.commit: Invalid option/, (d) => (d.ledger.commit = "sometimes")),
  cfgRow("missing action table file", /actions\.yaml: cannot read action table \(ENOENT\)/, (d) => (d.actions = "actions.yaml")),
  {
    name: "negative price",
    code: 2,
    message: /prices\.json:\d+: models\.api-model\.input_cost_per_token: a price cannot be negative/,
    args: () =>
      withDir(
        config(),
        (f) => (
          writeFileSync(
            join(f.dir, "prices.json"),
            JSON.stringify({ ...TEST_PRICES, models: { "api-model": { input_cost_per_token: -1e-6, output_cost_per_token: 1e-5 } } }, null, 2),
          ),
          route(f.file)
        ),
      ),
  },
  {
    name: "missing price field",
    code: 2,
    message: /prices\.json:\d+: models\.api-model\.output_cost_per_token: Invalid input: expected number, received undefined/,
    args: () =>
      withDir(
        config(),
        (f) => (
          writeFileSync(join(f.dir, "prices.json"), JSON.stringify({ ...TEST_PRICES, models: { "api-model": { input_cost_per_token: 1e-6 } } }, null, 2)),
          route(f.file)
        ),
      ),
  },
  {
    name: "missing price table",
    code: 2,
    message: /nope\.json: cannot read price table \(ENOENT\)/,
    args: () =>
      withDir(
        config((d) => (d.prices = "nope.json")),
        (f) => route(f.file),
      ),
  },
  {
    name: "calibration file of another version",
    code: 2,
    message: /calibration\.json:\d+: version: version must be 1 or 2/,
    args: () => withDir(config(), (f) => (writeFileSync(join(f.dir, "calibration.json"), '{"version": 3}'), route(f.file))),
  },
  {
    name: "calibration threshold for an unknown action",
    code: 2,
    message:
      /calibration\.json:\d+: thresholds\.0\.action: unknown action "clasify"; the config's actions: classify\n {2}fix: run `tierlab bench calibrate` again/,
    args: () =>
      withDir(
        config(),
        (f) => (writeFileSync(join(f.dir, "calibration.json"), calibrationJson({ thresholds: [threshold({ action: "clasify" })] })), route(f.file)),
      ),
  },
  {
    name: "calibration threshold for an unknown tier",
    code: 2,
    message: /calibration\.json:\d+: thresholds\.0\.tier: unknown tier "LOCAL_FASTER"/,
    args: () =>
      withDir(
        config(),
        (f) => (writeFileSync(join(f.dir, "calibration.json"), calibrationJson({ thresholds: [threshold({ tier: "LOCAL_FASTER" })] })), route(f.file)),
      ),
  },
  {
    name: "calibration final accuracy of an unknown model",
    code: 2,
    message: /calibration\.json:\d+: final_accuracy\.0\.model_id: unknown model id "gpt-9"; the config's models: fast-a, quality-a, api-model, api-model-2/,
    args: () =>
      withDir(
        config(),
        (f) => (
          writeFileSync(
            join(f.dir, "calibration.json"),
            calibrationJson({
              final_accuracy: [{ action: "classify", tier: "API_FALLBACK", model_id: "gpt-9", correct: { k: 9, n: 10 }, evidence: "replayed" }],
            }),
          ),
          route(f.file)
        ),
      ),
  },
  {
    name: "config file missing",
    code: 2,
    message: /missing\.yaml: cannot read router config \(ENOENT\)/,
    args: () => ({ argv: route(join(scratch, "missing.yaml")), dir: scratch }),
  },
  { name: "config path is a folder", code: 2, message: /cannot read router config \(EISDIR\)/, args: () => ({ argv: route(scratch), dir: scratch }) },
  {
    name: "unknown action",
    code: 2,
    message: /unknown action "summarize"\n {2}fix: use one of: classify/,
    args: () => withDir(config(), (f) => ["route", "--config", f.file, "--prompt", "x", "--action", "summarize", "--ledger", ledger]),
  },
  {
    name: "empty prompt",
    code: 2,
    message: /the prompt is empty\n {2}fix: pass the text to route with --prompt/,
    args: () => withDir(config(), (f) => ["route", "--config", f.file, "--prompt", "  ", "--action", "classify", "--ledger", ledger]),
  },
  {
    name: "prompt over every model's context",
    code: 2,
    message: /the prompt is about \d+ tokens \+ 64 to generate, over the context of every model of action "classify" \(largest: .*, 200 tokens\)/,
    args: () =>
      withDir(
        config((d) => Object.values(d.tiers as Record<string, Data>).forEach((t) => t.models.forEach((m: Data) => (m.context_tokens = 200)))),
        (f) => ["route", "--config", f.file, "--prompt", "word ".repeat(400), "--action", "classify", "--ledger", ledger],
      ),
  },
  {
    // The issue's case: embedded models too small, the API model big enough but without its key. Not exit 3 "ANTHROPIC_API_KEY is not set".
    name: "prompt over every usable model's context (embedded sizes from the engine and GGUF, API without a key)",
    code: 2,
    message:
      /the prompt is about 15\d{3} tokens \+ 64 to generate, over the context of every usable model of action "classify" \(largest: (stories|tiny), 2048 tokens\); api-model \(200000 tokens\) could take it but cannot be used: ANTHROPIC_API_KEY is not set/,
    args: () =>
      withDir(
        config((d) => {
          d.providers = { emb: { kind: "embedded", download: "never" }, api: { kind: "anthropic" }, api2: { kind: "anthropic" } };
          tier(d, "LOCAL_FAST").models = [{ id: "stories", provider: "emb", model: STORIES }];
          tier(d, "LOCAL_QUALITY").models = [{ id: "tiny", provider: "emb", model: TINY_RANDOM }];
        }),
        (f) => ["route", "--config", f.file, "--prompt", "word ".repeat(12_000), "--action", "classify", "--ledger", ledger],
        { ANTHROPIC_API_KEY: "" },
      ),
  },
  {
    name: "provider rejects the prompt as over its context (400)",
    code: 3,
    message: /ContextLengthError: fast: prompt exceeds the model's context \(HTTP 400\).*\n {2}fix: shorten the prompt/,
    args: () =>
      withDir(
        config((d) => ((d.providers.fast = { kind: "openai", base_url: fakeOpenAI.baseURL }), (d.actions.classify.escalate = []))),
        (f) => route(f.file),
      ),
  },
  {
    name: "paid call over a refusing budget",
    code: 4,
    message: /global day budget of \$0\.0000010: \$0\.00 spent \+ \$0\.00 in flight \+ up to \$0\.\d+ for this call would exceed it\n {2}fix: raise limit_usd/,
    args: () =>
      withDir(
        config(
          (d) => (
            (d.budgets = [{ period: "day", limit_usd: 0.000001, on_exceed: "refuse" }]),
            (d.actions.classify.tier = "API_FALLBACK"),
            (d.actions.classify.escalate = [])
          ),
        ),
        (f) => route(f.file),
      ),
  },
  {
    name: "--max-tokens not a number",
    code: 2,
    message: /max tokens must be a whole number ≥ 1 \(got NaN\)/,
    args: () => withDir(config(), (f) => route(f.file, ["--max-tokens", "lots"])),
  },
  {
    name: "--max-tokens 0",
    code: 2,
    message: /max tokens must be a whole number ≥ 1 \(got 0\)/,
    args: () => withDir(config(), (f) => route(f.file, ["--max-tokens", "0"])),
  },
  {
    name: "missing --prompt",
    code: 2,
    message: /give the input with exactly one of --prompt TEXT or --prompt-file FILE \(`--prompt-file -` reads stdin\)\nRun with --help for usage/,
    args: () => withDir(config(), (f) => ["route", "--config", f.file, "--action", "classify"]),
  },
  {
    name: "--prompt and --prompt-file together",
    code: 2,
    message: /give the input with exactly one of --prompt TEXT or --prompt-file FILE/,
    args: () => withDir(config(), (f) => route(f.file, ["--prompt-file", f.file])),
  },
  {
    name: "--prompt-file that does not exist",
    code: 2,
    message: /--prompt-file: cannot read .*nope\.txt \(ENOENT\)\n {2}fix: check the path, or pass the text with --prompt/,
    args: () => withDir(config(), (f) => ["route", "--config", f.file, "--prompt-file", join(f.dir, "nope.txt"), "--action", "classify", "--ledger", ledger]),
  },
  { name: "unknown flag", code: 2, message: /Unknown argument: temprature/, args: () => withDir(config(), (f) => route(f.file, ["--temprature", "0.2"])) },
  { name: "misspelt command", code: 2, message: /Did you mean route\?\nRun with --help for usage/, args: () => ({ argv: ["rout"], dir: scratch }) },
  {
    name: "bad --recent window",
    code: 2,
    message: /--recent: "yesterday" is not a time window; use e\.g\. 30m, 24h, 7d or 4w/,
    args: () => withDir(config(), (f) => ["usage", "--config", f.file, "--recent", "yesterday", "--ledger", ledger]),
  },
  {
    name: "--export into a missing folder",
    code: 2,
    message: /cannot use .*no-such-dir\/usage\.jsonl \(ENOENT\)\n {2}fix: check that the folder exists/,
    args: () => withDir(config(), (f) => ["usage", "--config", f.file, "--ledger", ledger, "--export", join(f.dir, "no-such-dir", "usage.jsonl")]),
  },
  {
    name: "--export onto an existing file (the config itself)",
    code: 2,
    message: /--export: .*router\.yaml already exists; it was left as it was\n {2}fix: pick a new file name, or pass --force/,
    args: () => withDir(config(), (f) => ["usage", "--config", f.file, "--ledger", ledger, "--export", f.file]),
  },
  {
    name: "--recent beyond any date",
    code: 2,
    message: /--recent: "99999999999d" reaches back further than 100 years/,
    args: () => withDir(config(), (f) => ["usage", "--config", f.file, "--recent", "99999999999d", "--ledger", ledger]),
  },
  {
    name: "--recent 0h",
    code: 2,
    message: /--recent: "0h" is an empty time window/,
    args: () => withDir(config(), (f) => ["usage", "--config", f.file, "--recent", "0h", "--ledger", ledger]),
  },
  {
    name: "a repeated --prompt",
    code: 2,
    message: /--prompt was given 2 times \(a, b\); give it once/,
    args: () => withDir(config(), (f) => ["route", "--config", f.file, "--prompt", "a", "--prompt", "b", "--action", "classify", "--ledger", ledger]),
  },
  {
    name: "serve --cache-max-entries 0",
    code: 2,
    message: /--cache-max-entries must be a whole number ≥ 1 \(got 0\)/,
    args: () => withDir(config(), (f) => ["serve", "--config", f.file, "--ledger", ledger, "--port", "0", "--cache-ttl", "60", "--cache-max-entries", "0"]),
  },
  {
    name: "serve --cache-max-entries 1.5",
    code: 2,
    message: /--cache-max-entries must be a whole number ≥ 1 \(got 1\.5\)/,
    args: () => withDir(config(), (f) => ["serve", "--config", f.file, "--ledger", ledger, "--port", "0", "--cache-ttl", "60", "--cache-max-entries", "1.5"]),
  },
  {
    name: "serve --allow-origin with a path",
    code: 2,
    message: /--allow-origin: "http:\/\/localhost:3000\/app" is not an origin/,
    args: () => withDir(config(), (f) => ["serve", "--config", f.file, "--ledger", ledger, "--port", "0", "--allow-origin", "http://localhost:3000/app"]),
  },
  {
    name: "serve --body-timeout-ms 0",
    code: 2,
    message: /--body-timeout-ms must be a whole number ≥ 1 \(got 0\)/,
    args: () => withDir(config(), (f) => ["serve", "--config", f.file, "--ledger", ledger, "--port", "0", "--body-timeout-ms", "0"]),
  },
  {
    name: "ledger path under a file",
    code: 2,
    message: /cannot open the ledger: .*\n {2}fix: set ledger\.path/,
    args: () => withDir(config(), (f) => [...route(f.file).slice(0, -2), "--ledger", join(f.file, "ledger.sqlite")]),
  },
  {
    name: "ledger path is a folder",
    code: 2,
    message: /cannot open the ledger/,
    args: () => withDir(config(), (f) => (mkdirSync(join(f.dir, "as-dir")), [...route(f.file).slice(0, -2), "--ledger", join(f.dir, "as-dir")])),
  },
  {
    name: "ledger file is not SQLite",
    code: 2,
    message: /cannot open the ledger: file is not a database/,
    args: () =>
      withDir(
        config(),
        (f) => (
          writeFileSync(join(f.dir, "notes.sqlite"), "my notes, not a database\n".repeat(200)),
          [...route(f.file).slice(0, -2), "--ledger", join(f.dir, "notes.sqlite")]
        ),
      ),
  },
  {
    name: "dataset with a bad line",
    code: 2,
    message: /data\.jsonl:3: \(root\): not valid JSON/,
    args: () => withDir(dataset([HEADER, ITEM("a"), "{oops", ITEM("b")]), (f) => bench(f)),
  },
  {
    name: "dataset with an unknown grader",
    code: 2,
    message: /data\.jsonl:2: grader: unknown grader "vibes"/,
    args: () => withDir(dataset([HEADER, { ...ITEM("a"), grader: "vibes" }]), (f) => bench(f)),
  },
  {
    name: "dataset without header",
    code: 2,
    message: /data\.jsonl:1: format: the first line must be a header/,
    args: () => withDir(dataset([ITEM("a")]), (f) => bench(f)),
  },
  {
    name: "dataset with a duplicate id",
    code: 2,
    message: /data\.jsonl:3: id: duplicate id "a" \(first on line 2\)/,
    args: () => withDir(dataset([HEADER, ITEM("a"), ITEM("a")]), (f) => bench(f)),
  },
  {
    name: "bench --concurrency 0",
    code: 2,
    message: /--concurrency must be a whole number ≥ 1/,
    args: () => withDir(dataset([HEADER, ITEM("a")]), (f) => [...bench(f), "--concurrency", "0"]),
  },
  {
    name: "bench --timeout-ms 0",
    code: 2,
    message: /--timeout-ms must be a whole number ≥ 1 \(got 0\)/,
    args: () => withDir(dataset([HEADER, ITEM("a")]), (f) => [...bench(f), "--timeout-ms", "0"]),
  },
  {
    name: "bench --slo-ttft-ms -5",
    code: 2,
    message: /--slo-ttft-ms must be > 0 ms \(got -5\)/,
    args: () => withDir(dataset([HEADER, ITEM("a")]), (f) => [...bench(f), "--slo-ttft-ms", "-5"]),
  },
  {
    name: "bench with a repeated --tier",
    code: 2,
    message: /--tier was given 2 times \(LOCAL_FAST, LOCAL_QUALITY\); give it once/,
    args: () => withDir(dataset([HEADER, ITEM("a")]), (f) => [...bench(f), "--tier", "LOCAL_QUALITY"]),
  },
  {
    name: "bench run where every request failed (no Ollama)",
    code: 3,
    message:
      /every one of the 2 requests failed; each with ConnectionError: ollama: connection to Ollama at http:\/\/127\.0\.0\.1:9 failed.*\n {2}fix: start Ollama \(`ollama serve`\), or set OLLAMA_HOST .* --config config\/router\.embedded\.yaml/,
    // Results go to the scratch folder: a run that happened writes its folder, and that is fine.
    args: () =>
      withDir(
        dataset([HEADER, ITEM("a"), ITEM("b")], (d) => (d.providers.fast = { kind: "ollama", host: "http://127.0.0.1:9" })),
        (f) => [
          "bench",
          "run",
          "--config",
          f.file,
          "--dataset",
          f.dataset,
          "--tier",
          "LOCAL_FAST",
          "--results-dir",
          join(scratch, "results-all-failed"),
          "--warmup",
          "0",
        ],
      ),
  },
];

function bench(f: { file: string; dir: string; dataset: string }): string[] {
  return ["bench", "run", "--config", f.file, "--dataset", f.dataset, "--tier", "LOCAL_FAST", "--results-dir", join(f.dir, "results"), "--warmup", "0"];
}

/** Every file under dir with its content hash: any change, creation or deletion shows. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

function runBatch(cases: BatchCase[]): Promise<BatchResult[]> {
  const casesFile = join(scratch, "cases.json");
  const resultsFile = join(scratch, "results.json");
  writeFileSync(casesFile, JSON.stringify(cases));
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "test-support/cli-batch.ts"), casesFile, resultsFile], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "inherit", "pipe"],
    });
    let err = "";
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(readFileSync(resultsFile, "utf8")) as BatchResult[]) : reject(new Error(`cli-batch exited ${code}: ${err}`)),
    );
  });
}

let results: BatchResult[] = [];
let prepared: { dir: string; before: Record<string, string> }[] = [];
let ledgerBefore: unknown[] = [];

beforeAll(async () => {
  fakeOpenAI = await startFakeOpenAI({
    respond: () => ({
      status: 400,
      type: "invalid_request_error",
      code: "context_length_exceeded",
      message: "This model's maximum context length is 8192 tokens. However, your messages resulted in 9100 tokens.",
    }),
  });
  // A ledger with history that every failing command could damage.
  ledger = join(scratch, "shared-ledger.sqlite");
  const l = new SqliteLedger(ledger);
  const router = new Router({ config: config().load(), ledger: l });
  for (let i = 0; i < 5; i++) await router.route({ action: "classify", prompt: `Fixed auth bug ${i}` });
  ledgerBefore = l.query();
  l.close();
  const cases = ROWS.map((r) => r.args());
  prepared = cases.map((c) => ({ dir: c.dir, before: snapshot(c.dir) }));
  results = await runBatch(cases.map((c) => ({ argv: c.argv, env: c.env })));
}, 60_000);
afterAll(() => fakeOpenAI.close());

describe(`bad input catalogue (${ROWS.length} cases through the CLI)`, () => {
  it.each(ROWS.map((r, i) => ({ ...r, i })))("$name → exit $code", ({ i, code, message }) => {
    const r = results[i]!;
    expect(r.stderr + r.stdout).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|uncaught| {4}at /);
    expect(r.code).toBe(code);
    // Nothing written: the files of the case are byte-identical and nothing was created.
    if (prepared[i]!.dir !== scratch) expect(snapshot(prepared[i]!.dir)).toEqual(prepared[i]!.before);
  });

  it("the shared ledger kept its rows; the one request that reached a model was recorded whole; integrity ok", () => {
    const l = new SqliteLedger(ledger, { readonly: true });
    const rows = l.query();
    expect(rows.slice(0, ledgerBefore.length)).toEqual(ledgerBefore);
    // Only the context-length case got as far as a provider call, and its attempt is on the books;
    // the refused paid call left its audit row.
    expect(rows.slice(ledgerBefore.length).map((r) => [r.model, r.verdict, r.error_class])).toEqual([
      ["fast-a", "error", "ContextLengthError"],
      ["api-model", "skipped", "BudgetExceededError"],
    ]);
    expect(l.integrityCheck()).toBe("ok");
    l.close();
  });

  it("the real entry point (cli/main.ts) agrees on exit codes and messages", () => {
    for (const name of ["--max-tokens not a number"]) {
      const row = ROWS.find((r) => r.name === name)!;
      const real = runCli(row.args().argv);
      expect(real.stderr).toMatch(row.message);
      expect(real.status).toBe(row.code);
    }
  }, 30_000);
});

/**
 * The same promise over HTTP: bad requests to `tierlab serve` get a 4xx in the wire format, never a 5xx,
 * never a stack in the log, and never reach a model.
 */
interface HttpRow {
  name: string;
  status: number;
  message: RegExp;
  send: (url: string) => Promise<Response>;
}

const chat =
  (init: { type?: string; headers?: Record<string, string>; body?: string; prompt?: string } = {}) =>
  (url: string) =>
    fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": init.type ?? "application/json", ...init.headers },
      body: init.body ?? JSON.stringify({ model: "tierlab/classify", messages: [{ role: "user", content: init.prompt ?? "Fixed auth bug" }] }),
    });

const HTTP_ROWS: HttpRow[] = [
  {
    name: "a media type with application/json in a parameter",
    status: 415,
    message: /send the body as application\/json/,
    send: chat({ type: "text/plain; x=application/json" }),
  },
  {
    name: "no content-type at all",
    status: 415,
    message: /send the body as application\/json \(got "text\/plain;charset=UTF-8"\)/,
    send: (url) => fetch(`${url}/v1/chat/completions`, { method: "POST", body: "{}" }),
  },
  {
    name: "a web page origin that was not allowed",
    status: 403,
    message: /requests from origin "http:\/\/evil\.example" are not allowed/,
    send: chat({ headers: { origin: "http://evil.example" } }),
  },
  {
    name: "a browser GET from another site without Origin",
    status: 403,
    message: /a browser request from another site/,
    send: (url) => fetch(`${url}/v1/models`, { headers: { "sec-fetch-site": "cross-site" } }),
  },
  { name: "GET /v1/models/%ZZ", status: 400, message: /"%ZZ" in the path is not valid percent-encoding/, send: (url) => fetch(`${url}/v1/models/%ZZ`) },
  { name: "a body that is not JSON", status: 400, message: /the body is not valid JSON/, send: chat({ body: "{nope" }) },
  { name: "a body over the size limit", status: 413, message: /request body over 2048 bytes/, send: chat({ prompt: "x".repeat(4096) }) },
  {
    name: "a prompt over every model's context",
    status: 400,
    message: /the prompt is about \d+ tokens \+ 64 to generate, over the context of every model of action "classify"/,
    send: chat({ prompt: "word ".repeat(300) }),
  },
  {
    name: "an unknown model",
    status: 404,
    message: /The model "gpt-9" names no tierlab action/,
    send: (url) =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-9", messages: [{ role: "user", content: "x" }] }),
      }),
  },
];

describe(`bad input catalogue over HTTP (${HTTP_ROWS.length + 2} cases against tierlab serve)`, () => {
  let fx: Fixture;
  const logs: string[] = [];
  beforeAll(async () => {
    fx = await startFixture({
      gateway: { maxBodyBytes: 2048, bodyTimeoutMs: 300, log: (l) => logs.push(l) },
      mutate: (d) => Object.values(d.tiers as Record<string, Data>).forEach((t) => t.models.forEach((m: Data) => (m.context_tokens = 200))),
    });
  });
  afterAll(() => fx.close());

  it.each(HTTP_ROWS)("$name → $status", async ({ status, message, send }) => {
    const res = await send(fx.gateway.url);
    expect(res.status).toBe(status);
    expect((await res.json()).error.message).toMatch(message);
    expect(Object.values(fx.providers).map((p) => p.calls)).toEqual([0, 0, 0, 0]);
    expect(logs).toEqual([]);
  });

  it("a client that hangs up mid-body → 499 in the metrics, nothing logged, nothing routed", async () => {
    const socket = connect(fx.gateway.port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    const settled = new Promise<number>((resolve) => fx.gateway.server.once("request", (_req, res) => res.on("close", () => resolve(res.statusCode))));
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{"model":`);
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    await settled;
    const metrics = await (await fetch(`${fx.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/status="499"/);
    expect(metrics).not.toMatch(/status="5\d\d"/);
    expect(logs).toEqual([]);
  });

  it("a body that never finishes → 408 body_timeout, and the connection is closed", async () => {
    const socket = connect(fx.gateway.port, "127.0.0.1");
    let reply = "";
    socket.on("data", (d: Buffer) => (reply += d.toString()));
    const closed = new Promise((r) => socket.once("close", r));
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{`);
    await closed;
    expect(reply).toMatch(/^HTTP\/1\.1 408[\s\S]*"code":"body_timeout"/);
    expect(logs).toEqual([]);
  });
});

describe("bad input catalogue: the process", () => {
  it("stdout closed early (`| head`) → the command finishes without a stack and the route still reaches the ledger", async () => {
    const fx = config();
    const own = join(fx.dir, "epipe.sqlite");
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "cli/main.ts"), ...route(fx.file).slice(0, -2), "--ledger", own, "--json"], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // The reader is gone before the first byte: the command's first write meets EPIPE.
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|internal error| {4}at /);
    expect(code).toBe(0);
    const l = new SqliteLedger(own, { readonly: true });
    expect(l.query().map((r) => r.verdict)).toEqual(["accepted"]);
    l.close();
  }, 60_000);
});
