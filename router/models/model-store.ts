/**
 * Where an embedded model's GGUF file is. A model is looked for, in order:
 *   1. at `model:`, resolved from the config file's folder (relative paths as always);
 *   2. in the models folder, under the file name of `model:`.
 * The models folder is $TIERLAB_MODELS_DIR, else $XDG_CACHE_HOME/tierlab/models, else
 * ~/.cache/tierlab/models. Downloads (`models pull`, or route time when allowed) land in (2).
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { allModels, type RouterConfig } from "../config/load.js";
import { resolveFrom } from "../config/paths.js";
import type { ProviderConfig } from "../config/schema.js";
import { UsageError } from "../../core/errors.js";
import { partialPathOf } from "./download.js";

export const MODELS_DIR_ENV = "TIERLAB_MODELS_DIR";
/** `auto` or `never`: overrides every embedded provider's `download:` (the `--download` flag beats it). */
export const DOWNLOAD_ENV = "TIERLAB_MODEL_DOWNLOAD";
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_STALL_TIMEOUT_MS = 20_000;

export type DownloadMode = "auto" | "never";

/** One embedded model as the config describes it, its path already resolved from the config folder. */
export interface ModelSource {
  id: string;
  provider: string;
  path: string;
  uri?: string;
  sha256?: string;
  size?: number;
}

export interface DownloadPolicy {
  mode: DownloadMode;
  connectTimeoutMs: number;
  stallTimeoutMs: number;
}

export type ModelLocation =
  { state: "present"; path: string; where: "config" | "models_dir"; bytes: number } | { state: "missing"; cachePath: string; partialBytes: number };

export function modelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const given = env[MODELS_DIR_ENV];
  if (given) return resolve(given);
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "tierlab", "models");
}

export function cachePathOf(source: ModelSource, dir: string): string {
  return join(dir, basename(source.path));
}

export function locateModel(source: ModelSource, dir: string): ModelLocation {
  const cachePath = cachePathOf(source, dir);
  for (const [path, where] of [
    [source.path, "config"],
    [cachePath, "models_dir"],
  ] as const) {
    const bytes = fileSize(path);
    if (bytes !== undefined) return { state: "present", path, where, bytes };
  }
  return { state: "missing", cachePath, partialBytes: fileSize(partialPathOf(cachePath)) ?? 0 };
}

function fileSize(path: string): number | undefined {
  try {
    const s = statSync(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

/** Every model served by an embedded provider (one provider, or all of them), in tier order. */
export function embeddedModelSources(config: RouterConfig, provider?: string): ModelSource[] {
  const seen = new Set<string>();
  const out: ModelSource[] = [];
  for (const m of allModels(config)) {
    if (config.data.providers[m.provider]?.kind !== "embedded" || (provider && m.provider !== provider)) continue;
    const path = resolveFrom(config.dir, m.model);
    // Two model ids on one file are one download.
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ id: m.id, provider: m.provider, path, uri: m.uri, sha256: m.sha256, size: m.size });
  }
  return out;
}

/** The flag beats $TIERLAB_MODEL_DOWNLOAD, which beats the provider's `download:` (default auto). */
export function downloadPolicyOf(cfg: ProviderConfig | undefined, o: { override?: DownloadMode; env?: NodeJS.ProcessEnv } = {}): DownloadPolicy {
  const fromEnv = (o.env ?? process.env)[DOWNLOAD_ENV] || undefined;
  if (fromEnv !== undefined && fromEnv !== "auto" && fromEnv !== "never") {
    throw new UsageError({ message: `${DOWNLOAD_ENV}=${fromEnv} is not a download mode`, fix: `set ${DOWNLOAD_ENV} to auto or never, or unset it` });
  }
  return {
    mode: o.override ?? (fromEnv as DownloadMode | undefined) ?? cfg?.download ?? "auto",
    connectTimeoutMs: cfg?.download_connect_timeout_ms ?? DEFAULT_CONNECT_TIMEOUT_MS,
    stallTimeoutMs: cfg?.download_stall_timeout_ms ?? DEFAULT_STALL_TIMEOUT_MS,
  };
}
