/**
 * A bench run in which every measured request failed measured nothing: its table is all errors and
 * the reason is buried in records.jsonl. This names the cause once (the most frequent error, with how
 * often it happened) and what to do about it, so `bench run` can print it and exit non-zero.
 */
import { relative } from "node:path";
import type { BenchRecord } from "../contracts/bench-record.js";

export function whyEverythingFailed(records: readonly BenchRecord[], configFile: string): string | undefined {
  const measured = records.filter((r) => !r.warmup);
  if (measured.length === 0 || measured.some((r) => r.error === null)) return undefined;
  const counts = new Map<string, { n: number; cls: string; message: string }>();
  for (const r of measured) {
    const key = `${r.error!.class}\u0000${r.error!.message}`;
    const c = counts.get(key) ?? { n: 0, cls: r.error!.class, message: r.error!.message };
    c.n++;
    counts.set(key, c);
  }
  const top = [...counts.values()].sort((a, b) => b.n - a.n)[0]!;
  const others = measured.length - top.n;
  const cause = `every one of the ${measured.length} requests failed; ${others ? `most (${top.n}) with` : "each with"} ${top.cls}: ${top.message.split("\n")[0]}`;
  return `${cause}\n  fix: ${fixFor(top.cls, top.message, configFile)}`;
}

function fixFor(cls: string, message: string, configFile: string): string {
  const config = relative(process.cwd(), configFile) || configFile;
  if (/ollama/i.test(message) && (cls === "ConnectionError" || cls === "ProviderUnavailableError" || cls === "TimeoutError")) {
    return "start Ollama (`ollama serve`), or set OLLAMA_HOST to where it runs, or bench the embedded engine instead: --config config/router.embedded.yaml";
  }
  if (cls === "ModelNotFoundError" && /ollama/i.test(message))
    return "pull the model on the Ollama host (`ollama pull <model>`; `tierlab doctor` lists which are missing)";
  if (cls === "ModelDownloadError" || cls === "ModelNotFoundError") return `fetch the model files first: \`tierlab models pull --config ${config}\``;
  if (/API_KEY is not set/.test(message) || cls === "AuthenticationError") return "export the API key the config names (api_key_env), or bench a local tier";
  if (cls === "TimeoutError" || cls === "DeadlineExceededError") return "raise --timeout-ms (or defaults.timeout_ms), or check the server's load";
  return `run \`tierlab doctor --config ${config}\` to check every provider this config uses`;
}
