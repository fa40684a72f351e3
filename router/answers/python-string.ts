/** Python string and bytes literals: prefixes, the four quote styles, escapes as CPython reads them. */
import { PythonLiteralError } from "./python-literal-error.js";

export const STRING_START = /^([rRbBuUfF]{0,2})('''|"""|'|")/;
const SIMPLE_ESCAPES: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

function fail(message: string, at: number): never {
  throw new PythonLiteralError(message, at);
}

class StringLexer {
  constructor(
    readonly src: string,
    public pos: number,
  ) {}

  token(): { bytes: boolean; text: string; end: number } {
    const start = this.pos;
    const m = STRING_START.exec(this.src.slice(this.pos))!;
    const prefix = m[1]!.toLowerCase();
    if (!/^(?:|r|u|b|br|rb)$/.test(prefix))
      fail(prefix.includes("f") ? "f-strings are not literals" : `invalid string prefix ${JSON.stringify(m[1])}`, this.pos);
    const quote = m[2]!;
    const raw = prefix.includes("r");
    const bytes = prefix.includes("b");
    this.pos += m[0].length;
    let text = "";
    for (;;) {
      if (this.pos >= this.src.length) fail("unterminated string", start);
      if (this.src.startsWith(quote, this.pos)) {
        this.pos += quote.length;
        return { bytes, text, end: this.pos };
      }
      const ch = this.src[this.pos]!;
      if (ch === "\n" && quote.length === 1) fail("newline inside a single-quoted string", this.pos);
      if (bytes && ch.charCodeAt(0) > 0x7f) fail("bytes can only contain ASCII characters", this.pos);
      if (ch !== "\\") {
        text += ch;
        this.pos++;
      } else if (raw) {
        // In raw strings a backslash keeps the next character (a quote does not end the string).
        text += this.src.slice(this.pos, this.pos + 2);
        this.pos += 2;
      } else {
        text += this.escape(bytes);
      }
    }
  }

  escape(bytes: boolean): string {
    const at = this.pos;
    const next = this.src[this.pos + 1];
    if (next === undefined) fail("unterminated string", at);
    this.pos += 2;
    if (next === "\n") return "";
    if (next in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[next]!;
    const hexDigits = (n: number) => {
      const digits = this.src.slice(this.pos, this.pos + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) fail(`truncated \\${next} escape`, at);
      this.pos += n;
      return parseInt(digits, 16);
    };
    if (/[0-7]/.test(next)) {
      const digits = next + (/^[0-7]{0,2}/.exec(this.src.slice(this.pos))?.[0] ?? "");
      this.pos += digits.length - 1;
      const code = parseInt(digits, 8);
      if (bytes && code > 0xff) fail("octal escape out of range for bytes", at);
      return String.fromCharCode(code);
    }
    if (next === "x") return String.fromCharCode(hexDigits(2));
    if (!bytes && (next === "u" || next === "U")) {
      const cp = hexDigits(next === "u" ? 4 : 8);
      if (cp > 0x10ffff) fail("\\U escape out of range", at);
      return String.fromCodePoint(cp);
    }
    if (!bytes && next === "N") fail("\\N{...} escapes are not supported", at);
    // Python keeps unknown escapes as written (with a warning): "\d" is backslash + d.
    return `\\${next}`;
  }
}

/** Reads one string or bytes literal starting at `pos` (which must match STRING_START); `text` holds bytes as char codes 0-255. */
export function readStringToken(src: string, pos: number): { bytes: boolean; text: string; end: number } {
  return new StringLexer(src, pos).token();
}
