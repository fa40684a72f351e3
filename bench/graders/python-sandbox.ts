/**
 * Runs untrusted Python (model-written code plus unit tests) in a child process: isolated mode
 * (`-I`), a fresh temp cwd and HOME, an environment without proxies or secrets, rlimits on memory
 * and file size, its own process group (killed whole on timeout, abort or exit), and no network.
 * Where Linux allows an unprivileged network namespace (`unshare -rn`) the child has no interfaces at
 * all; everywhere, a guard inside the interpreter also refuses sockets and subprocesses, but code that
 * tries can get around that guard. The filesystem is not isolated: the code can read and write what
 * the user running tierlab can, so bench untrusted models as an unprivileged user or in a container.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TierlabError } from "../../core/errors.js";

/** What the harness reports from inside the child. */
export interface PythonOutcome {
  status: "pass" | "fail";
  kind?: "syntax" | "assertion" | "error" | "exit";
  type?: string;
  message?: string;
  line?: number;
  /** Which file the line is in: candidate.py (prompt + answer) or test.py. */
  file?: string;
}

export interface PythonRun {
  outcome: PythonOutcome | undefined;
  timedOut: boolean;
  timeoutMs: number;
  exitCode: number | null;
  stderrTail: string;
  network: "namespace" | "guard";
}

// Executes candidate.py with guards installed first; reports one marker line on the real stdout.
const HARNESS = String.raw`
import sys, json, traceback
path, marker, test_path, entry = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
out = sys.stdout
def report(**kw):
    out.write("\n" + marker + json.dumps(kw) + "\n"); out.flush()
try:
    import resource
    for lim, val in ((resource.RLIMIT_AS, 2 << 30), (resource.RLIMIT_FSIZE, 16 << 20), (resource.RLIMIT_CORE, 0)):
        try: resource.setrlimit(lim, (val, val))
        except (ValueError, OSError): pass
except ImportError:
    pass
import socket, _socket, os, subprocess, shutil
def _denied(*a, **k): raise PermissionError("disabled by the unit_tests grader (no network, no subprocesses)")
class _NoSocket(socket.socket):
    def __init__(self, *a, **k): _denied()
socket.socket = _socket.socket = socket.SocketType = _NoSocket
for mod, names in ((socket, ("create_connection", "create_server", "getaddrinfo", "gethostbyname", "socketpair", "fromfd")),
                   (os, ("system", "popen", "fork", "forkpty", "execv", "execve", "execvp", "execvpe", "spawnv", "spawnve", "kill", "killpg", "posix_spawn", "posix_spawnp", "putenv")),
                   (subprocess, ("Popen", "run", "call", "check_call", "check_output")), (shutil, ("rmtree",))):
    for n in names:
        if hasattr(mod, n): setattr(mod, n, _denied)
def load(name):
    with open(name, encoding="utf-8") as f:
        return f.read()
def fail_from(e):
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename in ("candidate.py", "test.py")]
    kind = "assertion" if isinstance(e, AssertionError) else "error"
    last = frames[-1] if frames else None
    report(status="fail", kind=kind, type=type(e).__name__, message=str(e)[:300], line=last.lineno if last else None, file=last.filename if last else None)
try:
    code = compile(load(path), "candidate.py", "exec")
    test_code = compile(load(test_path), "test.py", "exec") if test_path else None
except SyntaxError as e:
    report(status="fail", kind="syntax", type=type(e).__name__, message=str(e.msg), line=e.lineno, file=e.filename); sys.exit(0)
try:
    ns = {"__name__": "__candidate__"}
    exec(code, ns)
    if test_code is not None:
        if entry not in ns or not callable(ns[entry]):
            report(status="fail", kind="error", type="NameError", message="the answer does not define %s()" % entry); sys.exit(0)
        # The candidate keeps its own globals; the test runs on a copy, so the test's check() never
        # replaces a task function that is itself called check, while the prompt's helpers stay visible.
        candidate = ns[entry]
        tns = dict(ns)
        tns["__name__"] = "__test__"
        exec(test_code, tns)
        tns["check"](candidate)
except SystemExit as e:
    report(status="fail", kind="exit", message="the code called exit(%r) before the tests finished" % (e.code,))
except BaseException as e:
    fail_from(e)
else:
    report(status="pass")
`;

const TAIL = 64 * 1024;
let pythonPath: string | undefined;
let netnsWorks: boolean | undefined;

/** The real interpreter behind `python3` (or $TIERLAB_PYTHON), resolved once: shims cost ~100 ms a run. */
export function pythonExecutable(): string {
  if (pythonPath) return pythonPath;
  const cmd = process.env.TIERLAB_PYTHON || "python3";
  const r = spawnSync(cmd, ["-I", "-c", "import sys; print(sys.executable)"], { encoding: "utf8", timeout: 15_000 });
  const exe = r.status === 0 ? r.stdout.trim() : "";
  if (!exe) {
    throw new TierlabError({
      message: `unit_tests grader: cannot run ${cmd} (${r.error?.message || r.stderr?.trim() || `exit ${r.status}`})`,
      fix: "install Python 3 or set TIERLAB_PYTHON to its path",
    });
  }
  pythonPath = exe;
  return exe;
}

function canUseNetns(python: string): boolean {
  if (netnsWorks === undefined) {
    netnsWorks = process.platform === "linux" && spawnSync("unshare", ["-rn", python, "-I", "-c", "pass"], { stdio: "ignore", timeout: 10_000 }).status === 0;
  }
  return netnsWorks;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function appendTail(tail: string, chunk: Buffer): string {
  const s = tail + chunk.toString("utf8");
  return s.length > TAIL ? s.slice(-TAIL) : s;
}

/**
 * Runs `program`; with `test` and `entryPoint`, then runs `test` in a copy of the program's namespace
 * and calls its `check(<entryPoint>)`, so the harness's names never shadow the task's.
 */
export function runPython(args: { program: string; test?: string; entryPoint?: string; timeoutMs: number; signal?: AbortSignal }): Promise<PythonRun> {
  args.signal?.throwIfAborted();
  const python = pythonExecutable();
  const network = canUseNetns(python) ? "namespace" : "guard";
  const dir = mkdtempSync(join(tmpdir(), "tierlab-ut-"));
  const marker = `@@tierlab-${randomBytes(12).toString("hex")}@@`;
  writeFileSync(join(dir, "candidate.py"), args.program);
  writeFileSync(join(dir, "harness.py"), HARNESS);
  const withTest = args.test !== undefined && args.entryPoint !== undefined;
  if (withTest) writeFileSync(join(dir, "test.py"), args.test!);
  const argv = ["-I", join(dir, "harness.py"), join(dir, "candidate.py"), marker, withTest ? join(dir, "test.py") : "", withTest ? args.entryPoint! : ""];
  const [cmd, cmdArgs] = network === "namespace" ? ["unshare", ["-rn", python, ...argv]] : [python, argv];
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, TMPDIR: dir, LANG: "C.UTF-8" };

  return new Promise<PythonRun>((resolve, reject) => {
    const child = spawn(cmd, cmdArgs as string[], { cwd: dir, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (c: Buffer) => {
      stdout = appendTail(stdout, c);
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr = appendTail(stderr, c);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, args.timeoutMs);
    const onAbort = () => killGroup(child.pid);
    args.signal?.addEventListener("abort", onAbort, { once: true });
    // Grandchildren may outlive the child and hold the pipes open: clear the group as soon as it exits.
    child.on("exit", () => killGroup(child.pid));
    child.on("error", (err) => finish(() => reject(new TierlabError({ message: `unit_tests grader: cannot start ${cmd}: ${err.message}`, cause: err }))));
    child.on("close", (code) =>
      finish(() => {
        if (args.signal?.aborted) return reject(args.signal.reason);
        const at = stdout.lastIndexOf(marker);
        const line = at >= 0 ? stdout.slice(at + marker.length).split("\n")[0]! : "";
        let outcome: PythonOutcome | undefined;
        try {
          outcome = line ? (JSON.parse(line) as PythonOutcome) : undefined;
        } catch {
          outcome = undefined;
        }
        resolve({ outcome: timedOut ? undefined : outcome, timedOut, timeoutMs: args.timeoutMs, exitCode: code, stderrTail: stderr.slice(-2000), network });
      }),
    );
    let done = false;
    function finish(then: () => void): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      args.signal?.removeEventListener("abort", onAbort);
      killGroup(child.pid);
      rmSync(dir, { recursive: true, force: true });
      then();
    }
  });
}
