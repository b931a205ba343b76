#!/usr/bin/env python3
"""Writes the sample data set in scenarios/data/: one city district's outlets and customers.

    python3 scripts/gen-city-data.py [--out scenarios/data] [--seed 2024]

Deterministic (seeded; Python's standard library only), so running it again rewrites the same
bytes. The figures follow the playbooks (shared spec PLAYBOOKS.md, docs/data.md):

- "Potential customers' upgrade" (潜力客户升级): tiers by in-bank assets, long-tail below 5万,
  potential 5万-20万, mid/high 20万 to 600万, private above; mix 91% / 6% / 2.5% / 0.5%; over 30%
  of customers cannot be reached, the lower the tier the staler the data (reachable 60%, 75%,
  90%, 98% by tier, as scenarios/hub-and-satellites.bsim says); potential customers hold about
  as much at other banks as with us (off-bank assets a median 1.0x of the in-bank balance); a
  district is one hub and themed satellites (children's bank, film club, car club, healthy living).
- "Growth of customers with 5万+ financial assets" (金融资产5万元以上客户): the asset mix of the 5万+
  customers, time deposits 22.4% + cash and demand 16.7% (deposit), bank wealth products 26.6%
  (wealth), funds 4.5% + bonds 1.2% (fund); long-tail customers hold mostly deposits.
- Tiered selling (training deck): relationship managers' books of 450 to 750 customers; staff
  per outlet is sized from that.

Files: city-outlets.csv (UTF-8 with a byte order mark and CRLF line ends, as Excel's "CSV UTF-8"
saves), city-outlets-gb18030.csv (the same table in GB18030, as Excel on Chinese Windows saves
"CSV"), city-customers.csv (UTF-8, LF, as a database export writes). Customer counts are a few
thousand per outlet so that the files stay small (about 1 MB); real outlets have ~20,000.
"""
import argparse
import math
import os
import random

PRODUCTS = [("deposit", 1.0), ("wealth", 1.0), ("fund", 1.2)]
# name, low, high (yuan of upgrade points), share, reachable
TIERS = [
    ("longtail", 1_000, 50_000, 0.91, 0.60),
    ("potential", 50_000, 200_000, 0.06, 0.75),
    ("midhigh", 200_000, 6_000_000, 0.025, 0.90),
    ("private", 6_000_000, None, 0.005, 0.98),
]
# The 5万+ asset mix over our three products: deposit 39.1, wealth 26.6, fund 5.7 (of 71.4).
MIX_5WAN = (39.1, 26.6, 5.7)
MIX_LONGTAIL = (90.0, 6.0, 4.0)
SEGMENTS = [("payroll", 0.25), ("mortgage", 0.12), ("elderly", 0.20)]
# name, customers, role, theme
OUTLETS = [
    ("中心支行", 4200, "hub"),
    ("children_bank", 2800, "satellite"),
    ("film_club", 2400, "satellite"),
    ("car_club", 3000, "satellite"),
    ("healthy_living", 2600, "satellite"),
]
NETWORK = "district"


def largest_remainder(n, shares):
    raw = [n * s for s in shares]
    counts = [math.floor(r) for r in raw]
    order = sorted(range(len(shares)), key=lambda i: (-(raw[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def draw_points(rng, low, high):
    if high is None:  # Pareto alpha 1.5 from the private line, as the model's default
        return min(low / (1.0 - rng.random()) ** (1 / 1.5), 200_000_000)
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def split(rng, points, mix):
    # Noisy shares around the mix (a gamma draw per product), then scaled so points come out exact.
    weights = [rng.gammavariate(2.0 * m / sum(mix) * 3 + 0.05, 1.0) for m in mix]
    total_w = sum(weights)
    shares = [w / total_w for w in weights]
    # Round small holdings away: a customer rarely holds a product with under 1% of the balance.
    shares = [s if s >= 0.01 else 0.0 for s in shares]
    total_w = sum(shares)
    shares = [s / total_w for s in shares]
    per_point = sum(s * c for s, (_, c) in zip(shares, PRODUCTS))
    total = points / per_point
    return [round(total * s, 2) for s in shares]


def customers_rows(rng):
    rows = []
    n = 0
    for outlet, count, _ in OUTLETS:
        counts = largest_remainder(count, [t[3] for t in TIERS])
        for (tier, low, high, _, reach), k in zip(TIERS, counts):
            for _ in range(k):
                n += 1
                points = draw_points(rng, low, high)
                balances = split(rng, points, MIX_LONGTAIL if tier == "longtail" else MIX_5WAN)
                # Points must land inside the tier after rounding: nudge the deposit if not.
                pts = sum(b * c for b, (_, c) in zip(balances, PRODUCTS))
                if pts < low:
                    balances[0] = round(balances[0] + (low - pts) + 1, 2)
                elif high is not None and pts >= high:
                    balances[0] = round(max(0.0, balances[0] - (pts - high) - 1), 2)
                total = sum(balances)
                offbank = "" if rng.random() < 0.2 else f"{round(total * rng.lognormvariate(0.0, 0.6), -2):.0f}"
                reachable = "yes" if rng.random() < reach else "no"
                segs = [s for s, p in SEGMENTS if rng.random() < p]
                opened = f"{rng.randint(2005, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                last = ""
                if reachable == "yes" and rng.random() < 0.7:
                    last = f"{rng.randint(2024, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                rows.append([f"C{n:06d}", outlet] + [fmt(b) for b in balances]
                            + [offbank, reachable, ";".join(segs), opened, last])
    return rows


def fmt(x):
    return "0" if x == 0 else f"{x:.2f}"


def outlets_rows():
    rows = []
    for name, count, role in OUTLETS:
        # Wealth managers for the 5万+ book at ~600 customers each (450-750), at least one.
        book = round(count * (1 - TIERS[0][3]))
        wm = max(1, round(book / 600))
        lobby = 2 if role == "hub" else 1
        shares = [f"{t[3] * 100:g}%" for t in TIERS]
        reach = [f"{t[4] * 100:g}%" for t in TIERS]
        rows.append([name, str(count), NETWORK, role, str(wm), str(lobby), "1.0x"] + shares + reach)
    return rows


def write_csv(path, header, rows, encoding, newline, bom=False):
    def cell(c):
        return f'"{c.replace(chr(34), chr(34) * 2)}"' if any(ch in c for ch in ',"\r\n') else c
    text = newline.join(",".join(cell(c) for c in r) for r in [header] + rows) + newline
    with open(path, "wb") as f:
        if bom:
            f.write(b"\xef\xbb\xbf")
        f.write(text.encode(encoding))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "scenarios", "data"))
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)

    outlet_header = (["name", "customers", "network", "role", "staff_wealth_manager", "staff_lobby_manager", "offbank"]
                     + [f"share_{t[0]}" for t in TIERS] + [f"reachable_{t[0]}" for t in TIERS])
    orows = outlets_rows()
    write_csv(os.path.join(args.out, "city-outlets.csv"), outlet_header, orows, "utf-8", "\r\n", bom=True)
    write_csv(os.path.join(args.out, "city-outlets-gb18030.csv"), outlet_header, orows, "gb18030", "\r\n")

    customer_header = (["id", "outlet"] + [f"balance_{p}" for p, _ in PRODUCTS]
                       + ["offbank", "reachable", "segments", "opened", "last_contact"])
    write_csv(os.path.join(args.out, "city-customers.csv"), customer_header, customers_rows(rng), "utf-8", "\n")


if __name__ == "__main__":
    main()
