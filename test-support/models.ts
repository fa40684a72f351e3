/** Locates the small real GGUF models in ../shared/models; tests skip with a printed reason when absent. */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const MODELS_DIR = resolve(REPO_ROOT, "../shared/models");
export const STORIES = resolve(MODELS_DIR, "stories260K.gguf");
export const TINY_RANDOM = resolve(MODELS_DIR, "llama-2-tiny-random.gguf");

export const modelsPresent = existsSync(STORIES) && existsSync(TINY_RANDOM);
if (!modelsPresent) {
  process.stdout.write(`[skip] model tests: ${MODELS_DIR} is absent (needs stories260K.gguf and llama-2-tiny-random.gguf)\n`);
}
