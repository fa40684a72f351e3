/** Bytes for download tests: the real stories260K.gguf from ../shared/models (read at test time, never committed). */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { STORIES } from "./models.js";

/** Falls back to deterministic bytes with a GGUF magic where ../shared is absent: a download does not parse what it moves. */
export const GGUF_BYTES: Buffer = existsSync(STORIES) ? readFileSync(STORIES) : Buffer.concat([Buffer.from("GGUF"), Buffer.alloc(1_185_372, 7)]);

export const GGUF_SHA256 = createHash("sha256").update(GGUF_BYTES).digest("hex");

export const sha256Of = (b: Buffer) => createHash("sha256").update(b).digest("hex");
