/** `tierlab models list` as a library call: where each embedded model of a config is, and what else the models folder holds. */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { RouterConfig } from "../config/load.js";
import { embeddedModelSources, locateModel, modelsDir } from "./model-store.js";
import { MODELS_REPORT_VERSION } from "./pull.js";

export interface ListedModel {
  id: string;
  provider: string;
  state: "present" | "missing";
  /** Where the file is, or where `models pull` will put it. */
  path: string;
  where?: "config" | "models_dir";
  bytes?: number;
  /** Bytes of an interrupted download waiting to be resumed. */
  partialBytes?: number;
  uri?: string;
}

export interface ModelsList {
  version: typeof MODELS_REPORT_VERSION;
  config: string;
  modelsDir: string;
  models: ListedModel[];
  /** GGUF files (and partial downloads) in the models folder that this config does not name. */
  otherFiles: { path: string; bytes: number; partial: boolean }[];
}

export function listModels(config: RouterConfig, env: NodeJS.ProcessEnv = process.env): ModelsList {
  const dir = modelsDir(env);
  const named = new Set<string>();
  const models: ListedModel[] = embeddedModelSources(config).map((s) => {
    const at = locateModel(s, dir);
    const base = { id: s.id, provider: s.provider, uri: s.uri };
    if (at.state === "present") {
      named.add(at.path);
      return { ...base, state: "present", path: at.path, where: at.where, bytes: at.bytes };
    }
    named.add(at.cachePath);
    return { ...base, state: "missing", path: at.cachePath, ...(at.partialBytes ? { partialBytes: at.partialBytes } : {}) };
  });
  return { version: MODELS_REPORT_VERSION, config: config.file, modelsDir: dir, models, otherFiles: otherFiles(dir, named) };
}

function otherFiles(dir: string, named: Set<string>): ModelsList["otherFiles"] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: ModelsList["otherFiles"] = [];
  for (const name of names.sort()) {
    const partial = name.endsWith(".partial");
    const path = join(dir, name);
    if (!(partial || name.endsWith(".gguf")) || named.has(partial ? path.slice(0, -".partial".length) : path)) continue;
    try {
      out.push({ path, bytes: statSync(path).size, partial });
    } catch {
      // removed while listing
    }
  }
  return out;
}
