/**
 * Escaping for the three contexts a report writes untrusted text into: HTML text/attributes,
 * JSON inside a <script> element, and GitHub-flavoured Markdown. Dataset answers and model output
 * reach all three, so nothing here may assume the text is benign.
 */

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Safe in element content and in double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON that can sit between <script type="application/json"> tags: `<`, `>` and `&` become
 * \u escapes so `</script>` or `<!--` in data can never end or confuse the element, and U+2028/2029
 * are escaped for the pre-ES2019 parsers that treat them as line terminators. JSON.parse reads it back
 * unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Text for a Markdown context (paragraph, table cell, quote). Backslash escapes stop model output
 * from becoming raw HTML (`<img src=x onerror=…>` renders on GitHub), links or images (a remote
 * image is a tracking pixel in a PR), emphasis, code spans or extra table columns. Newlines become
 * spaces because a line break would end a table row.
 */
export function escapeMarkdownInline(text: string): string {
  return text.replace(/\r\n?|\n/g, " ").replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

/** Like escapeMarkdownInline, plus the markers that only mean something at the start of a line. */
export function escapeMarkdownLine(text: string): string {
  return escapeLineStart(escapeMarkdownInline(text));
}

/** Escapes a heading, list or setext marker at the start of already-escaped Markdown. */
export function escapeLineStart(md: string): string {
  return md.replace(/^(\s*)([#+\-=])(?=[\s#+\-=]|$)/, "$1\\$2").replace(/^(\s*\d+)([.)])(?=\s|$)/, "$1\\$2");
}
