/**
 * `tierlab models pull` as a library call: every embedded model of a config ends up on disk and
 * checked, or with an error that says why and what to do. Files already in place are verified
 * (size, sha256 when the config gives them) and never overwritten: they may be the user's.
 */
import type { RouterConfig } from "../config/load.js";
import { ModelDownloadError, TierlabError, type ModelFetchFailure } from "../../core/errors.js";
import { sha256OfFile, type DownloadProgress } from "./download.js";
import { fetchModel } from "./fetch-model.js";
import { downloadPolicyOf, embeddedModelSources, locateModel, modelsDir, type ModelSource } from "./model-store.js";
import { modelUrl } from "./model-uri.js";

export const MODELS_REPORT_VERSION = 1 as const;

export interface PulledModel {
  id: string;
  provider: string;
  /** present: was already on disk; downloaded: fetched now; failed: see error. */
  state: "present" | "downloaded" | "failed";
  path: string;
  bytes?: number;
  sha256?: string;
  /** Whether the file matched the config's size / sha256; null when the config gives none. */
  matches: { size: boolean | null; sha256: boolean | null };
  download?: { uri: string; url: string; elapsedMs: number; resumedFromBytes: number; requests: number };
  error?: { class: string; reason?: ModelFetchFailure; message: string; fix?: string };
}

export interface PullReport {
  version: typeof MODELS_REPORT_VERSION;
  config: string;
  modelsDir: string;
  ok: boolean;
  models: PulledModel[];
}

export interface PullArgs {
  config: RouterConfig;
  /** Only these model ids (default: every embedded model). */
  only?: string[];
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  onProgress?: (modelId: string, p: DownloadProgress) => void;
  now?: () => number;
}

export async function pullModels(a: PullArgs): Promise<PullReport> {
  const env = a.env ?? process.env;
  const dir = modelsDir(env);
  const sources = embeddedModelSources(a.config).filter((s) => !a.only?.length || a.only.includes(s.id));
  const models: PulledModel[] = [];
  for (const source of sources) models.push(await pullOne(a, source, { env, dir }));
  return { version: MODELS_REPORT_VERSION, config: a.config.file, modelsDir: dir, ok: models.every((m) => m.state !== "failed"), models };
}

async function pullOne(a: PullArgs, source: ModelSource, c: { env: NodeJS.ProcessEnv; dir: string }): Promise<PulledModel> {
  const base = { id: source.id, provider: source.provider };
  const found = locateModel(source, c.dir);
  if (found.state === "present") {
    const sha256 = source.sha256 ? await sha256OfFile(found.path) : undefined;
    const matches = {
      size: source.size === undefined ? null : found.bytes === source.size,
      sha256: sha256 === undefined ? null : sha256 === source.sha256!.toLowerCase(),
    };
    if (matches.size === false || matches.sha256 === false) {
      const what =
        matches.size === false ? `is ${found.bytes} bytes, the config says size: ${source.size}` : `has sha256 ${sha256}, the config says ${source.sha256}`;
      return {
        ...base,
        state: "failed",
        path: found.path,
        bytes: found.bytes,
        sha256,
        matches,
        error: {
          class: "ModelFileMismatch",
          reason: matches.size === false ? "size_mismatch" : "checksum_mismatch",
          message: `${found.path} ${what}`,
          fix: `if the config is right, delete ${found.path} and run the pull again; otherwise correct sha256:/size: of model ${source.id}`,
        },
      };
    }
    return { ...base, state: "present", path: found.path, bytes: found.bytes, sha256, matches };
  }
  try {
    const r = await fetchModel({
      source,
      modelsDir: c.dir,
      policy: downloadPolicyOf(a.config.data.providers[source.provider], { env: c.env }),
      configFile: a.config.file,
      env: c.env,
      fetch: a.fetch,
      signal: a.signal,
      onProgress: a.onProgress && ((p) => a.onProgress!(source.id, p)),
      now: a.now,
    });
    return {
      ...base,
      state: "downloaded",
      path: r.path,
      bytes: r.bytes,
      sha256: r.sha256,
      matches: { size: source.size === undefined ? null : true, sha256: source.sha256 === undefined ? null : true },
      download: { uri: source.uri!, url: modelUrl(source.uri!, c.env).url, elapsedMs: r.elapsedMs, resumedFromBytes: r.resumedFromBytes, requests: r.requests },
    };
  } catch (err) {
    // Ctrl-C ends the whole pull; the partial file stays for the next one.
    if (a.signal?.aborted || !(err instanceof TierlabError)) throw err;
    return {
      ...base,
      state: "failed",
      path: found.cachePath,
      matches: { size: null, sha256: null },
      error: { class: err.name, reason: err instanceof ModelDownloadError ? err.reason : undefined, message: err.message, fix: err.fix },
    };
  }
}
