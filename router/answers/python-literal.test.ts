import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describePyDifference } from "./py-diff.js";
import { pyFloatRepr, type PyValue } from "./py-value.js";
import { canonicalPyRepr, parsePythonLiteral, pyEquals, pyRepr, PythonLiteralError, tryParsePythonLiteral } from "./python-literal.js";

const py = parsePythonLiteral;
const int = (n: number | bigint): PyValue => ({ type: "int", value: BigInt(n) });
const str = (value: string): PyValue => ({ type: "str", value });

describe("parsePythonLiteral: what it reads", () => {
  // [input, what Python's repr() prints for ast.literal_eval(input)], each checked against CPython 3.11 by hand.
  it.each([
    ["0", "0"],
    ["-7", "-7"],
    ["+3", "3"],
    ["1_000_000", "1000000"],
    ["0x1F", "31"],
    ["0o17", "15"],
    ["0b101", "5"],
    ["00", "0"],
    ["123456789012345678901234567890", "123456789012345678901234567890"],
    ["1.5", "1.5"],
    [".5", "0.5"],
    ["5.", "5.0"],
    ["1e3", "1000.0"],
    ["1E-7", "1e-07"],
    ["-2.50", "-2.5"],
    ["1_0.5", "10.5"],
    ["1e16", "1e+16"],
    ["1e999", "inf"],
    ["-1e999", "-inf"],
    ["0.1", "0.1"],
    ["1e-05", "1e-05"],
    ["0.0001", "0.0001"],
    ["-0.0", "-0.0"],
    ["True", "True"],
    ["False", "False"],
    ["None", "None"],
    ["'a'", "'a'"],
    ['"a"', "'a'"],
    ["'it\\'s'", `"it's"`],
    [`"it's"`, `"it's"`],
    [`'say "hi"'`, `'say "hi"'`],
    [`'both \\' and "'`, `'both \\' and "'`],
    ["'tab\\there'", "'tab\\there'"],
    ["'\\x41\\101\\u00e9\\U0001F600'", "'AAé😀'"],
    ["'\\d'", "'\\\\d'"],
    ["r'\\d\\n'", "'\\\\d\\\\n'"],
    ["'''tri'ple'''", `"tri'ple"`],
    ['"""a\nb"""', "'a\\nb'"],
    ["'a' 'b' \"c\"", "'abc'"],
    ["u'x'", "'x'"],
    ["'\\x00\\x7f'", "'\\x00\\x7f'"],
    ["'é'", "'é'"],
    ["b'ab\\x00'", "b'ab\\x00'"],
    ['b"it\'s"', `b"it's"`],
    ["rb'\\x'", "b'\\\\x'"],
    ["b'\\xff'", "b'\\xff'"],
    ["[]", "[]"],
    ["[1, 'a', None]", "[1, 'a', None]"],
    ["[1, 2,]", "[1, 2]"],
    ["()", "()"],
    ["(1,)", "(1,)"],
    ["(1)", "1"],
    ["(1, 2)", "(1, 2)"],
    ["((1))", "1"],
    ["((1,),)", "((1,),)"],
    ["1, 2", "(1, 2)"],
    ["1,", "(1,)"],
    ["{}", "{}"],
    ["{'a': 1, 'b': [2, (3,)]}", "{'a': 1, 'b': [2, (3,)]}"],
    ["{1: 'a', True: 'b', 1.0: 'c'}", "{1: 'c'}"],
    ["{3, 1, 2}", "{3, 1, 2}"],
    ["{1, True, 1.0, 2}", "{1, 2}"],
    ["set()", "set()"],
    ["{(1, 2): [3]}", "{(1, 2): [3]}"],
    ["  [ 1 ,\n  2 ]  ", "[1, 2]"],
    ["[1, # one\n 2]", "[1, 2]"],
  ])("%s → %s", (input, repr) => {
    expect(pyRepr(py(input))).toBe(repr);
  });

  it("keeps Python's types: ints are bigints, tuples are not lists, bytes are bytes", () => {
    expect(py("10000000000000000000001")).toEqual(int(10000000000000000000001n));
    expect(py("(1,)")).toEqual({ type: "tuple", items: [int(1)] });
    expect(py("[1]")).toEqual({ type: "list", items: [int(1)] });
    expect(py("b'a'")).toEqual({ type: "bytes", value: new Uint8Array([97]) });
    expect(py("1.0")).toEqual({ type: "float", value: 1 });
  });
});

describe("parsePythonLiteral: what it refuses, and where", () => {
  it.each([
    ["", 0, "unexpected end"],
    ["[1, 2", 5, "expected ',' or ']'"],
    ["[1,,2]", 3, 'unexpected ","'],
    ["'abc", 0, "unterminated string"],
    ["abc", 0, 'name "abc" is not a literal'],
    ["inf", 0, "inf is not a Python literal"],
    ["nan", 0, "nan is not a Python literal"],
    ["1j", 0, "complex numbers are not supported"],
    ["012", 0, "leading zeros"],
    ["1.2.3", 0, "malformed number"],
    ["1e", 0, "malformed number"],
    ["--1", 0, "a sign must be followed by a number"],
    ["-True", 0, "a sign must be followed by a number"],
    ["f'x'", 0, "f-strings are not literals"],
    ["'a\nb'", 2, "newline inside a single-quoted string"],
    ["b'é'", 2, "bytes can only contain ASCII"],
    ["'a' b'b'", 0, "cannot mix bytes and str"],
    ["'\\N{DASH}'", 1, "\\N{...} escapes are not supported"],
    ["'\\x4'", 1, "truncated \\x escape"],
    ["{[1]: 2}", 1, "unhashable type 'list' as a dict key"],
    ["{1, {2}}", 4, "unhashable type 'set' as a set element"],
    ["{(1, [2]): 3}", 1, "unhashable type 'list'"],
    ["[1] [2]", 4, "after the value"],
    ["f(1)", 0, 'name "f" is not a literal'],
    ["1 + 2", 2, "after the value"],
    ["set([1])", 4, "only the empty set()"],
    ["{'a': 1 'b': 2}", 8, "expected ',' or '}'"],
    ["{1: 2, 3}", 8, "expected ':' in a dict"],
  ])("%j fails at %i: %s", (input, position, message) => {
    const r = tryParsePythonLiteral(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(PythonLiteralError);
    expect(r.error.position).toBe(position);
    expect(r.error.message).toContain(message);
    expect(r.error.message).toContain(`at position ${position}`);
  });

  it("refuses runaway nesting instead of overflowing the stack", () => {
    expect(pyRepr(py(`${"[".repeat(200)}${"]".repeat(200)}`))).toHaveLength(400);
    expect(tryParsePythonLiteral(`${"[".repeat(5000)}1`)).toMatchObject({
      ok: false,
      error: { position: 200, message: expect.stringContaining("nested deeper than 200 levels") },
    });
  });

  it("never evaluates: a payload is just a name it refuses", () => {
    expect(() => py("__import__('os').system('true')")).toThrow(PythonLiteralError);
    expect(() => py("globalThis.process.exit(1)")).toThrow(/not a literal/);
  });
});

describe("pyEquals: Python's ==", () => {
  it.each([
    ["1", "1.0", true],
    ["1", "True", true],
    ["0", "False", true],
    ["0.0", "-0.0", true],
    ["2", "2.5", false],
    ["1e999", "1e999", true],
    ["9007199254740993", "9007199254740992.0", false],
    ["9007199254740992", "9007199254740992.0", true],
    ["10**0", "1", null],
    ["'a'", '"a"', true],
    ["'a'", "b'a'", false],
    ["'1'", "1", false],
    ["None", "0", false],
    ["None", "None", true],
    ["''", "None", false],
    ["[1, 2]", "(1, 2)", false],
    ["[1, 2]", "[1, 2.0]", true],
    ["[1, 2]", "[2, 1]", false],
    ["(1,)", "(1)", false],
    ["()", "[]", false],
    ["{1, 2}", "{2, 1}", true],
    ["{1, 2}", "{1, 2, 3}", false],
    ["set()", "{}", false],
    ["{'a': 1, 'b': 2}", "{'b': 2, 'a': 1}", true],
    ["{1: 'x'}", "{True: 'x'}", true],
    ["{1: 'x'}", "{1: 'y'}", false],
    ["{'a': [1, {2, 3}]}", "{'a': [1.0, {3, 2}]}", true],
    ["[[1, (2, 3)], {'k': None}]", "[[1, (2, 3)], {'k': None}]", true],
    ["[[1, (2, 3)]]", "[[1, [2, 3]]]", false],
  ])("%s == %s is %s", (a, b, want) => {
    if (want === null) {
      expect(tryParsePythonLiteral(a).ok).toBe(false); // 10**0 is an expression, not a literal
      return;
    }
    expect(pyEquals(py(a), py(b))).toBe(want);
    expect(pyEquals(py(b), py(a))).toBe(want);
    expect(canonicalPyRepr(py(a)) === canonicalPyRepr(py(b))).toBe(want);
  });
});

describe("pyRepr and canonicalPyRepr", () => {
  it("canonical unifies numbers and orders sets and dicts; repr keeps what was written", () => {
    const v = py("{'b': {2, 1}, 'a': (True, 1.0)}");
    expect(pyRepr(v)).toBe("{'b': {2, 1}, 'a': (True, 1.0)}");
    expect(canonicalPyRepr(v)).toBe("{'a': (1, 1), 'b': {1, 2}}");
  });

  it("prints floats as Python does", () => {
    expect([1.0, 0.5, 1e16, 1.5e-7, 123456.789, 1e22, 0.0001, 5e-324, -1e-5].map(pyFloatRepr)).toEqual([
      "1.0",
      "0.5",
      "1e+16",
      "1.5e-07",
      "123456.789",
      "1e+22",
      "0.0001",
      "5e-324",
      "-1e-05",
    ]);
  });

  // Property: the canonical text is a faithful key for pyEquals on random nested values.
  const leaf = fc.oneof(
    fc.boolean().map((value): PyValue => ({ type: "bool", value })),
    fc.integer({ min: -3, max: 3 }).map((n) => int(n)),
    fc.constantFrom(-1, 0, 0.5, 1, 2, 2.5).map((value): PyValue => ({ type: "float", value })),
    fc.constantFrom("", "a", "b", "'", '"').map(str),
    fc.constant<PyValue>({ type: "none" }),
  );
  const hashable = fc.oneof(
    leaf,
    fc.array(leaf, { maxLength: 2 }).map((items): PyValue => ({ type: "tuple", items })),
  );
  const value: fc.Arbitrary<PyValue> = fc.letrec<{ v: PyValue }>((tie) => ({
    v: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("v"), { maxLength: 3 }).map((items): PyValue => ({ type: "list", items })),
      fc.array(tie("v"), { maxLength: 3 }).map((items): PyValue => ({ type: "tuple", items })),
      fc.array(hashable, { maxLength: 3 }).map((items) => py(items.length ? `{${items.map(pyRepr).join(", ")}}` : "set()")),
      fc.array(fc.tuple(hashable, tie("v")), { maxLength: 3 }).map((entries) => py(`{${entries.map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(", ")}}`)),
    ),
  })).v;

  it("canonicalPyRepr(a) === canonicalPyRepr(b) exactly when pyEquals(a, b)", () => {
    fc.assert(
      fc.property(value, value, (a, b) => pyEquals(a, b) === (canonicalPyRepr(a) === canonicalPyRepr(b))),
      { numRuns: 1500 },
    );
  });

  it("pyRepr round-trips through the parser", () => {
    fc.assert(
      fc.property(value, (v) => pyEquals(py(pyRepr(v)), v) && pyRepr(py(pyRepr(v))) === pyRepr(v)),
      { numRuns: 1000 },
    );
  });
});

describe("describePyDifference", () => {
  it.each([
    ["[1, 2]", "(1, 2)", "list vs tuple"],
    ["'1'", "1", "str vs int"],
    ["[1, 2, 3]", "[1, 2]", "3 items vs 2"],
    ["[1, [2, 3]]", "[1, [2, 4]]", "item [1]: [2, 3] != [2, 4] (item [1]: 3 != 4)"],
    ["{1, 2}", "{2, 3}", "missing 3; extra 1"],
    ["{'a': 1}", "{'b': 1}", "missing key 'b'; extra key 'a'"],
    ["{'a': 1}", "{'a': 2}", "value of 'a': 1 != 2"],
    ["'x'", "'y'", undefined],
    ["1", "1.0", undefined],
  ])("%s vs %s: %s", (a, b, why) => {
    expect(describePyDifference(py(a), py(b))).toBe(why);
  });
});
