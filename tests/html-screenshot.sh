#!/usr/bin/env bash
# Renders a BranchSim HTML report with headless Chromium and checks it:
#   1. the PNG screenshot is not blank (it has many distinct colours);
#   2. the rendered DOM holds non-empty <svg> elements (at least MIN_SVGS, default 1);
#   3. Chromium logged no console messages for the page (a report has no scripts, so any
#      message, such as an uncaught error or a resource that failed to load, is an error).
#
# usage: tests/html-screenshot.sh REPORT.html [OUT.png]
# env:   MIN_SVGS (default 1), WIDTH (1100), HEIGHT (3600), NO_INSTALL=1 (never apt-get)
# exit:  0 checks passed; 1 a check failed; 2 usage; 77 skipped (no Chromium and cannot install it)
set -euo pipefail

html=${1:-}
if [[ -z "$html" || ! -f "$html" ]]; then
  echo "usage: $0 REPORT.html [OUT.png]  (give an existing HTML file)" >&2
  exit 2
fi
out=${2:-${html%.html}.png}
min_svgs=${MIN_SVGS:-1}
width=${WIDTH:-1100}
height=${HEIGHT:-3600}

skip() { echo "SKIP: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"
  else return 1; fi
}

apt_install() {
  [[ "${NO_INSTALL:-0}" == 1 ]] && return 1
  command -v apt-get >/dev/null || return 1
  echo "installing $* with apt-get ..." >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2 \
    || { as_root apt-get update >&2 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >&2; }
}

browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null; then browser=$b; break; fi
done
if [[ -z "$browser" ]]; then
  apt_install chromium || skip "Chromium is not installed and could not be installed (apt-get install chromium)"
  browser=chromium
fi

# CJK labels need a CJK font; without one they render as boxes (the check still runs).
if command -v fc-list >/dev/null && [[ -z "$(fc-list :lang=zh family 2>/dev/null)" ]]; then
  apt_install fonts-wqy-microhei || echo "note: no CJK font installed; Chinese labels will show as boxes" >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
url="file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --no-default-browser-check
       --disable-extensions --user-data-dir="$work/profile" --force-device-scale-factor=1)

# 1. Screenshot.
timeout 120 "$browser" "${flags[@]}" --window-size="$width,$height" --screenshot="$work/shot.png" "$url" \
  >"$work/shot.log" 2>&1 || { cat "$work/shot.log" >&2; fail "Chromium could not take a screenshot"; }
[[ -s "$work/shot.png" ]] || fail "no screenshot was written"
cp "$work/shot.png" "$out"

# 2. DOM after rendering, with console messages logged to stderr.
timeout 120 "$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "$url" \
  >"$work/dom.html" 2>"$work/console.log" || { cat "$work/console.log" >&2; fail "Chromium could not load the page"; }

python3 - "$out" "$work/dom.html" "$work/console.log" "$min_svgs" <<'PY' || exit 1
import re, struct, sys, zlib

png, dom_path, log_path, min_svgs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("FAIL: %s is not a PNG" % path)
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                sys.exit("FAIL: unexpected PNG format (depth %d, colour type %d)" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    i = 0
    for _ in range(h):
        f = raw[i]; line = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return w, h, bpp, rows

w, h, bpp, rows = pixels(png)
colours, non_white = set(), 0
for y in range(0, h, 4):
    r = rows[y]
    for x in range(0, w * bpp, bpp * 4):
        px = r[x:x + 3]
        colours.add(px)
        if px != b"\xff\xff\xff":
            non_white += 1
sampled = (h // 4 + 1) * (w // 4 + 1)
if len(colours) < 16 or non_white < sampled * 0.01:
    sys.exit("FAIL: the screenshot looks blank (%d colours, %d of %d sampled pixels not white)" % (len(colours), non_white, sampled))
print("png: %dx%d, %d distinct colours, %.1f%% of sampled pixels not white" % (w, h, len(colours), 100.0 * non_white / sampled))

dom = open(dom_path, encoding="utf-8", errors="replace").read()
svgs = re.findall(r"<svg\b[^>]*>(.*?)</svg>", dom, re.S)
non_empty = [s for s in svgs if re.search(r"<(rect|line|polyline|polygon|circle|path|text)\b", s)]
if len(non_empty) < max(1, min_svgs):
    sys.exit("FAIL: %d non-empty <svg> elements in the rendered DOM, expected at least %d" % (len(non_empty), max(1, min_svgs)))
print("dom: %d <svg> elements, %d non-empty" % (len(svgs), len(non_empty)))

# Chromium logs every console message as INFO:CONSOLE whatever its level; a report has no
# scripts, so any console message (an uncaught error, a resource that failed to load) is an error.
errors = [l for l in open(log_path, encoding="utf-8", errors="replace")
          if ":CONSOLE" in l or "Uncaught" in l or "Failed to load resource" in l]
if errors:
    sys.exit("FAIL: console errors:\n" + "".join(errors[:10]))
print("console: no errors")
PY
echo "ok: $out"
