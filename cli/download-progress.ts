/**
 * Model download progress for a person: a bar with bytes, rate and ETA on a terminal (stderr),
 * nothing on a pipe (scripts read the final lines or --json). One bar per model, in turn.
 */
import { SingleBar } from "cli-progress";
import prettyBytes from "pretty-bytes";
import prettyMilliseconds from "pretty-ms";
import type { DownloadProgress } from "../router/models/download.js";

export interface DownloadProgressView {
  update(modelId: string, p: DownloadProgress): void;
  stop(): void;
}

export function downloadProgressView(stream: NodeJS.WriteStream = process.stderr): DownloadProgressView {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  let bar: SingleBar | undefined;
  let current: string | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
    current = undefined;
  };
  return {
    update(modelId, p) {
      const total = p.totalBytes ?? 0;
      if (modelId !== current) {
        stop();
        current = modelId;
        bar = new SingleBar({ format: "{model} {bar} {pct} | {got} / {size} | {rate} | ETA {left}", stream, hideCursor: true, barsize: 30, fps: 10 });
        bar.start(Math.max(total, 1), 0, payload(modelId, p));
      }
      bar!.setTotal(Math.max(total, p.receivedBytes, 1));
      bar!.update(p.receivedBytes, payload(modelId, p));
      if (p.done) stop();
    },
    stop,
  };
}

function payload(modelId: string, p: DownloadProgress) {
  return {
    model: modelId,
    pct: p.totalBytes ? `${Math.floor((p.receivedBytes / p.totalBytes) * 100)}%` : "?%",
    got: prettyBytes(p.receivedBytes),
    size: p.totalBytes === undefined ? "?" : prettyBytes(p.totalBytes),
    rate: `${prettyBytes(p.bytesPerSecond)}/s`,
    left: p.done ? "0s" : p.etaMs === undefined ? "?" : prettyMilliseconds(p.etaMs, { secondsDecimalDigits: 0, compact: true }),
  };
}

/** "1.19 MB in 1.2 s (1 MB/s), resumed from 300 kB" for the line a pull prints when it ends. */
export function describeDownload(d: { bytes: number; elapsedMs: number; resumedFromBytes: number }): string {
  const rate = d.elapsedMs > 0 ? `${prettyBytes(((d.bytes - d.resumedFromBytes) / d.elapsedMs) * 1000)}/s` : "n/a";
  const resumed = d.resumedFromBytes > 0 ? `, resumed from ${prettyBytes(d.resumedFromBytes)}` : "";
  return `${prettyBytes(d.bytes)} in ${prettyMilliseconds(d.elapsedMs, { secondsDecimalDigits: 1 })} (${rate}${resumed})`;
}

export { prettyBytes };
