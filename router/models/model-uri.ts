/**
 * Model URIs → the HTTP URL fetched. `hf:owner/repo/path/file.gguf[#branch]` maps to
 * `<endpoint>/owner/repo/resolve/<branch>/path/file.gguf?download=true`, the same mapping as
 * node-llama-cpp's parseModelUri (utils/parseModelUri.js), with the endpoint from HF_ENDPOINT as there.
 * The `hf:owner/repo:quant` form needs a manifest lookup on the hub; it is refused with the fix.
 */
import { z } from "zod";

export const DEFAULT_HF_ENDPOINT = "https://huggingface.co/";

export interface ModelUrl {
  /** As written in the config. */
  uri: string;
  url: string;
  /** Headers for this host only (a Hugging Face token never goes to another host). */
  headers: Record<string, string>;
}

const HF_PREFIXES = ["hf://", "huggingface://", "hf:", "huggingface:"];

export const isHubUri = (uri: string) => HF_PREFIXES.some((p) => uri.startsWith(p));

/** Throws a plain Error whose message says what form is expected; callers add the config location. */
export function modelUrl(uri: string, env: NodeJS.ProcessEnv = process.env): ModelUrl {
  const prefix = HF_PREFIXES.find((p) => uri.startsWith(p));
  if (!prefix) {
    const parsed = z.url({ protocol: /^https?$/ }).safeParse(uri);
    if (!parsed.success) throw new Error(`"${uri}" is not a model URI: use hf:owner/repo/path/file.gguf or an http(s):// URL`);
    return { uri, url: uri, headers: {} };
  }
  const rest = uri.slice(prefix.length);
  const hash = rest.indexOf("#");
  const path = hash >= 0 ? rest.slice(0, hash) : rest;
  const branch = (hash >= 0 ? rest.slice(hash + 1) : "") || "main";
  const [owner, repo, ...file] = path.split("/");
  if (!owner || !repo || file.length === 0 || file.some((p) => p === "")) {
    const quant = repo?.includes(":") ? " (the owner/repo:quant form needs the hub's manifest API, which tierlab does not call)" : "";
    throw new Error(`"${uri}" does not name a file: use hf:owner/repo/path/file.gguf[#branch]${quant}`);
  }
  const endpoint = hfEndpoint(env);
  const url = `${endpoint}${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/resolve/${encodeURIComponent(branch)}/${file.map(encodeURIComponent).join("/")}?download=true`;
  const token = env.HF_TOKEN;
  return { uri, url, headers: token ? { authorization: `Bearer ${token}` } : {} };
}

/** MODEL_ENDPOINT, then HF_ENDPOINT (a mirror, or a local server in tests), then huggingface.co. */
export function hfEndpoint(env: NodeJS.ProcessEnv): string {
  for (const v of [env.MODEL_ENDPOINT, env.HF_ENDPOINT]) {
    if (v && z.url({ protocol: /^https?$/ }).safeParse(v).success) return v.endsWith("/") ? v : `${v}/`;
  }
  return DEFAULT_HF_ENDPOINT;
}
