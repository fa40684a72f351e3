import { isAbsolute, resolve } from "node:path";

/** Paths inside a config file are relative to that file, never to the working directory. */
export function resolveFrom(dir: string, p: string): string {
  return isAbsolute(p) ? p : resolve(dir, p);
}
