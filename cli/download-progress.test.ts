import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { describeDownload, downloadProgressView } from "./download-progress.js";

function terminal(isTTY: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY: boolean; columns: number };
  s.isTTY = isTTY;
  s.columns = 120;
  let text = "";
  s.on("data", (d: Buffer) => (text += d.toString("utf8")));
  return { stream: s as unknown as NodeJS.WriteStream, text: () => text };
}

const step = (receivedBytes: number, done = false) => ({
  receivedBytes,
  totalBytes: 1_185_376,
  resumedFromBytes: 0,
  bytesPerSecond: 250_000,
  etaMs: done ? 0 : ((1_185_376 - receivedBytes) / 250_000) * 1000,
  done,
});

describe("download progress", () => {
  it("draws a bar with bytes, rate and ETA on a terminal", () => {
    const t = terminal(true);
    const view = downloadProgressView(t.stream);
    view.update("stories", step(300_000));
    view.update("stories", step(1_185_376, true));
    const out = t.text();
    expect(out).toContain("stories");
    expect(out).toMatch(/100% \| 1\.19 MB \/ 1\.19 MB \| 250 kB\/s \| ETA 0s/);
  });

  it("writes nothing on a pipe", () => {
    const t = terminal(false);
    const view = downloadProgressView(t.stream);
    view.update("stories", step(300_000));
    view.stop();
    expect(t.text()).toBe("");
  });

  it("sums a download up in one line", () => {
    expect(describeDownload({ bytes: 1_185_376, elapsedMs: 2000, resumedFromBytes: 672_000 })).toBe("1.19 MB in 2s (257 kB/s, resumed from 672 kB)");
  });
});
