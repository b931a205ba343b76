#!/usr/bin/env python3
"""potential-upgrade.bsim as an analyst would write it in a numpy notebook.

A vectorised numpy model of /work/shared/scenarios/potential-upgrade.bsim (one branch of
20,000 customers, two upgrade meetings a week for the potential tier, 52 weekly steps),
following BranchSim's semantics (docs/model.md, /work/shared/spec/MODEL.md). Arrays hold the
whole branch; Python loops run over weeks and meetings only, never over customers. Each
replication has its own generator, np.random.default_rng(seed + rep) (PCG64), so it is a
different random stream from BranchSim's keyed draws: the two agree in distribution only.

    python3 potential_upgrade.py [--runs 1000] [--seed 20190201] [--first-rep 0]

prints the mean uplift with its 95% CI, mean upgrades and conversions and the other
metrics, and the wall time per replication of the replication loop on one thread.
compare.py (same folder) times it against `branchsim run` and checks the statistics.
"""
import os

# One thread, set before numpy is imported (numpy reads these once, at import).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import math
import time

import numpy as np

# ---------------------------------------------------------------------------------------
# The scenario, line by line (万 = 10,000 yuan)
# ---------------------------------------------------------------------------------------
WAN = 10_000.0
SEED = 20190201                       # seed 20190201
WEEKS = 52                            # horizon 12 months, step week: 12 x 455 / 105 = 52 steps
N_CUSTOMERS = 20_000                  # branch downtown { customers 20000 }
OFFBANK_MULTIPLE = 1.0                # offbank 1.0x

TIERS = ("longtail", "potential", "midhigh", "private")
LONGTAIL, POTENTIAL, MIDHIGH, PRIVATE = range(4)
TIER_LOW = np.array([0.0, 5 * WAN, 20 * WAN, 600 * WAN])     # ranges of points, [low, high)
TIER_HIGH = np.array([5 * WAN, 20 * WAN, 600 * WAN, np.inf])
TIER_SHARE = np.array([91.0, 6.0, 2.5, 0.5])                  # percent
TIER_REACHABLE = np.array([0.60, 0.75, 0.90, 0.98])
MANAGED_FROM = MIDHIGH                # midhigh and private: managed by customer_manager
CUSTOMER_MANAGER_CAPACITY = 600                               # capacity 600 customers

PRODUCTS = ("deposit", "wealth", "fund")   # the non-flat products the scenario uses
POINTS_PER_YUAN = np.array([1.0, 1.0, 1.2])  # product deposit/wealth/fund points 1.0/1.0/1.2
# (insurance 1.5 and card 5000 flat exist but nobody holds or buys them here.)
HOLDS = np.array([1.0, 0.0, 0.0])          # no `holds`: starting balances all in deposit
BUYS = np.array([0.50, 0.30, 0.20])        # buys deposit 50%, wealth 30%, fund 20%

MEETINGS_PER_WEEK = 2                      # frequency 2 per week
CONTACTS = 40                              # contacts 40
COOLDOWN_WEEKS = 8                         # cooldown 8 weeks
P_REACH, P_ACCEPT, P_ATTEND, P_CONVERT = 1.00, 0.45, 0.70, 0.40   # funnel
CAPACITY_AT_ATTEND = 20                    # capacity 20 at attend
AMOUNT_MEDIAN, AMOUNT_P90 = 6 * WAN, 20 * WAN          # lognormal(median 6万, p90 20万)
AMOUNT_SIGMA = math.log(AMOUNT_P90 / AMOUNT_MEDIAN) / 1.2815515655446004  # z of the 90th pct
# effort (hours): occurrence wealth_manager 1 x 60 min, lobby_manager 1 x 60 min;
# contact wealth_manager 6 min; conversion wealth_manager 30 min.
WM_HOURS_PER_MEETING, WM_HOURS_PER_CONTACT, WM_HOURS_PER_CONVERSION = 1.0, 0.1, 0.5
LM_HOURS_PER_MEETING = 1.0
ROLE_HOURS_PER_WEEK = 40.0                 # one FTE of every role: 40 hours per week
COST_PER_MEETING = 1500.0                  # cost 1500 per occurrence

METRICS = ("aum.start", "aum.end", "uplift", "upgrades", "downgrades", "conversions",
           "contacts", "reach", "accept", "attend", "turned_away", "wm_hours", "wm_fte",
           "wm_peak_fte", "cm_managed_fte", "cost")


def tier_counts(n, shares):
    """Largest remainder (Hamilton) of n x share / sum(shares); ties to the lower tier."""
    exact = n * shares / shares.sum()
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")     # stable: ties to the lower tier
    counts[order[: n - counts.sum()]] += 1
    return counts


COUNTS = tier_counts(N_CUSTOMERS, TIER_SHARE)               # 18200 / 1200 / 500 / 100
START_TIER = np.repeat(np.arange(len(TIERS)), COUNTS)
K_HOLDS = float(HOLDS @ POINTS_PER_YUAN)     # points per yuan of the starting holdings: 1.0
BUY_POINTS = float(BUYS @ POINTS_PER_YUAN)   # points per yuan a meeting brings in: 1.04


def starting_balances(rng):
    """The default law of docs/model.md: log-uniform over the tier's range, the bottom tier
    from 1,000, the open top tier Pareto(alpha 1.5) from its low bound; clipped to the
    tier's range in yuan, [low/k, high/k x (1 - 1e-12))."""
    parts = []
    for t, n in enumerate(COUNTS):
        low, high = TIER_LOW[t] / K_HOLDS, TIER_HIGH[t] / K_HOLDS
        if np.isinf(high):
            u = 1.0 - rng.random(n)                                   # U in (0, 1]
            x = max(low, 1000.0) * u ** (-1.0 / 1.5)
        else:
            lo = max(low, 1000.0)
            x = np.exp(math.log(lo) + (math.log(high) - math.log(lo)) * rng.random(n))
        parts.append(np.clip(x, low, high * (1 - 1e-12)))
    return np.concatenate(parts)


def tier_of(points):
    """The highest tier whose low bound is <= points."""
    return np.searchsorted(TIER_LOW, points, side="right") - 1


def replicate(rng):
    """One replication; returns the metrics in METRICS order."""
    balance = starting_balances(rng)                   # in-bank yuan (all deposit at start)
    offbank = OFFBANK_MULTIPLE * balance
    reachable = rng.random(N_CUSTOMERS) < TIER_REACHABLE[START_TIER]
    # Products matter here only through points: a customer's points are its deposit x 1.0
    # plus what meetings brought in x BUY_POINTS (0.5 x 1.0 + 0.3 x 1.0 + 0.2 x 1.2 = 1.04).
    points = balance * K_HOLDS
    tier = tier_of(points)
    start_tier = tier.copy()
    aum_start = balance.sum()
    last_contact = np.full(N_CUSTOMERS, -10 ** 6)      # week of the last meeting contact

    contacts = reach = accept = attend = turned_away = conversions = 0
    managed = np.count_nonzero(tier >= MANAGED_FROM)
    wm_week = np.zeros(WEEKS)
    managed_week = np.zeros(WEEKS)
    for week in range(WEEKS):
        for _ in range(MEETINGS_PER_WEEK):
            # Pool: in the potential tier now and not contacted by a meeting in the last 8
            # weeks (this week's earlier meeting included).
            pool = np.flatnonzero((tier == POTENTIAL) & (last_contact <= week - COOLDOWN_WEEKS))
            k = min(CONTACTS, pool.size)
            invited = rng.choice(pool, size=k, replace=False)   # uniform, in random order
            last_contact[invited] = week
            # Funnel: reach 100% passes exactly the reachable ones; then independent draws.
            ok = reachable[invited]
            n_reach = np.count_nonzero(ok)
            ok &= rng.random(k) < P_ACCEPT
            n_accept = np.count_nonzero(ok)
            ok &= rng.random(k) < P_ATTEND
            came = invited[ok]
            turned_away += max(0, came.size - CAPACITY_AT_ATTEND)
            came = came[:CAPACITY_AT_ATTEND]                       # first 20 keep their seats
            conv = came[rng.random(came.size) < P_CONVERT]
            if conv.size:
                amount = AMOUNT_MEDIAN * np.exp(AMOUNT_SIGMA * rng.standard_normal(conv.size))
                amount = np.minimum(amount, offbank[conv])         # max offbank
                balance[conv] += amount
                offbank[conv] -= amount
                points[conv] += amount * BUY_POINTS
                new_tier = tier_of(points[conv])
                managed += np.count_nonzero(new_tier >= MANAGED_FROM) - np.count_nonzero(tier[conv] >= MANAGED_FROM)
                tier[conv] = new_tier
            contacts += k
            reach += n_reach
            accept += n_accept
            attend += came.size
            conversions += conv.size
            wm_week[week] += (WM_HOURS_PER_MEETING + k * WM_HOURS_PER_CONTACT
                              + conv.size * WM_HOURS_PER_CONVERSION)
        managed_week[week] = managed / CUSTOMER_MANAGER_CAPACITY

    aum_end = balance.sum()
    wm_fte = wm_week / ROLE_HOURS_PER_WEEK
    return (aum_start, aum_end, aum_end - aum_start,
            np.count_nonzero(tier > start_tier), np.count_nonzero(tier < start_tier),
            conversions, contacts, reach, accept, attend, turned_away,
            wm_week.sum(), wm_fte.mean(), wm_fte.max(), managed_week.mean(),
            WEEKS * MEETINGS_PER_WEEK * COST_PER_MEETING)


def run(runs, seed=SEED, first_rep=0):
    """Replications first_rep .. first_rep + runs - 1; returns (values[runs, metric], seconds
    of the replication loop)."""
    out = np.empty((runs, len(METRICS)))
    start = time.perf_counter()
    for i in range(runs):
        out[i] = replicate(np.random.default_rng(seed + first_rep + i))
    return out, time.perf_counter() - start


def t975(df):
    try:
        from scipy.stats import t
        return float(t.ppf(0.975, df))
    except ImportError:                       # Cornish-Fisher expansion, fine for df >= 10
        z = 1.959963984540054
        return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)


def summary(values):
    """mean, sd, standard error and 95% CI of the mean (Student t, as BranchSim reports)."""
    n = len(values)
    mean = float(np.mean(values))
    sd = float(np.std(values, ddof=1)) if n > 1 else 0.0
    se = sd / math.sqrt(n) if n > 0 else float("nan")
    half = t975(n - 1) * se if n > 1 else 0.0
    return {"n": n, "mean": mean, "sd": sd, "se": se, "ci_low": mean - half, "ci_high": mean + half}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=200, help="replications (default 200)")
    ap.add_argument("--seed", type=int, default=SEED, help="replication i uses default_rng(seed + i)")
    ap.add_argument("--first-rep", type=int, default=0)
    a = ap.parse_args()
    values, seconds = run(a.runs, a.seed, a.first_rep)
    print(f"potential-upgrade (numpy {np.__version__}, PCG64, 1 thread): {a.runs} replications "
          f"in {seconds:.3f} s = {1000 * seconds / a.runs:.3f} ms/rep")
    for j, name in enumerate(METRICS):
        s = summary(values[:, j])
        print(f"  {name:<15} mean {s['mean']:>18,.2f}  95% CI {s['ci_low']:>18,.2f} .. {s['ci_high']:>18,.2f}"
              f"  sd {s['sd']:>16,.2f}")


if __name__ == "__main__":
    main()
