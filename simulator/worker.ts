/** Worker-thread side of parallel.ts: receives the compiled inputs once, then runs trial blocks on request. */
import { parentPort } from "node:worker_threads";
import type { CompiledSim } from "./compile.js";
import { runBlock, type BlockJob } from "./engine.js";

let compiled: CompiledSim | undefined;

parentPort!.on("message", (msg: { type: "load"; compiled: CompiledSim } | { type: "run"; id: number; job: BlockJob }) => {
  if (msg.type === "load") {
    compiled = msg.compiled;
    return;
  }
  try {
    if (!compiled) throw new Error("run before load");
    const block = runBlock(compiled, msg.job);
    parentPort!.postMessage({ id: msg.id, block }, [
      block.daily.buffer as ArrayBuffer,
      block.tokens.buffer as ArrayBuffer,
      block.p95LatencyMs.buffer as ArrayBuffer,
    ]);
  } catch (err) {
    parentPort!.postMessage({ id: msg.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
