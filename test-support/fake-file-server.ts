/**
 * A file server on 127.0.0.1 speaking what model downloads meet on the wire: Content-Length, a
 * strong ETag, Range / If-Range with 206 and Content-Range, 416, a Hugging Face style 404
 * (x-error-code: EntryNotFound), and per-request faults: a cut connection, a stall mid-body, a
 * server that never answers, a server that ignores Range.
 */
import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import { resetConnection, sleep, stallForever, startFakeServer, type FakeServer, type RecordedRequest } from "./fake-http.js";

export type FileFault =
  { kind: "cut_after"; bytes: number } | { kind: "stall_after"; bytes: number } | { kind: "hang_before_headers" } | { kind: "ignore_range" };

export interface FakeFileServerOptions {
  /** URL path (with or without a query) → file bytes. */
  files: Record<string, Buffer>;
  /** What goes wrong on the i-th request (0-based); undefined = serve it well. */
  fault?: (i: number, req: RecordedRequest) => FileFault | undefined;
  chunkBytes?: number;
  /** Pause between chunks, to make progress events observable. */
  chunkGapMs?: number;
}

export interface FakeFileServer extends FakeServer {
  etagOf(path: string): string;
}

export async function startFakeFileServer(o: FakeFileServerOptions): Promise<FakeFileServer> {
  let n = 0;
  const etagOf = (path: string) =>
    `"${createHash("sha256")
      .update(o.files[path] ?? "")
      .digest("hex")
      .slice(0, 16)}"`;
  const server = await startFakeServer(async (req, res) => {
    const fault = o.fault?.(n++, req);
    if (fault?.kind === "hang_before_headers") return stallForever(res);
    const file = o.files[req.path];
    if (req.method !== "GET" || !file) {
      res.writeHead(404, { "content-type": "text/plain", "x-error-code": "EntryNotFound" });
      res.end("Entry not found");
      return;
    }
    const etag = etagOf(req.path);
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ""));
    const ifRange = req.headers["if-range"];
    const honourRange = range && fault?.kind !== "ignore_range" && (ifRange === undefined || ifRange === etag);
    let start = 0;
    if (honourRange) {
      start = Number(range[1]);
      if (start >= file.length) {
        res.writeHead(416, { "content-range": `bytes */${file.length}` });
        res.end();
        return;
      }
      res.writeHead(206, {
        "content-type": "application/octet-stream",
        "content-length": file.length - start,
        "content-range": `bytes ${start}-${file.length - 1}/${file.length}`,
        etag,
        "accept-ranges": "bytes",
      });
    } else {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.length, etag, "accept-ranges": "bytes" });
    }
    await sendBody(res, file.subarray(start), { fault, chunkBytes: o.chunkBytes ?? 64 * 1024, gapMs: o.chunkGapMs ?? 0 });
  });
  return { ...server, etagOf };
}

async function sendBody(res: ServerResponse, body: Buffer, o: { fault: FileFault | undefined; chunkBytes: number; gapMs: number }): Promise<void> {
  const stopAt = o.fault?.kind === "cut_after" || o.fault?.kind === "stall_after" ? Math.min(o.fault.bytes, body.length) : body.length;
  for (let at = 0; at < stopAt; at += o.chunkBytes) {
    if (res.destroyed) return;
    const piece = body.subarray(at, Math.min(at + o.chunkBytes, stopAt));
    // Wait until the kernel has the bytes, so a cut that follows does not swallow them.
    await new Promise<void>((resolve) => res.write(piece, () => resolve()));
    if (o.gapMs > 0) await sleep(o.gapMs);
  }
  if (o.fault?.kind === "cut_after") {
    await sleep(20);
    resetConnection(res);
  } else if (o.fault?.kind === "stall_after") {
    await stallForever(res);
  } else {
    res.end();
  }
}
