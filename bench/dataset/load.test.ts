import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../core/errors.js";
import { datasetHash, loadDataset } from "./load.js";

const dir = mkdtempSync(join(tmpdir(), "tierlab-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(ext: string, text: string): string {
  const file = join(dir, `set-${++n}.${ext}`);
  writeFileSync(file, text);
  return file;
}

const HEADER = { format: "tierlab-dataset", version: 1, name: "t", description: "test set", source: "hand-written", license: "CC0-1.0", attribution: "" };
const item = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  action: "classify",
  input: `text ${id}`,
  expected: "auth",
  grader: "exact_label",
  ...extra,
});
const jsonl = (...lines: unknown[]) => lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n";

function loadError(file: string): ConfigError {
  try {
    loadDataset(file);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${file} to be rejected`);
}

describe("loadDataset (JSONL)", () => {
  it("loads a good file with header, items, grader objects and meta", () => {
    const file = write(
      "jsonl",
      jsonl(
        HEADER,
        item("a"),
        item("b", { grader: { id: "label_in_set" }, expected: ["x", "y"] }),
        item("c", { expected: 42, grader: { id: "numeric", tolerance: 0.5 }, meta: { oos: true } }),
      ),
    );
    const ds = loadDataset(file);
    expect(ds.format).toBe("jsonl");
    expect(ds.header.name).toBe("t");
    expect(ds.items.map((i) => i.id)).toEqual(["a", "b", "c"]);
    expect(ds.items[2]!.meta).toEqual({ oos: true });
    expect(ds.hash).toBe(datasetHash(file));
  });

  it("accepts CRLF line endings, a BOM and blank lines", () => {
    const file = write("jsonl", "\uFEFF" + jsonl(HEADER, item("a"), "", item("b")).replace(/\n/g, "\r\n"));
    expect(loadDataset(file).items).toHaveLength(2);
  });

  it("reports bad JSON with file:line", () => {
    const lines: unknown[] = [HEADER, item("a"), item("b"), item("c"), item("d"), item("e"), '{"id": "f", "action": oops}', item("g")];
    const err = loadError(write("jsonl", jsonl(...lines)));
    expect(err.message).toContain(`${err.file}:7: (root): not valid JSON`);
    expect(err.line).toBe(7);
  });

  it("names a missing field and its line", () => {
    const { expected: _drop, ...noExpected } = item("b");
    const err = loadError(write("jsonl", jsonl(HEADER, item("a"), noExpected)));
    expect(err.message).toMatch(/:3: expected: required/);
    const err2 = loadError(write("jsonl", jsonl(HEADER, { id: "x", action: "a", expected: "y", grader: "exact_label" })));
    expect(err2.message).toMatch(/:2: input: /);
  });

  it("rejects an unknown grader, naming the known ones", () => {
    const err = loadError(write("jsonl", jsonl(HEADER, item("a", { grader: "fuzzy_match" }))));
    expect(err.message).toContain(
      ':2: grader: unknown grader "fuzzy_match"; known graders: answer_literal, answer_number, exact_label, json_fields, label_in_set, numeric, regex, unit_tests',
    );
    const err2 = loadError(write("jsonl", jsonl(HEADER, item("a", { grader: { id: "nope" } }))));
    expect(err2.message).toContain("grader.id: unknown grader");
  });

  it("rejects bad grader params and an expected of the wrong shape", () => {
    const err = loadError(write("jsonl", jsonl(HEADER, item("a", { expected: 3, grader: { id: "numeric", tolerence: 1 } }))));
    expect(err.message).toMatch(/:2: grader: Unrecognized key: "tolerence"/);
    const err2 = loadError(write("jsonl", jsonl(HEADER, item("a", { expected: "many", grader: { id: "numeric" } }))));
    expect(err2.message).toMatch(/:2: expected: /);
    const err3 = loadError(write("jsonl", jsonl(HEADER, item("a", { expected: null, grader: { id: "regex", pattern: "(" } }))));
    expect(err3.message).toMatch(/grader\.pattern: not a valid regular expression/);
  });

  it("rejects duplicate ids, pointing at both lines", () => {
    const err = loadError(write("jsonl", jsonl(HEADER, item("a"), item("b"), item("a"))));
    expect(err.message).toContain(':4: id: duplicate id "a" (first on line 2)');
  });

  it("is all-or-nothing: one bad line at the end rejects the whole file, listing every problem", () => {
    const err = loadError(write("jsonl", jsonl(HEADER, item("a"), item("b", { action: "" }), item("c"), item("d", { grader: "x" }))));
    expect(err.message).toContain(":3: action:");
    expect(err.message).toContain(":5: grader: unknown grader");
  });

  it("requires the header line and a supported version", () => {
    expect(loadError(write("jsonl", jsonl(item("a")))).message).toContain(":1: format: the first line must be a header");
    expect(loadError(write("jsonl", jsonl({ ...HEADER, version: 2 }, item("a")))).message).toContain(":1: version: must be 1");
    expect(loadError(write("jsonl", "")).message).toContain("empty dataset");
    expect(loadError(write("jsonl", jsonl(HEADER))).message).toContain("no items");
  });

  it("says when the file cannot be read or is not a dataset type", () => {
    expect(() => loadDataset(join(dir, "missing.jsonl"))).toThrow(/cannot read dataset \(ENOENT\)/);
    expect(() => loadDataset(write("json", "[]"))).toThrow(/unsupported dataset type ".json"/);
  });
});

describe("loadDataset (CSV)", () => {
  it("loads rows, parsing JSON-looking cells and keeping plain text as strings", () => {
    const csv = [
      "id,action,input,expected,grader,meta",
      'c1,classify,"Fixed auth bug, again",auth,exact_label,',
      'c2,reasoning,"two\nlines",42,"{""id"":""numeric"",""tolerance"":0}","{""oos"":true}"',
      'c3,tag,note,"[""bug"",""incident""]",label_in_set,',
    ].join("\r\n");
    const ds = loadDataset(write("csv", csv));
    expect(ds.format).toBe("csv");
    expect(ds.header.name).toMatch(/^set-\d+$/);
    expect(ds.items.map((i) => [i.id, i.input, i.expected, i.grader])).toEqual([
      ["c1", "Fixed auth bug, again", "auth", "exact_label"],
      ["c2", "two\nlines", "42", { id: "numeric", tolerance: 0 }],
      ["c3", "note", ["bug", "incident"], "label_in_set"],
    ]);
    expect(ds.items[1]!.meta).toEqual({ oos: true });
  });

  it("reports the line a bad record starts on, after a multi-line cell", () => {
    const csv = ["id,action,input,expected,grader", 'a,x,"one\ntwo\nthree",auth,exact_label', "b,x,text,auth,fuzzy"].join("\n");
    expect(loadError(write("csv", csv)).message).toContain(':5: grader: unknown grader "fuzzy"');
  });

  it("requires the header row with the known columns", () => {
    expect(loadError(write("csv", "a,x,text,auth,exact_label\n")).message).toContain(":1: id, action, input, expected, grader: missing column(s)");
    expect(loadError(write("csv", "id,action,input,expected,grader,weight\na,x,t,e,exact_label,1\n")).message).toContain("weight: unknown column(s)");
  });

  it("rejects duplicate ids, broken JSON cells and broken CSV", () => {
    expect(loadError(write("csv", "id,action,input,expected,grader\na,x,t,e,exact_label\na,x,t,e,exact_label\n")).message).toContain(":3: id: duplicate id");
    expect(loadError(write("csv", 'id,action,input,expected,grader\na,x,t,e,"{bad"\n')).message).toContain(":2: grader: looks like JSON but does not parse");
    expect(loadError(write("csv", 'id,action,input,expected,grader\na,x,"open,e,exact_label\n')).message).toContain("not valid CSV");
  });
});

describe("datasetHash", () => {
  it("is the sha256 of the file's bytes", () => {
    const text = jsonl(HEADER, item("a"));
    expect(datasetHash(write("jsonl", text))).toBe(createHash("sha256").update(text).digest("hex"));
  });
});
