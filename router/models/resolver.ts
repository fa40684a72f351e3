/**
 * Model resolution at request time for the embedded engine: the file on disk if there is one,
 * else a bounded download when the policy allows it, else an error naming the fix. One download
 * per file however many requests wait on it; a waiting request leaves on its own signal (attempt
 * timeout, Ctrl-C) while the download goes on for the next one, until close().
 */
import { basename } from "node:path";
import type { Availability } from "../contracts/provider.js";
import { untilAborted } from "../util/until-aborted.js";
import type { DownloadProgress } from "./download.js";
import { downloadDisabled, fetchModel, missingWithoutUri } from "./fetch-model.js";
import { cachePathOf, downloadPolicyOf, locateModel, modelsDir, type DownloadPolicy, type ModelSource } from "./model-store.js";

export interface ModelProgressEvent {
  model: ModelSource;
  progress: DownloadProgress;
}

export interface ModelResolverOptions {
  /** Models the config knows, by absolute path; other paths are looked up as they are. */
  sources?: ModelSource[];
  modelsDir?: string;
  policy?: DownloadPolicy;
  configFile?: string;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  onProgress?: (e: ModelProgressEvent) => void;
}

export class ModelResolver {
  private readonly byPath: Map<string, ModelSource>;
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly lifetime = new AbortController();
  private readonly dir: string;
  private readonly policy: DownloadPolicy;
  private readonly configFile: string;

  constructor(private readonly o: ModelResolverOptions = {}) {
    this.byPath = new Map((o.sources ?? []).map((s) => [s.path, s]));
    this.dir = o.modelsDir ?? modelsDir(o.env);
    this.policy = o.policy ?? downloadPolicyOf(undefined, { env: o.env });
    this.configFile = o.configFile ?? "<your router config>";
  }

  availability(path: string): Availability {
    const source = this.sourceOf(path);
    if (locateModel(source, this.dir).state === "present") return { ok: true };
    const err = !source.uri ? missingWithoutUri(source, cachePathOf(source, this.dir)) : this.policy.mode === "never" ? this.disabled(source) : undefined;
    // A missing file that may be downloaded counts as available: the request will fetch it.
    return err ? { ok: false, reason: err.message, fix: err.fix ?? "" } : { ok: true };
  }

  /** The GGUF path to load; downloads it first when missing and allowed. */
  async resolve(path: string, signal?: AbortSignal): Promise<string> {
    const source = this.sourceOf(path);
    const found = locateModel(source, this.dir);
    if (found.state === "present") return found.path;
    if (!source.uri) throw missingWithoutUri(source, found.cachePath);
    if (this.policy.mode === "never") throw this.disabled(source);
    let pending = this.inFlight.get(found.cachePath);
    if (!pending) {
      pending = fetchModel({
        source,
        modelsDir: this.dir,
        policy: this.policy,
        configFile: this.configFile,
        env: this.o.env,
        fetch: this.o.fetch,
        signal: this.lifetime.signal,
        onProgress: this.o.onProgress && ((progress) => this.o.onProgress!({ model: source, progress })),
      }).then((r) => r.path);
      const settled = pending.finally(() => this.inFlight.delete(found.cachePath));
      settled.catch(() => undefined);
      this.inFlight.set(found.cachePath, pending);
    }
    return untilAborted(pending, signal);
  }

  /** Stops downloads in flight; their partial files stay for the next try. */
  close(): void {
    this.lifetime.abort();
  }

  private sourceOf(path: string): ModelSource {
    return this.byPath.get(path) ?? { id: basename(path), provider: "embedded", path };
  }

  private disabled(source: ModelSource) {
    return downloadDisabled(source, { modelsDir: this.dir, configFile: this.configFile });
  }
}
