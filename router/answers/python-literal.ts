/**
 * A safe reader of Python literals: what `ast.literal_eval` accepts for CRUXEval-style outputs,
 * with no evaluation of any kind (no eval, no Function). Python semantics are kept where a value
 * could otherwise be misread: `(1,)` is a tuple and `(1)` an int, `1_000` is 1000, adjacent strings
 * concatenate, sets drop duplicates and dicts keep the last value of a repeated key.
 *
 * Decided, and documented in the tests:
 * - floats: `1.5`, `.5`, `1e3`, `1_0.5`; `1e999` is inf as in Python. The names `inf` and `nan` are not
 *   literals (Python's literal_eval rejects them too) and are parse errors.
 * - complex numbers (`1j`), f-strings, `\N{...}` escapes and `...` are parse errors.
 * - `set()` is the empty set (literal_eval accepts it since Python 3.9); `1, 2` at top level is a tuple.
 */
import { canonicalPyRepr, pyTypeName, type PyValue } from "./py-value.js";
import { PythonLiteralError } from "./python-literal-error.js";
import { readStringToken, STRING_START } from "./python-string.js";

export { canonicalPyRepr, pyEquals, pyRepr, type PyValue } from "./py-value.js";
export { PythonLiteralError } from "./python-literal-error.js";

const DIGITS = { int: /^(?:0(?:_?0)*|[1-9](?:_?\d)*)/, hex: /^0[xX](?:_?[0-9a-fA-F])+/, oct: /^0[oO](?:_?[0-7])+/, bin: /^0[bB](?:_?[01])+/ };
const FLOAT = /^(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*[eE][+-]?\d(?:_?\d)*)/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

const MAX_DEPTH = 200;

class Reader {
  pos = 0;
  depth = 0;
  constructor(readonly src: string) {}

  fail(message: string, at = this.pos): never {
    throw new PythonLiteralError(message, at);
  }

  skipSpace(): void {
    for (;;) {
      const m = /^(?:\s+|#[^\n]*)/.exec(this.src.slice(this.pos));
      if (!m) return;
      this.pos += m[0].length;
    }
  }

  peek(): string | undefined {
    this.skipSpace();
    return this.src[this.pos];
  }

  take(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.pos++;
    return true;
  }

  expect(ch: string, what: string): void {
    if (!this.take(ch))
      this.fail(this.pos >= this.src.length ? `unexpected end, expected ${what}` : `expected ${what}, found ${JSON.stringify(this.src[this.pos])}`);
  }

  /** A full literal: one value, or a bare tuple `1, 2` as Python reads it. */
  document(): PyValue {
    const first = this.value();
    let result = first;
    if (this.peek() === ",") {
      const items = [first];
      while (this.take(",")) {
        if (this.peek() === undefined) break;
        items.push(this.value());
      }
      result = { type: "tuple", items };
    }
    if (this.peek() !== undefined) this.fail(`unexpected ${JSON.stringify(this.src[this.pos])} after the value`);
    return result;
  }

  value(): PyValue {
    // Bounded, so a runaway "[[[[..." from a model is a parse error rather than a stack overflow.
    if (++this.depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    try {
      return this.scalarOrContainer();
    } finally {
      this.depth--;
    }
  }

  scalarOrContainer(): PyValue {
    const c = this.peek();
    const start = this.pos;
    if (c === undefined) this.fail("unexpected end, expected a value");
    if (c === "[") return { type: "list", items: this.items("]") };
    if (c === "(") return this.parenthesised();
    if (c === "{") return this.braced();
    if (c === "-" || c === "+") return this.signed();
    if (/[0-9.]/.test(c)) return this.number();
    if (STRING_START.test(this.src.slice(this.pos))) return this.strings();
    const name = NAME.exec(this.src.slice(this.pos))?.[0];
    if (name === "True" || name === "False") return this.advance(name, { type: "bool", value: name === "True" });
    if (name === "None") return this.advance(name, { type: "none" });
    if (name === "set") {
      this.pos += 3;
      this.expect("(", "'(' after set");
      this.expect(")", "')': only the empty set() is a literal");
      return { type: "set", items: [] };
    }
    if (name)
      this.fail(
        name === "inf" || name === "nan" ? `${name} is not a Python literal (use 1e999 for inf)` : `name ${JSON.stringify(name)} is not a literal`,
        start,
      );
    return this.fail(`unexpected ${JSON.stringify(c)}`);
  }

  advance<T>(token: string, v: T): T {
    this.pos += token.length;
    return v;
  }

  items(close: string): PyValue[] {
    this.pos++; // the opener
    const out: PyValue[] = [];
    while (!this.take(close)) {
      out.push(this.value());
      if (!this.take(",")) {
        this.expect(close, `',' or '${close}'`);
        break;
      }
    }
    return out;
  }

  parenthesised(): PyValue {
    const open = this.pos;
    this.pos++;
    if (this.take(")")) return { type: "tuple", items: [] };
    const first = this.value();
    if (this.take(")")) return first; // (1) is just 1
    this.pos = open;
    const items = this.items(")");
    return { type: "tuple", items };
  }

  braced(): PyValue {
    const open = this.pos;
    this.pos++;
    if (this.take("}")) return { type: "dict", entries: [] };
    this.value();
    const isDict = this.peek() === ":";
    this.pos = open + 1;
    const seen = new Map<string, number>();
    if (!isDict) {
      const items: PyValue[] = [];
      this.pos = open;
      for (const [at, item] of this.itemsAt("}")) {
        const key = this.hashKey(item, at, "set element");
        if (!seen.has(key)) seen.set(key, items.push(item) - 1);
      }
      return { type: "set", items };
    }
    const entries: Array<[PyValue, PyValue]> = [];
    while (!this.take("}")) {
      const at = (this.skipSpace(), this.pos);
      const k = this.value();
      this.expect(":", "':' in a dict");
      const v = this.value();
      const key = this.hashKey(k, at, "dict key");
      const i = seen.get(key);
      // Python keeps the first key object and the last value: {1: 'a', True: 'b'} == {1: 'b'}.
      if (i === undefined) seen.set(key, entries.push([k, v]) - 1);
      else entries[i] = [entries[i]![0], v];
      if (!this.take(",")) {
        this.expect("}", "',' or '}'");
        break;
      }
    }
    return { type: "dict", entries };
  }

  /** Like items(), also returning where each item starts, for error positions. */
  itemsAt(close: string): Array<[number, PyValue]> {
    this.pos++;
    const out: Array<[number, PyValue]> = [];
    while (!this.take(close)) {
      const at = (this.skipSpace(), this.pos);
      out.push([at, this.value()]);
      if (!this.take(",")) {
        this.expect(close, `',' or '${close}'`);
        break;
      }
    }
    return out;
  }

  hashKey(v: PyValue, at: number, role: string): string {
    if (!hashable(v)) this.fail(`unhashable type '${unhashableIn(v)}' as a ${role}`, at);
    return canonicalPyRepr(v);
  }

  signed(): PyValue {
    const start = this.pos;
    const negative = this.src[this.pos] === "-";
    this.pos++;
    // One sign on a number literal, as literal_eval allows: not --1, not -True.
    const c = this.peek();
    if (c === undefined || !/[0-9.]/.test(c)) this.fail("a sign must be followed by a number", start);
    const v = this.number();
    if (v.type === "int") return { type: "int", value: negative ? -v.value : v.value };
    return { type: "float", value: negative ? -(v as { value: number }).value : (v as { value: number }).value };
  }

  number(): PyValue {
    const rest = this.src.slice(this.pos);
    const start = this.pos;
    const radix = DIGITS.hex.exec(rest) ?? DIGITS.oct.exec(rest) ?? DIGITS.bin.exec(rest);
    const float = radix ? null : FLOAT.exec(rest);
    const int = radix || float ? null : DIGITS.int.exec(rest);
    const token = (radix ?? float ?? int)?.[0];
    if (token === undefined) return this.fail("malformed number");
    this.pos += token.length;
    if (int && /^\d/.test(this.src.slice(this.pos))) this.fail("leading zeros are not allowed in a Python int (use 0o for octal)", start);
    if (/^[jJ]/.test(this.src.slice(this.pos))) this.fail("complex numbers are not supported", start);
    if (/^[\w.]/.test(this.src.slice(this.pos))) this.fail("malformed number", start);
    const clean = token.replace(/_/g, "");
    if (float) return { type: "float", value: Number(clean) };
    return { type: "int", value: BigInt(clean) };
  }

  /** One or more adjacent string literals, concatenated; mixing str and bytes is an error as in Python. */
  strings(): PyValue {
    const start = this.pos;
    const parts: Array<{ bytes: boolean; text: string }> = [];
    while (this.pos < this.src.length && STRING_START.test(this.src.slice(this.pos))) {
      const token = readStringToken(this.src, this.pos);
      this.pos = token.end;
      parts.push(token);
      const save = this.pos;
      this.skipSpace();
      if (!STRING_START.test(this.src.slice(this.pos))) this.pos = save;
    }
    const isBytes = parts[0]!.bytes;
    if (parts.some((p) => p.bytes !== isBytes)) this.fail("cannot mix bytes and str literals", start);
    const text = parts.map((p) => p.text).join("");
    if (!isBytes) return { type: "str", value: text };
    return { type: "bytes", value: Uint8Array.from(text, (ch) => ch.charCodeAt(0)) };
  }
}

function hashable(v: PyValue): boolean {
  if (v.type === "list" || v.type === "dict" || v.type === "set") return false;
  return v.type !== "tuple" || v.items.every(hashable);
}

function unhashableIn(v: PyValue): string {
  if (v.type === "tuple") return unhashableIn(v.items.find((x) => !hashable(x))!);
  return pyTypeName(v);
}

/** Reads a Python literal; throws PythonLiteralError (with the position) for anything else. */
export function parsePythonLiteral(text: string): PyValue {
  return new Reader(text).document();
}

/** parsePythonLiteral without the throw, for callers that treat a bad literal as data. */
export function tryParsePythonLiteral(text: string): { ok: true; value: PyValue } | { ok: false; error: PythonLiteralError } {
  try {
    return { ok: true, value: parsePythonLiteral(text) };
  } catch (err) {
    if (err instanceof PythonLiteralError) return { ok: false, error: err };
    throw err;
  }
}
