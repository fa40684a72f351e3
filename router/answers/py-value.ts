/**
 * Python values as read from literals, with Python's `==` (pyEquals) and two printers: pyRepr, what
 * Python's repr() would print, and canonicalPyRepr, a string that is equal for two values exactly
 * when pyEquals holds (1 == 1.0 == True, sets and dicts unordered).
 */

export type PyValue =
  | { type: "none" }
  | { type: "bool"; value: boolean }
  /** Python ints are unbounded: CRUXEval outputs include products and powers past 2^53. */
  | { type: "int"; value: bigint }
  | { type: "float"; value: number }
  | { type: "str"; value: string }
  | { type: "bytes"; value: Uint8Array }
  | { type: "list"; items: PyValue[] }
  | { type: "tuple"; items: PyValue[] }
  /** Elements are unique under pyEquals (the parser drops later duplicates, as Python does). */
  | { type: "set"; items: PyValue[] }
  /** Keys are unique under pyEquals (a later duplicate key replaces the value, as in Python). */
  | { type: "dict"; entries: Array<[PyValue, PyValue]> };

export type PyType = PyValue["type"];

const isNumeric = (v: PyValue): v is Extract<PyValue, { type: "bool" | "int" | "float" }> => v.type === "bool" || v.type === "int" || v.type === "float";

/** An int-valued number as a bigint, or undefined for a non-integral or non-finite float. */
function asBigInt(v: Extract<PyValue, { type: "bool" | "int" | "float" }>): bigint | undefined {
  if (v.type === "bool") return v.value ? 1n : 0n;
  if (v.type === "int") return v.value;
  return Number.isInteger(v.value) ? BigInt(v.value) : undefined;
}

function numbersEqual(a: Extract<PyValue, { type: "bool" | "int" | "float" }>, b: Extract<PyValue, { type: "bool" | "int" | "float" }>): boolean {
  // Python compares int and float exactly (not through a rounded float): 2**53 + 1 != 2.0**53.
  const x = asBigInt(a);
  const y = asBigInt(b);
  if (x !== undefined && y !== undefined) return x === y;
  if (x !== undefined || y !== undefined) return false;
  return (a as { value: number }).value === (b as { value: number }).value;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sequencesEqual(a: PyValue[], b: PyValue[]): boolean {
  return a.length === b.length && a.every((x, i) => pyEquals(x, b[i]!));
}

/** Python's `a == b` for literal values: numbers across bool/int/float, list != tuple, sets and dicts unordered. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (isNumeric(a) || isNumeric(b)) return isNumeric(a) && isNumeric(b) && numbersEqual(a, b);
  switch (a.type) {
    case "none":
      return b.type === "none";
    case "str":
      return b.type === "str" && a.value === b.value;
    case "bytes":
      return b.type === "bytes" && bytesEqual(a.value, b.value);
    case "list":
    case "tuple":
      return b.type === a.type && sequencesEqual(a.items, b.items);
    case "set":
      return b.type === "set" && a.items.length === b.items.length && a.items.every((x) => b.items.some((y) => pyEquals(x, y)));
    case "dict":
      return (
        b.type === "dict" &&
        a.entries.length === b.entries.length &&
        a.entries.every(([k, v]) => b.entries.some(([k2, v2]) => pyEquals(k, k2) && pyEquals(v, v2)))
      );
  }
}

/** Python's repr() of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace(/^-/, "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || "0"}`;
}

// Python's str.isprintable(): false for control, format, surrogate, private-use, unassigned and separators but ' '.
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");

function quoteFor(hasSingle: boolean, hasDouble: boolean): string {
  return hasSingle && !hasDouble ? '"' : "'";
}

/** Python's repr() of a str. */
export function pyStrRepr(s: string): string {
  const quote = quoteFor(s.includes("'"), s.includes('"'));
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && NON_PRINTABLE.test(ch)) out += cp < 0x100 ? `\\x${hex(cp, 2)}` : cp < 0x10000 ? `\\u${hex(cp, 4)}` : `\\U${hex(cp, 8)}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's repr() of a bytes object. */
export function pyBytesRepr(b: Uint8Array): string {
  const quote = quoteFor(b.includes(0x27), b.includes(0x22));
  let out = `b${quote}`;
  for (const byte of b) {
    const ch = String.fromCharCode(byte);
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (byte === 0x09) out += "\\t";
    else if (byte < 0x20 || byte >= 0x7f) out += `\\x${hex(byte, 2)}`;
    else out += ch;
  }
  return out + quote;
}

interface Printer {
  number(v: Extract<PyValue, { type: "bool" | "int" | "float" }>): string;
  /** Orders set elements and dict entries (by their printed form) or keeps them as written. */
  sorted: boolean;
}

function print(v: PyValue, p: Printer): string {
  switch (v.type) {
    case "none":
      return "None";
    case "bool":
    case "int":
    case "float":
      return p.number(v);
    case "str":
      return pyStrRepr(v.value);
    case "bytes":
      return pyBytesRepr(v.value);
    case "list":
      return `[${v.items.map((x) => print(x, p)).join(", ")}]`;
    case "tuple":
      return v.items.length === 1 ? `(${print(v.items[0]!, p)},)` : `(${v.items.map((x) => print(x, p)).join(", ")})`;
    case "set": {
      if (v.items.length === 0) return "set()";
      const items = v.items.map((x) => print(x, p));
      return `{${(p.sorted ? items.sort() : items).join(", ")}}`;
    }
    case "dict": {
      const entries = v.entries.map(([k, x]) => [print(k, p), print(x, p)] as const);
      if (p.sorted) entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return `{${entries.map(([k, x]) => `${k}: ${x}`).join(", ")}}`;
    }
  }
}

const REPR: Printer = {
  number: (v) => (v.type === "bool" ? (v.value ? "True" : "False") : v.type === "int" ? v.value.toString() : pyFloatRepr(v.value)),
  sorted: false,
};

const CANONICAL: Printer = {
  // One spelling per numeric value, so True, 1 and 1.0 print alike; exact for huge ints and int-valued floats.
  number: (v) => {
    const n = asBigInt(v);
    return n !== undefined ? n.toString() : pyFloatRepr((v as { value: number }).value);
  },
  sorted: true,
};

/** What Python's repr() prints for the value, in the order it was written. */
export function pyRepr(v: PyValue): string {
  return print(v, REPR);
}

/** A repr that is equal for two values exactly when pyEquals(a, b): numbers unified, sets and dicts sorted. */
export function canonicalPyRepr(v: PyValue): string {
  return print(v, CANONICAL);
}

/** The Python type name, as a TypeError would say it. */
export function pyTypeName(v: PyValue): string {
  return v.type === "none" ? "NoneType" : v.type;
}

/** A JSON value as the Python value json.loads would give: arrays are lists, objects dicts with str keys. */
export function pyFromJson(v: unknown): PyValue {
  if (v === null || v === undefined) return { type: "none" };
  if (typeof v === "boolean") return { type: "bool", value: v };
  if (typeof v === "number") return Number.isInteger(v) ? { type: "int", value: BigInt(v) } : { type: "float", value: v };
  if (typeof v === "string") return { type: "str", value: v };
  if (Array.isArray(v)) return { type: "list", items: v.map(pyFromJson) };
  return { type: "dict", entries: Object.entries(v as Record<string, unknown>).map(([k, x]) => [{ type: "str", value: k }, pyFromJson(x)]) };
}
