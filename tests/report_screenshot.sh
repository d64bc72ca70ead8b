#!/bin/sh
# Renders an HTML report in headless Chromium and checks that the screenshot is not blank.
# Usage: report_screenshot.sh PDOOM_EXECUTABLE MODEL_FILE [OUTPUT_PNG]
#        report_screenshot.sh --compare PDOOM_EXECUTABLE MODEL_A MODEL_B [OUTPUT_PNG]  (the compare page)
# Exit status: 0 pass, 1 fail, 77 skipped (no chromium on this machine; ctest SKIP_RETURN_CODE 77).
set -eu

mode=report
if [ "${1:-}" = "--compare" ]; then
  mode=compare
  shift
fi
pdoom=$1
model=$2
if [ "$mode" = compare ]; then
  model_b=$3
  png=${4:-}
else
  png=${3:-}
fi

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser=$candidate; break; fi
done
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (apt-get install chromium)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report="$work/report.html"

if [ "$mode" = compare ]; then
  "$pdoom" compare "$model" "$model_b" --html "$report" --samples 20000 >/dev/null
else
  "$pdoom" report "$model" --html "$report" --samples 20000 --quiet
fi
[ -s "$report" ] || { echo "FAIL: no report written"; exit 1; }

# Render: no network, no profile state, fixed size. Chromium's log goes to a file so that JavaScript or
# loading errors can be checked (the report has no scripts, so there should be none).
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --hide-scrollbars \
  --screenshot="$work/out.png" --window-size=1200,3000 "file://$report" >"$work/chromium.log" 2>&1 || true

if [ ! -s "$work/out.png" ]; then
  echo "FAIL: chromium wrote no screenshot"; cat "$work/chromium.log"; exit 1
fi
if grep -E "Uncaught|ERR_FILE_NOT_FOUND|Failed to load resource" "$work/chromium.log" >/dev/null; then
  echo "FAIL: the page logged errors"; cat "$work/chromium.log"; exit 1
fi

# Not blank: a blank 1200x3000 PNG compresses to a few kilobytes; charts and text give far more, and
# many distinct colours (counted with python3 when it is available, else the size check alone).
size=$(wc -c <"$work/out.png")
if [ "$size" -lt 40000 ]; then
  echo "FAIL: screenshot is only $size bytes (blank page?)"; exit 1
fi
if command -v python3 >/dev/null 2>&1; then
  python3 - "$work/out.png" <<'PY' || exit 1
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, chunks, header = 8, [], None
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR": header = struct.unpack(">IIBBBBB", body)
    if kind == b"IDAT": chunks.append(body)
    pos += 12 + length
width, height, depth, colour_type = header[0], header[1], header[2], header[3]
channels = {2: 3, 6: 4}.get(colour_type)
if depth != 8 or channels is None:
    print("colour check skipped (PNG type %d/%d)" % (colour_type, depth)); sys.exit(0)
raw = zlib.decompress(b"".join(chunks))
stride = width * channels
previous = bytearray(stride)
colours, nonwhite, pos = set(), 0, 0
for row in range(height):
    kind = raw[pos]; line = bytearray(raw[pos + 1:pos + 1 + stride]); pos += 1 + stride
    for i in range(stride):
        left = line[i - channels] if i >= channels else 0
        up = previous[i]; upleft = previous[i - channels] if i >= channels else 0
        if kind == 1: line[i] = (line[i] + left) & 255
        elif kind == 2: line[i] = (line[i] + up) & 255
        elif kind == 3: line[i] = (line[i] + (left + up) // 2) & 255
        elif kind == 4:
            p = left + up - upleft; pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else upleft)) & 255
    previous = line
    if row % 4 == 0:
        for x in range(0, width, 4):
            pixel = bytes(line[x * channels:x * channels + 3])
            colours.add(pixel)
            if pixel != b"\xff\xff\xff": nonwhite += 1
samples = (height // 4 + 1) * (width // 4)
print("distinct colours %d, non-white share %.3f" % (len(colours), nonwhite / samples))
if len(colours) < 20 or nonwhite < 0.02 * samples:
    print("FAIL: the screenshot looks blank"); sys.exit(1)
PY
fi
if [ -n "$png" ]; then cp "$work/out.png" "$png"; fi
echo "PASS: screenshot $size bytes"
