/**
 * Checks of the installation: the seed's troubleshooting list "Ollama installation issues",
 * "Missing models" and keys, plus the ledger. Each returns findings and never throws: a doctor
 * that crashes on the broken thing it should diagnose is no use.
 */
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { allModels } from "../config/load.js";
import { missingWithoutUri, pullCommand } from "../models/fetch-model.js";
import { downloadPolicyOf, embeddedModelSources, locateModel, modelsDir } from "../models/model-store.js";
import { ollamaVersion, OllamaProvider } from "../providers/ollama.js";
import { keyEnvOf, ollamaHost } from "../providers/provider-env.js";
import { ProviderRegistry } from "../providers/registry.js";
import type { DoctorContext, DoctorFinding } from "./contract.js";

const INSTALL_FIX = "install Ollama (Linux: `curl -fsSL https://ollama.com/install.sh | sh`, else https://ollama.com/download), then run `ollama serve`";

export async function checkOllama(ctx: DoctorContext): Promise<DoctorFinding[]> {
  const out: DoctorFinding[] = [];
  for (const [name, cfg] of Object.entries(ctx.config.data.providers)) {
    if (cfg.kind !== "ollama") continue;
    const models = allModels(ctx.config).filter((m) => m.provider === name);
    if (models.length === 0) continue;
    const host = ollamaHost(cfg.host, ctx.env);
    const installed = ctx.which("ollama");
    const version = await ollamaVersion(host, ctx.fetch);
    if (version === undefined) {
      out.push(
        installed
          ? {
              id: `ollama.reachable.${name}`,
              status: "fail",
              message: `Ollama is installed (${installed}) but does not answer at ${host}`,
              fix: `start it with \`ollama serve\` (or \`systemctl start ollama\`); if it runs elsewhere, set OLLAMA_HOST or providers.${name}.host`,
            }
          : {
              id: `ollama.reachable.${name}`,
              status: "fail",
              message: `Ollama is not installed (no \`ollama\` on PATH) and nothing answers at ${host}`,
              fix: INSTALL_FIX,
            },
      );
      continue;
    }
    out.push({
      id: `ollama.reachable.${name}`,
      status: "ok",
      message: `Ollama ${version} answers at ${host}${installed ? "" : " (remote: no local `ollama` binary, which is fine)"}`,
    });
    const provider = new OllamaProvider({ host, fetch: ctx.fetch });
    const missing: string[] = [];
    const problems: string[] = [];
    for (const m of models) {
      const a = await provider.availability(m.model);
      if (a.ok) continue;
      if (a.fix.startsWith("ollama pull")) missing.push(m.model);
      else problems.push(a.reason);
    }
    if (problems.length)
      out.push({
        id: `ollama.models.${name}`,
        status: "fail",
        message: problems[0]!,
        fix: "check the Ollama server log (`journalctl -u ollama` or ~/.ollama/logs/server.log)",
      });
    else if (missing.length)
      out.push({
        id: `ollama.models.${name}`,
        status: "fail",
        message: `configured but not pulled on ${host} (compared with /api/tags): ${missing.join(", ")}`,
        fix: missing.map((m) => `ollama pull ${m}`).join(" && "),
      });
    else
      out.push({
        id: `ollama.models.${name}`,
        status: "ok",
        message: `all ${models.length} configured models are pulled: ${models.map((m) => m.model).join(", ")}`,
      });
  }
  return out;
}

/**
 * Keys are reported as "set" or "missing", never printed. Missing keys warn; they fail when an
 * action starts on a tier left with no usable model (every request of it would fail at once).
 */
export function checkKeys(ctx: DoctorContext): DoctorFinding[] {
  const { providers, tiers } = ctx.config.data;
  const missing = new Map<string, string>();
  const present = new Map<string, string>();
  for (const [name, cfg] of Object.entries(providers)) {
    const keyEnv = keyEnvOf(cfg);
    if (!keyEnv) continue;
    // A self-hosted OpenAI-compatible server needs no key.
    if (cfg.kind === "openai" && (cfg.base_url ?? cfg.host) && !cfg.api_key_env) continue;
    if (ctx.env[keyEnv]) present.set(name, keyEnv);
    else missing.set(name, keyEnv);
  }
  const used = new Set(allModels(ctx.config).map((m) => m.provider));
  const out: DoctorFinding[] = [];
  for (const [name, keyEnv] of present) if (used.has(name)) out.push({ id: `keys.${name}`, status: "ok", message: `${keyEnv} is set` });
  for (const [name, keyEnv] of missing) {
    if (!used.has(name)) continue;
    const affected = Object.entries(tiers)
      .filter(([, t]) => t.models.some((m) => m.provider === name))
      .map(([n]) => n);
    const dead = affected.filter((n) => tiers[n]!.models.every((m) => missing.has(m.provider)));
    const starving = Object.entries(ctx.config.data.actions)
      .filter(([, a]) => dead.includes(a.tier))
      .map(([n]) => n);
    const consequence = starving.length
      ? `; tier ${dead.join(", ")} has no usable model and is the first tier of ${starving.join(", ")}`
      : dead.length
        ? `; escalations to ${dead.join(", ")} will fail (local answers are kept as best effort)`
        : "";
    out.push({
      id: `keys.${name}`,
      status: starving.length ? "fail" : "warn",
      message: `${keyEnv} is missing: provider ${name} (tier ${affected.join(", ")}) cannot be used${consequence}`,
      fix: `export ${keyEnv}=... (the key itself never goes in the config file)`,
    });
  }
  return out;
}

/** Each embedded model: on disk (where), or missing with what a request would do and the command that fetches it. */
export function checkEmbedded(ctx: DoctorContext): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const dir = modelsDir(ctx.env);
  const pull = pullCommand(ctx.config.file);
  for (const source of embeddedModelSources(ctx.config)) {
    const id = `embedded.${source.id}`;
    const at = locateModel(source, dir);
    if (at.state === "present") {
      if (source.size !== undefined && at.bytes !== source.size) {
        out.push({
          id,
          status: "fail",
          message: `${at.path} is ${at.bytes} bytes, the config says size: ${source.size} (a truncated or different file)`,
          fix: `delete it and run \`${pull}\`, or correct size:`,
        });
      } else {
        out.push({ id, status: "ok", message: `GGUF present: ${at.path}${at.where === "models_dir" ? " (models folder)" : ""}` });
      }
      continue;
    }
    const looked = `looked at ${source.path} and ${at.cachePath}`;
    const partial = at.partialBytes > 0 ? `; ${at.partialBytes} bytes of an interrupted download wait in ${at.cachePath}.partial` : "";
    if (!source.uri) {
      const err = missingWithoutUri(source, at.cachePath);
      out.push({ id, status: "fail", message: err.message, fix: err.fix });
      continue;
    }
    let mode: string;
    try {
      mode = downloadPolicyOf(ctx.config.data.providers[source.provider], { env: ctx.env }).mode;
    } catch (err) {
      mode = `unknown (${(err as Error).message})`;
    }
    out.push(
      mode === "auto"
        ? {
            id,
            status: "warn",
            message: `GGUF not downloaded yet (${looked})${partial}; the first request will fetch ${source.uri}, which fails on a machine without network`,
            fix: `run \`${pull}\` now, or copy the file to ${at.cachePath}`,
          }
        : {
            id,
            status: "fail",
            message: `GGUF missing (${looked})${partial} and download is ${mode}: requests to ${source.id} fail`,
            fix: `run \`${pull}\`, or copy the file to ${at.cachePath}`,
          },
    );
  }
  return out;
}

/** Replay providers: each tier model's recordings load and hold answers; a broken file is named with its line. */
export async function checkReplay(ctx: DoctorContext): Promise<DoctorFinding[]> {
  const out: DoctorFinding[] = [];
  const registry = new ProviderRegistry(ctx.config, { env: ctx.env });
  for (const m of allModels(ctx.config)) {
    const cfg = ctx.config.data.providers[m.provider];
    if (cfg?.kind !== "replay") continue;
    const files = cfg.models?.[m.model]?.recordings.length ?? 0;
    const a = await registry.get(m.provider).availability(m.model);
    out.push(
      a.ok
        ? { id: `replay.${m.id}`, status: "ok", message: `${m.model}: ${files} recording file(s) load; latencies of this model are modelled, not measured` }
        : { id: `replay.${m.id}`, status: "fail", message: a.reason, fix: a.fix },
    );
  }
  await registry.closeAll();
  return out;
}

/** Without creating anything: an existing file must be writable, else its nearest existing folder. */
export function checkLedgerWritable(path: string): DoctorFinding {
  const fix = "set ledger.path in the router config (or --ledger) to a file in a writable folder";
  try {
    if (existsSync(path)) {
      if (!statSync(path).isFile()) return { id: "ledger.writable", status: "fail", message: `the ledger path ${path} is not a file`, fix };
      accessSync(path, constants.R_OK | constants.W_OK);
      return { id: "ledger.writable", status: "ok", message: `ledger ${path} is writable` };
    }
    let dir = dirname(path);
    while (!existsSync(dir)) dir = dirname(dir);
    if (!statSync(dir).isDirectory())
      return { id: "ledger.writable", status: "fail", message: `cannot create the ledger ${path}: ${dir} is a file, not a folder`, fix };
    accessSync(dir, constants.W_OK);
    return { id: "ledger.writable", status: "ok", message: `ledger ${path} does not exist yet; ${dir} is writable, so it will be created` };
  } catch (err) {
    return { id: "ledger.writable", status: "fail", message: `cannot write the ledger ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, fix };
  }
}

/** `which`, without a child process. */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
