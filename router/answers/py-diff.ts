/** Why two Python values are not equal, in a few words for a grader's reason ("list vs tuple"). */
import { pyEquals, pyRepr, pyTypeName, type PyValue } from "./py-value.js";

const NUMERIC = new Set(["bool", "int", "float"]);
const MAX = 40;

function brief(v: PyValue): string {
  const r = pyRepr(v);
  return r.length > MAX ? `${r.slice(0, MAX - 1)}…` : r;
}

/** Undefined when the values are equal or the difference is plain from their reprs (two numbers, two strs). */
export function describePyDifference(got: PyValue, want: PyValue): string | undefined {
  if (pyEquals(got, want)) return undefined;
  const sameFamily = got.type === want.type || (NUMERIC.has(got.type) && NUMERIC.has(want.type));
  if (!sameFamily) return `${pyTypeName(got)} vs ${pyTypeName(want)}`;
  if ((got.type === "list" || got.type === "tuple") && (want.type === "list" || want.type === "tuple")) {
    if (got.items.length !== want.items.length) return `${got.items.length} items vs ${want.items.length}`;
    const i = got.items.findIndex((x, k) => !pyEquals(x, want.items[k]!));
    const inner = describePyDifference(got.items[i]!, want.items[i]!);
    return `item [${i}]: ${brief(got.items[i]!)} != ${brief(want.items[i]!)}${inner ? ` (${inner})` : ""}`;
  }
  if (got.type === "set" && want.type === "set") {
    const extra = got.items.filter((x) => !want.items.some((y) => pyEquals(x, y)));
    const missing = want.items.filter((y) => !got.items.some((x) => pyEquals(x, y)));
    return [
      missing.length ? `missing ${missing.slice(0, 3).map(brief).join(", ")}` : "",
      extra.length ? `extra ${extra.slice(0, 3).map(brief).join(", ")}` : "",
    ]
      .filter(Boolean)
      .join("; ");
  }
  if (got.type === "dict" && want.type === "dict") {
    const find = (entries: Array<[PyValue, PyValue]>, k: PyValue) => entries.find(([k2]) => pyEquals(k, k2));
    const missing = want.entries.filter(([k]) => !find(got.entries, k)).map(([k]) => brief(k));
    const extra = got.entries.filter(([k]) => !find(want.entries, k)).map(([k]) => brief(k));
    if (missing.length || extra.length) {
      return [missing.length ? `missing key ${missing.slice(0, 3).join(", ")}` : "", extra.length ? `extra key ${extra.slice(0, 3).join(", ")}` : ""]
        .filter(Boolean)
        .join("; ");
    }
    const [k, v] = got.entries.find(([key, value]) => !pyEquals(value, find(want.entries, key)![1]))!;
    return `value of ${brief(k)}: ${brief(v)} != ${brief(find(want.entries, k)![1])}`;
  }
  return undefined;
}
