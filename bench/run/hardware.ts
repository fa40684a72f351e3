/** What the numbers were measured on: CPU, memory, GPU (nvidia-smi when present), Ollama version. */
import { execFileSync } from "node:child_process";
import { cpus, totalmem, platform, release, arch } from "node:os";

export function hardwareInfo(): Record<string, unknown> {
  const c = cpus();
  return {
    cpu_model: c[0]?.model ?? "unknown",
    cpu_count: c.length,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()} ${arch()}`,
    node: process.version,
    gpu: nvidiaSmi(),
  };
}

function nvidiaSmi(): string[] | null {
  try {
    const out = execFileSync("nvidia-smi", ["--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"], {
      timeout: 5000,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return out.trim().split("\n").filter(Boolean);
  } catch {
    return null;
  }
}

export function gitCommit(cwd = process.cwd()): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd, timeout: 5000, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}
