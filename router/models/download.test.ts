import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeFileServer, type FakeFileServer, type FakeFileServerOptions } from "../../test-support/fake-file-server.js";
import { GGUF_BYTES, GGUF_SHA256, sha256Of } from "../../test-support/gguf-bytes.js";
import { AbortedError, ModelDownloadError } from "../../core/errors.js";
import { downloadFile, partialPathOf, type DownloadFileOptions, type DownloadProgress } from "./download.js";

const PATH = "/models/stories260K.gguf";
let server: FakeFileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(o: Partial<FakeFileServerOptions> = {}) {
  server = await startFakeFileServer({ files: { [PATH]: GGUF_BYTES }, ...o });
  return server;
}

function dest(): string {
  return join(mkdtempSync(join(tmpdir(), "tierlab-dl-")), "stories260K.gguf");
}

const opts = (url: string, to: string, extra: Partial<DownloadFileOptions> = {}): DownloadFileOptions => ({
  url,
  dest: to,
  connectTimeoutMs: 2000,
  stallTimeoutMs: 2000,
  progressIntervalMs: 0,
  ...extra,
});

async function failure(p: Promise<unknown>): Promise<ModelDownloadError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelDownloadError);
  return err as ModelDownloadError;
}

describe("downloadFile", () => {
  it("reports progress with bytes, total, rate and ETA, verifies sha256 and size, and leaves only the final file", async () => {
    const s = await serve({ chunkBytes: 128 * 1024, chunkGapMs: 5 });
    const to = dest();
    const events: DownloadProgress[] = [];
    const r = await downloadFile(opts(s.url + PATH, to, { expected: { sha256: GGUF_SHA256, size: GGUF_BYTES.length }, onProgress: (p) => events.push(p) }));
    expect(r).toMatchObject({ path: to, bytes: GGUF_BYTES.length, sha256: GGUF_SHA256, resumedFromBytes: 0, requests: 1 });
    expect(readFileSync(to).equals(GGUF_BYTES)).toBe(true);
    expect(existsSync(partialPathOf(to))).toBe(false);
    expect(existsSync(`${partialPathOf(to)}.json`)).toBe(false);
    expect(events.length).toBeGreaterThanOrEqual(Math.ceil(GGUF_BYTES.length / (128 * 1024)));
    const received = events.map((e) => e.receivedBytes);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(events.every((e) => e.totalBytes === GGUF_BYTES.length)).toBe(true);
    expect(events.slice(1, -1).some((e) => e.bytesPerSecond > 0 && e.etaMs !== undefined && e.etaMs > 0)).toBe(true);
    expect(events.at(-1)).toMatchObject({ receivedBytes: GGUF_BYTES.length, done: true, etaMs: 0 });
  });

  it("resumes with Range and If-Range after the connection is cut mid-body, within one call", async () => {
    const s = await serve({ fault: (i) => (i === 0 ? { kind: "cut_after", bytes: 400_000 } : undefined) });
    const to = dest();
    const r = await downloadFile(opts(s.url + PATH, to, { expected: { sha256: GGUF_SHA256 } }));
    expect(r.requests).toBe(2);
    expect(r.sha256).toBe(GGUF_SHA256);
    const resumed = s.requests[1]!.headers;
    expect(resumed.range).toMatch(/^bytes=\d+-$/);
    expect(Number(/\d+/.exec(resumed.range as string)![0])).toBeGreaterThan(0);
    expect(resumed["if-range"]).toBe(s.etagOf(PATH));
  });

  it("Ctrl-C keeps a resumable partial and no final file; the next call resumes from it", async () => {
    const s = await serve({ chunkBytes: 64 * 1024, chunkGapMs: 30 });
    const to = dest();
    const ac = new AbortController();
    const first = downloadFile(
      opts(s.url + PATH, to, {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.receivedBytes >= 192 * 1024) ac.abort();
        },
      }),
    );
    await expect(first).rejects.toBeInstanceOf(AbortedError);
    expect(existsSync(to)).toBe(false);
    const kept = statSync(partialPathOf(to)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(GGUF_BYTES.length);
    const r = await downloadFile(opts(s.url + PATH, to, { expected: { sha256: GGUF_SHA256, size: GGUF_BYTES.length } }));
    expect(r.resumedFromBytes).toBe(kept);
    expect(s.requests.at(-1)!.headers.range).toBe(`bytes=${kept}-`);
    expect(readFileSync(to).equals(GGUF_BYTES)).toBe(true);
  });

  it("starts over when the file changed on the server (If-Range no longer matches) instead of splicing", async () => {
    const files = { [PATH]: GGUF_BYTES };
    const s = await serve({ files, chunkGapMs: 30 });
    const to = dest();
    const ac = new AbortController();
    await downloadFile(
      opts(s.url + PATH, to, {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.receivedBytes > 0) ac.abort();
        },
      }),
    ).catch(() => undefined);
    expect(statSync(partialPathOf(to)).size).toBeGreaterThan(0);
    const changed = Buffer.from(GGUF_BYTES);
    changed[changed.length - 1]! ^= 0xff;
    files[PATH] = changed;
    const r = await downloadFile(opts(s.url + PATH, to));
    expect(s.requests.at(-1)!.headers["if-range"]).toBe(`"${GGUF_SHA256.slice(0, 16)}"`);
    expect(r.resumedFromBytes).toBe(0);
    expect(sha256Of(readFileSync(to))).toBe(sha256Of(changed));
  });

  it("a server that ignores Range (200 to a resumed request) restarts the file instead of splicing", async () => {
    const s = await serve({ fault: (i) => (i === 0 ? { kind: "cut_after", bytes: 300_000 } : i === 1 ? { kind: "ignore_range" } : undefined) });
    const to = dest();
    const r = await downloadFile(opts(s.url + PATH, to, { expected: { sha256: GGUF_SHA256 } }));
    expect(s.requests[1]!.headers.range).toBeDefined();
    expect(r).toMatchObject({ requests: 2, sha256: GGUF_SHA256 });
  });

  it("a checksum mismatch deletes the download and names both digests", async () => {
    const s = await serve();
    const to = dest();
    const wrong = "0".repeat(64);
    const err = await failure(downloadFile(opts(s.url + PATH, to, { expected: { sha256: wrong } })));
    expect(err.reason).toBe("checksum_mismatch");
    expect(err.message).toContain(GGUF_SHA256);
    expect(err.message).toContain(wrong);
    expect(existsSync(to)).toBe(false);
    expect(existsSync(partialPathOf(to))).toBe(false);
  });

  it("a size the server contradicts fails before the body is read", async () => {
    const s = await serve({ chunkGapMs: 50 });
    const to = dest();
    const started = performance.now();
    const err = await failure(downloadFile(opts(s.url + PATH, to, { expected: { size: 1234 } })));
    expect(err.reason).toBe("size_mismatch");
    expect(err.message).toContain(`offers ${GGUF_BYTES.length} bytes`);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("404 is not_found", async () => {
    const s = await serve();
    const err = await failure(downloadFile(opts(s.url + "/models/nope.gguf", dest())));
    expect(err.reason).toBe("not_found");
    expect(err.message).toContain("HTTP 404");
  });

  it("a server that stops sending mid-body hits the stall timeout, keeping the partial", async () => {
    const s = await serve({ fault: () => ({ kind: "stall_after", bytes: 200_000 }) });
    const to = dest();
    const started = performance.now();
    const err = await failure(downloadFile(opts(s.url + PATH, to, { stallTimeoutMs: 300 })));
    const elapsed = performance.now() - started;
    expect(err.reason).toBe("stall_timeout");
    expect(err.message).toMatch(/no bytes for 300 ms after \d+ of 1185376 bytes/);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3000);
    expect(statSync(partialPathOf(to)).size).toBeGreaterThan(0);
    expect(existsSync(to)).toBe(false);
  });

  it("a server that accepts and never answers hits the connect timeout", async () => {
    const s = await serve({ fault: () => ({ kind: "hang_before_headers" }) });
    const started = performance.now();
    const err = await failure(downloadFile(opts(s.url + PATH, dest(), { connectTimeoutMs: 300 })));
    expect(err.reason).toBe("connect_timeout");
    expect(err.message).toContain("within 300 ms (connect timeout)");
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it("nothing listening (no route to the file) is offline, at once", async () => {
    const port = await closedPort();
    const started = performance.now();
    const err = await failure(downloadFile(opts(`http://127.0.0.1:${port}${PATH}`, dest())));
    expect(err.reason).toBe("offline");
    expect(err.message).toContain("ECONNREFUSED");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("a second download of the same file while one runs is refused as busy, not interleaved", async () => {
    const s = await serve({ chunkGapMs: 20 });
    const to = dest();
    const first = downloadFile(opts(s.url + PATH, to));
    await new Promise((r) => setTimeout(r, 50));
    const err = await failure(downloadFile(opts(s.url + PATH, to)));
    expect(err.reason).toBe("busy");
    expect((await first).sha256).toBe(GGUF_SHA256);
  });
});

/** A port that was just free: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
