#!/usr/bin/env python3
"""A bounded mutational fuzz of the branchsim binary (`make fuzz`).

Seeds are the shipped scenarios (scenarios/*.bsim, and ../shared/scenarios when it is
there). Each round mutates one seed (flips and inserts bytes, control characters and
multibyte text, huge and odd numbers, deleted, duplicated and spliced lines, truncation)
and feeds the mutant to
  - `branchsim check FILE`,
  - `branchsim run FILE --runs 2 --threads 2`,
  - `branchsim` with the mutant piped into standard input (the shell's script mode; its
    `run` lines get `runs 2`, so each stays small).
A crash (killed by a signal, or an exit status other than 0, 1 or 2) or a hang (no answer
within the time limit) is a failure: the input is kept under .build/fuzz/failures/ and the
script exits 1. It stops by itself after --seconds (default 120) and prints what it ran.
The random generator is seeded (--seed), so a failing round can be run again.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TOKENS = [
    "{", "}", "(", ")", ",", "->", "%", "万", "亿", "x", "..", "=", "\"", "#", "\\",
    "1e308", "-1", "0", "99999999999999999999", "1_000", "5k", "2M", "nan", "inf", "-0",
    "\x1b]0;title\x07", "\x1b[2J", "\x00", "\x07", "\t", "\r", "\u202e", "\ufeff", "é", "𝕏",
    "tier", "campaign", "branch", "run", "report", "compare", "sweep", "expect", "export",
    "include \"/dev/zero\"", "include \"missing.bsim\"", "variant", "let", "drop", "at", "all",
    "lognormal(median 6万, p90 20万)", "pareto(min 1, alpha 0.5)", "uniform(5, 1)",
    "frequency 1 per month", "contacts all", "runs 50000", "horizon 600 months", "step day",
]


def mutate(rng, text, seeds):
    data = text
    for _ in range(rng.randint(1, 6)):
        kind = rng.randrange(9)
        if not data:
            data = rng.choice(seeds)
        pos = rng.randrange(len(data) + 1)
        if kind == 0:  # flip a character
            if data:
                i = rng.randrange(len(data))
                data = data[:i] + chr(rng.randrange(0, 0x250)) + data[i + 1:]
        elif kind == 1:  # insert a token
            data = data[:pos] + rng.choice(TOKENS) + data[pos:]
        elif kind == 2:  # delete a span
            end = min(len(data), pos + rng.randint(1, 40))
            data = data[:pos] + data[end:]
        elif kind == 3:  # duplicate a line
            lines = data.split("\n")
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            data = "\n".join(lines)
        elif kind == 4:  # splice a line from another seed
            other = rng.choice(seeds).split("\n")
            lines = data.split("\n")
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(other))
            data = "\n".join(lines)
        elif kind == 5:  # truncate
            data = data[:pos]
        elif kind == 6:  # replace a number
            nums = list(re.finditer(r"\d+(\.\d+)?", data))
            if nums:
                m = rng.choice(nums)
                data = data[:m.start()] + rng.choice(["0", "-5", "1e300", "4294967297", "0.0000001", "1" * 30]) + data[m.end():]
        elif kind == 7:  # drop a line
            lines = data.split("\n")
            del lines[rng.randrange(len(lines))]
            data = "\n".join(lines)
        else:  # random bytes, as text
            data = data[:pos] + "".join(chr(rng.randrange(0, 256)) for _ in range(rng.randint(1, 8))) + data[pos:]
    return data


def small(text):
    """Caps replications so that a mutant's runs stay quick."""
    text = re.sub(r"\bruns\s+\d[\d_]*", "runs 2", text)
    return re.sub(r"(?m)^(\s*run)\s*$", r"\1 runs 2", text)


def run(cmd, stdin_bytes, timeout, cwd):
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, input=stdin_bytes, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=timeout, cwd=cwd, env={"PATH": "/usr/bin:/bin", "HOME": cwd, "LANG": "C.UTF-8",
                                                         "XDG_STATE_HOME": cwd + "/state"})
    except subprocess.TimeoutExpired:
        return "hang", time.monotonic() - start, b""
    if p.returncode < 0 or p.returncode not in (0, 1, 2):
        return f"crash (status {p.returncode})", time.monotonic() - start, p.stderr[-2000:]
    return None, time.monotonic() - start, b""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--timeout", type=float, default=30, help="seconds before a command counts as hung")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    rng = random.Random(args.seed)

    seed_files = sorted(f"{ROOT}/scenarios/{f}" for f in os.listdir(f"{ROOT}/scenarios") if f.endswith(".bsim"))
    shared = os.path.join(os.path.dirname(ROOT), "shared", "scenarios")
    if os.path.isdir(shared):
        seed_files += sorted(f"{shared}/{f}" for f in os.listdir(shared) if f.endswith(".bsim"))
    seeds = [small(open(f, encoding="utf-8").read()) for f in seed_files]

    out_dir = os.path.join(ROOT, ".build", "fuzz", "failures")
    work = tempfile.mkdtemp(prefix="branchsim-fuzz-")
    print(f"fuzz: {len(seeds)} seeds, {args.seconds:.0f} s, seed {args.seed}, binary {binary}")
    deadline = time.monotonic() + args.seconds
    rounds = 0
    runs = 0
    failures = []
    slowest = (0.0, "")
    try:
        while time.monotonic() < deadline:
            rounds += 1
            mutant = small(mutate(rng, rng.choice(seeds), seeds))
            path = os.path.join(work, "mutant.bsim")
            data = mutant.encode("utf-8", "surrogatepass")
            with open(path, "wb") as f:
                f.write(data)
            for name, cmd, stdin in [
                ("check", [binary, "check", path], None),
                ("run", [binary, "run", path, "--runs", "2", "--threads", "2"], None),
                ("piped", [binary], data),
            ]:
                runs += 1
                problem, took, err = run(cmd, stdin, args.timeout, work)
                if took > slowest[0]:
                    slowest = (took, f"{name} in round {rounds}")
                if problem:
                    os.makedirs(out_dir, exist_ok=True)
                    keep = os.path.join(out_dir, f"round{rounds}-{name}.bsim")
                    shutil.copyfile(path, keep)
                    failures.append(f"{name}: {problem}: {keep}\n{err.decode('utf-8', 'replace')}")
                    print(f"FAIL {name}: {problem}; input kept in {keep}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"fuzz: {rounds} mutants, {runs} commands, {len(failures)} failures; slowest {slowest[0]:.2f} s ({slowest[1]})")
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
