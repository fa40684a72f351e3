/**
 * Fetches one embedded model into the models folder and turns every failure into one error a
 * person can act on: which model was missing, where it was looked for, the URI and URL tried,
 * why it failed, and the command that fixes it.
 */
import { isAbsolute, relative } from "node:path";
import { ModelDownloadError, ModelNotFoundError } from "../../core/errors.js";
import { downloadFile, partialPathOf, type DownloadProgress, type DownloadResult } from "./download.js";
import { cachePathOf, MODELS_DIR_ENV, type DownloadPolicy, type ModelSource } from "./model-store.js";
import { isHubUri, modelUrl } from "./model-uri.js";

export interface FetchModelArgs {
  source: ModelSource;
  modelsDir: string;
  policy: Omit<DownloadPolicy, "mode">;
  /** The config file, for the fix command. */
  configFile: string;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  now?: () => number;
}

export async function fetchModel(a: FetchModelArgs): Promise<DownloadResult> {
  const { source } = a;
  const dest = cachePathOf(source, a.modelsDir);
  if (!source.uri) throw missingWithoutUri(source, dest);
  const target = modelUrl(source.uri, a.env ?? process.env);
  try {
    return await downloadFile({
      url: target.url,
      headers: target.headers,
      dest,
      expected: { sha256: source.sha256, size: source.size },
      connectTimeoutMs: a.policy.connectTimeoutMs,
      stallTimeoutMs: a.policy.stallTimeoutMs,
      signal: a.signal,
      onProgress: a.onProgress,
      fetch: a.fetch,
      now: a.now,
    });
  } catch (err) {
    if (!(err instanceof ModelDownloadError)) throw err;
    const shown = target.url === source.uri ? source.uri : `${source.uri} → ${target.url}`;
    throw new ModelDownloadError({
      provider: "embedded",
      reason: err.reason,
      uri: source.uri,
      message: `model ${source.id} is missing (looked at ${source.path} and ${dest}); fetching ${shown} failed: ${err.message}`,
      fix: fixFor(err.reason, { source, dest, configFile: a.configFile }),
      cause: err,
    });
  }
}

/** `download: never` (or the flag) met a missing model: say so without touching the network. */
export function downloadDisabled(source: ModelSource, a: { modelsDir: string; configFile: string }): ModelDownloadError {
  const dest = cachePathOf(source, a.modelsDir);
  return new ModelDownloadError({
    provider: "embedded",
    reason: "download_disabled",
    uri: source.uri,
    message: `model ${source.id} is missing (looked at ${source.path} and ${dest}) and downloads are off (download: never)`,
    fix: `run \`${pullCommand(a.configFile)}\` on a machine with network, or copy the file to ${dest}`,
  });
}

export function missingWithoutUri(source: ModelSource, dest: string): ModelNotFoundError {
  return new ModelNotFoundError({
    provider: "embedded",
    message: `model ${source.id}: GGUF file not found (looked at ${source.path} and ${dest})`,
    fix: `put the file at one of those paths (or point ${MODELS_DIR_ENV} at a folder holding ${dest.split(/[\\/]/).pop()}), or give the model a \`uri:\` to download it from`,
  });
}

export function pullCommand(configFile: string): string {
  const rel = relative(process.cwd(), configFile);
  const shown = rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : configFile;
  return `tierlab models pull --config ${shown}`;
}

function fixFor(reason: ModelDownloadError["reason"], c: { source: ModelSource; dest: string; configFile: string }): string {
  const pull = pullCommand(c.configFile);
  const copy = `or copy the file to ${c.dest} by hand (see "First run" in the README)`;
  switch (reason) {
    case "offline":
    case "connect_timeout":
      return `connect to the network${c.source.uri && isHubUri(c.source.uri) ? " (or set HF_ENDPOINT to a mirror)" : ""} and run \`${pull}\`, ${copy}`;
    case "stall_timeout":
    case "cut":
      return `run \`${pull}\` again: it resumes from the bytes kept in ${partialPathOf(c.dest)}, ${copy}`;
    case "not_found":
      return `check \`uri:\` of model ${c.source.id} in ${c.configFile} (hf:owner/repo/path/file.gguf), ${copy}`;
    case "size_mismatch":
    case "checksum_mismatch":
      return `check \`uri:\`, \`sha256:\` and \`size:\` of model ${c.source.id} in ${c.configFile}: they must describe the same file`;
    case "busy":
      return `wait for the other download to finish, then run \`${pull}\``;
    default:
      return `run \`${pull}\` to see the download, ${copy}`;
  }
}
