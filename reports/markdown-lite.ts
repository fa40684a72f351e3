/**
 * The Markdown subset a markdown cell may use: headings, paragraphs, flat lists, **bold**, *italic*,
 * `code` and [links](url). It is parsed into a small tree and re-emitted by each renderer, so
 * anything outside the subset (raw HTML, images, javascript: links) can only ever come out as text.
 * Deliberately tiny: no nesting of lists, no tables, no blockquotes.
 */
import { escapeHtml, escapeLineStart, escapeMarkdownInline } from "./escape.js";

export type Inline =
  { t: "text"; v: string } | { t: "code"; v: string } | { t: "strong"; c: Inline[] } | { t: "em"; c: Inline[] } | { t: "link"; href: string; c: Inline[] };

export type Block = { t: "heading"; level: number; c: Inline[] } | { t: "para"; c: Inline[] } | { t: "list"; ordered: boolean; items: Inline[][] };

const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;

export function parseMarkdown(source: string): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;
  const flush = () => {
    if (para.length) blocks.push({ t: "para", c: parseInline(para.join(" ")) });
    if (list) blocks.push({ t: "list", ordered: list.ordered, items: list.items.map(parseInline) });
    para = [];
    list = undefined;
  };
  for (const raw of source.replace(/\r\n?/g, "\n").split("\n")) {
    const line = raw.trimEnd();
    const heading = HEADING.exec(line);
    const bullet = BULLET.exec(line);
    const numbered = bullet ? null : NUMBERED.exec(line);
    if (line.trim() === "") flush();
    else if (heading) {
      flush();
      blocks.push({ t: "heading", level: heading[1]!.length, c: parseInline(heading[2]!) });
    } else if (bullet || numbered) {
      const ordered = Boolean(numbered);
      if (para.length || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, items: [] };
      list.items.push((bullet ?? numbered)![1]!);
    } else if (list && /^\s/.test(raw)) {
      // An indented line continues the previous list item (lazy continuation).
      list.items[list.items.length - 1] += ` ${line.trim()}`;
    } else {
      if (list) flush();
      para.push(line.trim());
    }
  }
  flush();
  return blocks;
}

/** Only schemes that cannot run code; relative paths and #anchors are fine. */
export function safeHref(href: string): string | undefined {
  const h = href.trim();
  if (/^(https?:|mailto:)/i.test(h)) return h;
  if (/^[a-z][a-z0-9+.-]*:/i.test(h) || /[\s\\]/.test(h) || h.startsWith("//")) return undefined;
  return h === "" ? undefined : h;
}

function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const push = (node: Inline) => {
    if (text) out.push({ t: "text", v: text });
    text = "";
    out.push(node);
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === "\\" && i + 1 < s.length && /[!-/:-@[-`{-~]/.test(s[i + 1]!)) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (c === "`") {
      const end = s.indexOf("`", i + 1);
      if (end > i) {
        push({ t: "code", v: s.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    // Images are outside the subset (a remote image is a network load); keep only the alt text.
    const image = c === "!" && s[i + 1] === "[";
    if (c === "[" || image) {
      const open = image ? i + 1 : i;
      const close = s.indexOf("](", open + 1);
      const end = close > open ? s.indexOf(")", close + 2) : -1;
      if (close > open && end > close) {
        const inner = parseInline(s.slice(open + 1, close));
        const href = safeHref(s.slice(close + 2, end));
        if (href && !image) push({ t: "link", href, c: inner.filter((n) => n.t !== "link") });
        else for (const n of inner) push(n);
        i = end + 1;
        continue;
      }
    }
    if (s.startsWith("**", i) || s.startsWith("__", i)) {
      const end = s.indexOf(s.slice(i, i + 2), i + 2);
      if (end > i + 2) {
        push({ t: "strong", c: parseInline(s.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    }
    if ((c === "*" || c === "_") && s[i + 1] !== " " && !(c === "_" && /\w/.test(s[i - 1] ?? ""))) {
      const end = findEmClose(s, i + 1, c);
      if (end > i + 1) {
        push({ t: "em", c: parseInline(s.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    }
    text += c;
    i++;
  }
  if (text) out.push({ t: "text", v: text });
  return out;
}

// `_` inside words (snake_case identifiers are common in our reports) never closes emphasis.
function findEmClose(s: string, from: number, marker: string): number {
  for (let j = from; j < s.length; j++) {
    if (s[j] !== marker || s[j - 1] === " ") continue;
    if (marker === "_" && /\w/.test(s[j + 1] ?? "")) continue;
    if (marker === "*" && s[j + 1] === "*") {
      j++;
      continue;
    }
    return j;
  }
  return -1;
}

/** `headingOffset` pushes cell headings below the report title (# in a cell becomes <h2>). */
export function markdownToHtml(blocks: Block[], headingOffset = 1): string {
  return blocks
    .map((b) => {
      if (b.t === "heading") {
        const level = Math.min(6, b.level + headingOffset);
        return `<h${level}>${inlineHtml(b.c)}</h${level}>`;
      }
      if (b.t === "para") return `<p>${inlineHtml(b.c)}</p>`;
      const tag = b.ordered ? "ol" : "ul";
      return `<${tag}>${b.items.map((item) => `<li>${inlineHtml(item)}</li>`).join("")}</${tag}>`;
    })
    .join("\n");
}

function inlineHtml(nodes: Inline[]): string {
  return nodes
    .map((n) => {
      switch (n.t) {
        case "text":
          return escapeHtml(n.v);
        case "code":
          return `<code>${escapeHtml(n.v)}</code>`;
        case "strong":
          return `<strong>${inlineHtml(n.c)}</strong>`;
        case "em":
          return `<em>${inlineHtml(n.c)}</em>`;
        case "link":
          return `<a href="${escapeHtml(n.href)}" rel="noopener noreferrer">${inlineHtml(n.c)}</a>`;
      }
    })
    .join("");
}

export function markdownToMarkdown(blocks: Block[], headingOffset = 1): string {
  return blocks
    .map((b) => {
      if (b.t === "heading") return `${"#".repeat(Math.min(6, b.level + headingOffset))} ${inlineMd(b.c)}`;
      if (b.t === "para") return escapeLineStart(inlineMd(b.c));
      return b.items.map((item, k) => `${b.ordered ? `${k + 1}.` : "-"} ${inlineMd(item)}`).join("\n");
    })
    .join("\n\n");
}

function inlineMd(nodes: Inline[]): string {
  return nodes
    .map((n, k) => {
      switch (n.t) {
        // A trailing "!" right before a link would turn the link into an image.
        case "text":
          return nodes[k + 1]?.t === "link" ? escapeMarkdownInline(n.v).replace(/!$/, "\\!") : escapeMarkdownInline(n.v);
        case "code": {
          // The fence must be longer than any backtick run inside, padded so edge backticks survive.
          const longest = Math.max(0, ...(n.v.match(/`+/g) ?? []).map((run) => run.length));
          const fence = "`".repeat(longest + 1);
          const pad = longest > 0 ? " " : "";
          return `${fence}${pad}${n.v.replace(/\r?\n/g, " ")}${pad}${fence}`;
        }
        case "strong":
          return `**${inlineMd(n.c)}**`;
        case "em":
          return `*${inlineMd(n.c)}*`;
        case "link":
          return `[${inlineMd(n.c)}](${n.href.replace(/[()<>\s]/g, encodeURIComponent)})`;
      }
    })
    .join("");
}
