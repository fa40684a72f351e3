import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DatasetItem } from "../dataset/schema.js";
import { runPython } from "./python-sandbox.js";
import { grade } from "./registry.js";
import { assembleProgram } from "./unit-tests.js";

// HumanEval/0 (MIT, OpenAI), with a helper added before the stub to check that whole-function answers keep it.
const PROMPT = `from typing import List

def _distance(a: float, b: float) -> float:
    return abs(a - b)


def has_close_elements(numbers: List[float], threshold: float) -> bool:
    """ Check if in given list of numbers, are any two numbers closer to each other than given threshold.
    >>> has_close_elements([1.0, 2.8, 3.0, 4.0, 5.0, 2.0], 0.3)
    True
    """
`;
const CANONICAL = `    for idx, elem in enumerate(numbers):
        for idx2, elem2 in enumerate(numbers):
            if idx != idx2:
                distance = abs(elem - elem2)
                if distance < threshold:
                    return True

    return False
`;
const TEST = `

def check(candidate):
    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3) == True
    assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.05) == False
    assert candidate([1.0, 2.0, 5.9, 4.0, 5.0], 0.95) == True
`;
const problem = (timeoutMs?: number): DatasetItem => ({
  id: "he-0",
  action: "code",
  input: PROMPT,
  expected: null,
  grader: { id: "unit_tests", entry_point: "has_close_elements", test: TEST, ...(timeoutMs ? { timeout_ms: timeoutMs } : {}) },
});

const dir = mkdtempSync(join(tmpdir(), "tierlab-ut-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  // A killed orphan can linger as a zombie until init reaps it; a zombie runs nothing.
  if (existsSync(`/proc/${pid}/stat`)) return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("unit_tests grader", () => {
  it("passes the canonical body", async () => {
    expect(await grade(CANONICAL, problem())).toMatchObject({ pass: true, reason: "all tests passed (body)" });
  });

  it("passes a whole function in a markdown fence, keeping the prompt's imports and helpers", async () => {
    const answer =
      "Here is the code:\n```python\ndef has_close_elements(numbers: List[float], threshold: float) -> bool:\n    return any(_distance(a, b) < threshold for i, a in enumerate(numbers) for b in numbers[i + 1:])\n```\nDone.";
    expect(await grade(answer, problem())).toMatchObject({ pass: true, reason: "all tests passed (function)" });
  });

  it("fails a wrong solution, naming the failed assertion", async () => {
    const r = await grade("    return True\n", problem());
    expect(r.pass).toBe(false);
    expect(r.reason).toBe("assertion failed at test line 5: assert candidate([1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.05) == False");
  });

  it("reports syntax errors, exceptions and early exits", async () => {
    expect((await grade("    return (\n", problem())).reason).toMatch(/^SyntaxError at completion line 1/);
    expect((await grade("    return nope\n", problem())).reason).toMatch(/^NameError at completion line 1: name 'nope' is not defined/);
    expect((await grade("    raise SystemExit(0)\n", problem())).reason).toContain("called exit(0)");
    expect((await grade("    import os; os._exit(0)\n", problem())).reason).toMatch(/^no test result/);
  });

  it("kills an infinite loop at the timeout, process group and all", async () => {
    const pidFile = join(dir, "loop.pid");
    const body = `    import os\n    open(${JSON.stringify(pidFile)}, "w").write(str(os.getpid()))\n    while True:\n        pass\n`;
    const started = Date.now();
    const r = await grade(body, problem(1500));
    expect(r).toMatchObject({ pass: false, reason: "timeout after 1500 ms (process group killed)" });
    expect(Date.now() - started).toBeLessThan(8000);
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  });

  it("kills forked grandchildren too (posix.fork gets past the in-process guard)", async () => {
    const parentFile = join(dir, "parent.pid");
    const childFile = join(dir, "grandchild.pid");
    const body = `    import os, posix, time
    if posix.fork() == 0:
        open(${JSON.stringify(childFile)}, "w").write(str(os.getpid()))
        while True:
            pass
    open(${JSON.stringify(parentFile)}, "w").write(str(os.getpid()))
    while True:
        pass
`;
    expect((await grade(body, problem(1500))).reason).toContain("timeout");
    const pids = [parentFile, childFile].map((f) => Number(readFileSync(f, "utf8")));
    await new Promise((r) => setTimeout(r, 200));
    expect(pids.filter(alive)).toEqual([]);
  });

  it("stops when the caller aborts", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("stop")), 300);
    await expect(grade("    while True: pass\n", problem(20_000), { signal: ac.signal })).rejects.toThrow("stop");
  });

  it("runs in a temp cwd without the parent's proxies or secrets", async () => {
    process.env.HTTPS_PROXY = "http://127.0.0.1:9";
    process.env.TIERLAB_TEST_SECRET = "s3cret";
    try {
      const body = `    import os\n    assert not any(k.lower().endswith("_proxy") for k in os.environ), "proxy leaked"\n    assert "TIERLAB_TEST_SECRET" not in os.environ, "secret leaked"\n    assert os.path.basename(os.getcwd()).startswith("tierlab-ut-"), os.getcwd()\n${CANONICAL}`;
      expect(await grade(body, problem())).toMatchObject({ pass: true });
    } finally {
      delete process.env.HTTPS_PROXY;
      delete process.env.TIERLAB_TEST_SECRET;
    }
  });
});

describe("network containment", () => {
  let server: Server;
  let port = 0;
  let connections = 0;
  const listening = new Promise<void>((resolve) => {
    server = createServer((s) => {
      connections++;
      s.destroy();
    }).listen(0, "127.0.0.1", () => {
      port = (server.address() as { port: number }).port;
      resolve();
    });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("a completion that opens a socket fails and reaches nothing", async () => {
    await listening;
    const body = `    import socket\n    socket.create_connection(("127.0.0.1", ${port}), timeout=2).sendall(b"hi")\n${CANONICAL}`;
    const r = await grade(body, problem());
    expect(r.pass).toBe(false);
    expect(r.reason).toMatch(/PermissionError|OSError/);
    expect(connections).toBe(0);
  });

  it("in a network namespace, even a guard bypass reaches nothing", async () => {
    await listening;
    // The in-process guard is not a boundary: the original socket type is still in the MRO.
    const program = `import socket\nraw = socket.socket.__mro__[-2]\ns = raw(socket.AF_INET, socket.SOCK_STREAM)\ns.settimeout(2)\ns.connect(("127.0.0.1", ${port}))\n`;
    const run = await runPython({ program, timeoutMs: 10_000 });
    if (run.network === "guard") return; // no unprivileged namespaces here: only the guard applies
    expect(run.outcome).toMatchObject({ status: "fail", kind: "error" });
    expect(connections).toBe(0);
  });
});

describe("assembleProgram", () => {
  it("maps lines to sections; the test is kept apart from the candidate", () => {
    const p = assembleProgram({ prompt: "def f():\n", completion: "    return 1\n", test: "def check(c):\n    assert c() == 1", entryPoint: "f" });
    expect(p.mode).toBe("body");
    expect(p.source).toBe("def f():\n    return 1\n\n");
    expect(p.test).toBe("def check(c):\n    assert c() == 1\n");
    expect(p.sections.map((s) => [s.name, s.firstLine])).toEqual([
      ["prompt", 1],
      ["completion", 2],
    ]);
  });
});

describe("harness names stay out of the task's way", () => {
  // An MBPP-style task whose own function is called `check`: the test's check(candidate) used to replace it.
  const task = (completion: string, extra: Partial<DatasetItem> = {}): [string, DatasetItem] => [
    completion,
    {
      id: "mbpp-check",
      action: "code",
      expected: null,
      input: 'def check(n):\n    """Return True if n is even."""\n',
      grader: { id: "unit_tests", entry_point: "check", test: "def check(candidate):\n    assert candidate(2) is True\n    assert candidate(3) is False\n" },
      ...extra,
    },
  ];

  it("a task function named check passes its own tests", async () => {
    expect(await grade(...task("    return n % 2 == 0\n"))).toMatchObject({ pass: true, reason: "all tests passed (body)" });
    expect(await grade(...task("def check(n):\n    return n % 2 == 0\n"))).toMatchObject({ pass: true, reason: "all tests passed (function)" });
  });

  it("a task that calls itself recursively under the name check still reaches its own function", async () => {
    expect(await grade(...task("    return True if n == 0 else (False if n == 1 else check(n - 2))\n"))).toMatchObject({ pass: true });
  });

  it("the test still sees the prompt's helpers (HumanEval/32 uses poly from the prompt)", async () => {
    const item: DatasetItem = {
      id: "he-helper",
      action: "code",
      expected: null,
      input: 'def poly(x):\n    return 2 * x\n\n\ndef zero():\n    """Root of poly."""\n',
      grader: { id: "unit_tests", entry_point: "zero", test: "def check(candidate):\n    assert poly(candidate()) == 0\n" },
    };
    expect(await grade("    return 0\n", item)).toMatchObject({ pass: true });
  });

  it("an answer with no code says so instead of blaming the prompt", async () => {
    for (const answer of ["", "   \n", "```python\n```", "    # TODO\n"]) {
      expect(await grade(...task(answer))).toMatchObject({ pass: false, reason: "no code in the answer", score: 0 });
    }
    // Prose that is not Python is the answer's own syntax error, reported on the answer's line.
    expect((await grade(...task("I cannot help with that."))).reason).toMatch(/^SyntaxError at completion line 1/);
  });
});
