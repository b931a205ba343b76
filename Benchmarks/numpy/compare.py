#!/usr/bin/env python3
"""Time BranchSim against the numpy model of potential-upgrade.bsim, and check they agree.

    python3 compare.py --branchsim /work/main/.build/release/branchsim --rounds 10

Each round, in alternating order (even rounds BranchSim first, odd rounds numpy first):
  (a) `BRANCHSIM run SCENARIO --threads 1 --format json --runs R` as a child process
      (stdout to a temporary file, stderr discarded); ms/rep = wall time / R, start-up,
      checking and the report included: how `branchsim bench` defines "ms/rep 1t";
  (b) the numpy model (potential_upgrade.py) in this process for R' replications, one
      thread; ms/rep = wall time of the replication loop / R'. Each round takes the next R'
      replications (seeds seed+0.., seed+R'.., ...), so the statistics pool all rounds.
Prints every round, the medians, the median of the per-round ratios numpy/BranchSim, and
the two models' statistics side by side with their difference in standard errors.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import datetime
import json
import math
import platform
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402

import potential_upgrade as pu  # noqa: E402

# The acceptance scenario the model mirrors: ../shared/scenarios beside the repository (the
# issue's reference), else a path given with --scenario.
_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIO = os.path.join(os.path.dirname(_REPO), "shared", "scenarios", "potential-upgrade.bsim")
TARGET_RATIO = 30.0

# numpy metric -> BranchSim metric path in the JSON report.
PAIRS = [
    ("uplift", "uplift"),
    ("upgrades", "upgrades"),
    ("conversions", "conversions"),
    ("contacts", "funnel.upgrade_meeting.contacts"),
    ("reach", "funnel.upgrade_meeting.reach"),
    ("accept", "funnel.upgrade_meeting.accept"),
    ("attend", "funnel.upgrade_meeting.attend"),
    ("turned_away", "turned_away"),
    ("downgrades", "downgrades"),
    ("wm_hours", "staffing.wealth_manager.hours"),
    ("wm_fte", "staffing.wealth_manager.fte"),
    ("wm_peak_fte", "staffing.wealth_manager.peak_fte"),
    ("cm_managed_fte", "staffing.customer_manager.managed_fte"),
    ("cost", "cost"),
    ("aum.start", "aum.start"),
]


def run_branchsim(exe, scenario, runs):
    """Wall seconds of one `branchsim run` child process, and its parsed JSON report."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.run([exe, "run", scenario, "--threads", "1", "--format", "json",
                               "--runs", str(runs)], stdout=out, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        if proc.returncode > 1:          # 0: ran; 1: ran, an expectation failed
            sys.exit(f"branchsim exited with {proc.returncode}; run it by hand to see why")
        out.seek(0)
        return seconds, json.load(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--branchsim", required=True, help="a release branchsim binary")
    ap.add_argument("--rounds", type=int, default=10, help="alternating rounds (default 10)")
    ap.add_argument("--runs", type=int, default=2000, help="BranchSim replications a round (default 2000, the scenario's)")
    ap.add_argument("--numpy-runs", type=int, default=100, help="numpy replications a round (default 100)")
    ap.add_argument("--scenario", default=SCENARIO)
    ap.add_argument("--seed", type=int, default=pu.SEED, help="numpy: replication i uses default_rng(seed + i)")
    a = ap.parse_args()
    for path, what in ((a.scenario, "the scenario (the shared potential-upgrade.bsim the model mirrors; pass --scenario PATH)"),
                       (a.branchsim, "the branchsim binary (build it: make release)")):
        if not os.path.exists(path):
            sys.exit(f"compare.py: {path} not found: {what}")

    print(f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}  {platform.node()}  "
          f"{os.cpu_count()} cores  load {' '.join(f'{x:.2f}' for x in os.getloadavg())}  "
          f"python {platform.python_version()}  numpy {np.__version__}")
    print(f"BranchSim: {a.branchsim} run {os.path.basename(a.scenario)} --threads 1 --runs {a.runs} "
          f"(child process, wall time / runs)")
    print(f"numpy:     potential_upgrade.py, {a.numpy_runs} replications a round in-process, 1 thread "
          f"(replication loop wall time / runs)")
    pu.replicate(np.random.default_rng(0))          # warm-up, not timed, not counted

    rows, numpy_values, reports = [], [], []
    print(f"\n{'round':>5}  {'first':<9}  {'branchsim s':>11}  {'branchsim ms/rep':>16}  "
          f"{'numpy s':>8}  {'numpy ms/rep':>12}  {'ratio':>7}")
    for r in range(a.rounds):
        def do_branchsim():
            return run_branchsim(a.branchsim, a.scenario, a.runs)

        def do_numpy():
            return pu.run(a.numpy_runs, a.seed, first_rep=r * a.numpy_runs)

        if r % 2 == 0:
            (bs_s, report), (values, np_s) = do_branchsim(), do_numpy()
        else:
            (values, np_s), (bs_s, report) = do_numpy(), do_branchsim()
        bs_ms, np_ms = 1000 * bs_s / a.runs, 1000 * np_s / a.numpy_runs
        rows.append((bs_ms, np_ms, np_ms / bs_ms))
        numpy_values.append(values)
        reports.append(report)
        print(f"{r + 1:>5}  {'branchsim' if r % 2 == 0 else 'numpy':<9}  {bs_s:>11.3f}  {bs_ms:>16.3f}  "
              f"{np_s:>8.3f}  {np_ms:>12.3f}  {np_ms / bs_ms:>6.1f}x")

    med_bs = statistics.median(x[0] for x in rows)
    med_np = statistics.median(x[1] for x in rows)
    med_ratio = statistics.median(x[2] for x in rows)
    print(f"\nmedian over {a.rounds} rounds: branchsim {med_bs:.3f} ms/rep, numpy {med_np:.3f} ms/rep")
    print(f"median of per-round ratios numpy/branchsim: {med_ratio:.1f}x "
          f"(ratio of medians {med_np / med_bs:.1f}x; range {min(x[2] for x in rows):.1f}x .. "
          f"{max(x[2] for x in rows):.1f}x); target >= {TARGET_RATIO:.0f}x: "
          f"{'met' if med_ratio >= TARGET_RATIO else 'NOT met'}")

    # Statistics: BranchSim's replications are the same every round (seeded by replication
    # index), numpy's are new each round and pooled.
    bs = reports[-1]["runs"][0]
    identical = all(rep["runs"][0]["metrics"]["uplift"]["mean"] == bs["metrics"]["uplift"]["mean"]
                    for rep in reports)
    values = np.concatenate(numpy_values)
    print(f"\nstatistics: branchsim {bs['replications']} replications (seed {bs['seed']}"
          f"{', identical in every round' if identical else ', NOT identical across rounds!'}), "
          f"numpy {len(values)} replications (PCG64, seeds {a.seed}+0..{len(values) - 1}); "
          "z = difference / sqrt(se_b^2 + se_n^2)")
    print(f"{'metric':<15} {'branchsim mean':>16} {'(se)':>12} {'numpy mean':>16} {'(se)':>12} "
          f"{'numpy-bs':>13} {'z':>6}")
    worst = 0.0
    for name, path in PAIRS:
        m = bs["metrics"][path]
        b_mean, b_se = m["mean"], m["sd"] / math.sqrt(m["n"])
        s = pu.summary(values[:, pu.METRICS.index(name)])
        diff = s["mean"] - b_mean
        se = math.hypot(b_se, s["se"])
        if se > 0:
            z = f"{diff / se:+6.2f}"
            if name != "aum.start":
                worst = max(worst, abs(diff / se))
        else:
            z = "exact" if diff == 0 else "DIFF"
        note = "  (Pareto top tier: infinite variance, se unreliable)" if name == "aum.start" else ""
        print(f"{name:<15} {b_mean:>16,.3f} {b_se:>12,.3f} {s['mean']:>16,.3f} {s['se']:>12,.3f} "
              f"{diff:>+13,.3f} {z:>6}{note}")
    bu = bs["metrics"]["uplift"]
    nu = pu.summary(values[:, pu.METRICS.index("uplift")])
    zu = (nu["mean"] - bu["mean"]) / math.hypot(bu["sd"] / math.sqrt(bu["n"]), nu["se"])
    print(f"\nuplift mean: branchsim {bu['mean']:,.0f} (95% CI {bu['ci_low']:,.0f} .. {bu['ci_high']:,.0f}), "
          f"numpy {nu['mean']:,.0f} (95% CI {nu['ci_low']:,.0f} .. {nu['ci_high']:,.0f}); "
          f"difference {nu['mean'] - bu['mean']:+,.0f} = {zu:+.2f} standard errors "
          f"({100 * (nu['mean'] / bu['mean'] - 1):+.2f}%)")
    print(f"largest |z| over the other metrics (aum.start excluded): {worst:.2f} -> "
          + ("agree within Monte Carlo error" if worst < 3 and abs(zu) < 3 else "DISAGREE: look for a semantic difference"))


if __name__ == "__main__":
    main()
