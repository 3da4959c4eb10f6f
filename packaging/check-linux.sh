#!/usr/bin/env bash
# Try the built Linux bundle as a user would, away from any development setup:
#   packaging/check-linux.sh [BUNDLE_DIR]      (default $E2A_BUILD_DIR/dist/e2a, where
#                                               build-linux.sh put it: build/linux/dist/e2a)
#
# The bundle is copied to a temporary folder and run with a clean environment (no venv,
# no PYTHONPATH, a fresh HOME). It must (1) convert the sample book to an M4B with its
# chapters, (2) open the main window under Xvfb (a screenshot is kept to look at, with
# the window's start-up time), (3) start the tray node (the fallback window, Xvfb
# having no tray), and (4) tick its "Start at login" and start the node as a session
# would, from the command the entry holds. Needs: xvfb-run, xdotool, imagemagick's `import`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${E2A_BUILD_DIR:-$ROOT/build/linux}"  # as build-linux.sh
BUNDLE="${1:-$BUILD/dist/e2a}"
OUT="${E2A_CHECK_DIR:-$BUILD/check}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
rm -rf "$OUT"
mkdir -p "$OUT" "$TMP/home"
cp -a "$BUNDLE" "$TMP/e2a"
# Loopback only: a check must not advertise a farm on the real network.
clean=(env -i HOME="$TMP/home" PATH=/usr/bin:/bin LANG=C.UTF-8 E2A_BIND_HOST=127.0.0.1
       E2A_MDNS_INTERFACES=127.0.0.1)

echo "== 1. convert the sample book"
"${clean[@]}" "$TMP/e2a/e2a" convert "$ROOT/resources/sample/aesop-fables.epub" \
  -o "$TMP/fables.m4b" --no-farm > "$OUT/convert.log" 2>&1
# Read the chapters back with mutagen from the build environment (the check, not the app).
"$BUILD/venv/bin/python" - "$TMP/fables.m4b" <<'PYEOF'
import sys
from mutagen.mp4 import MP4
titles = [c.title for c in MP4(sys.argv[1]).chapters]
expected = ["The Wolf and the Lamb", "The Town Mouse and the Country Mouse",
            "The Hare and the Tortoise"]
assert titles == expected, titles
print(f"   ok: {len(titles)} chapters: {', '.join(titles)}")
PYEOF

echo "== 2. the main window under Xvfb"
xvfb-run -a -s "-screen 0 1280x900x24" bash -c '
  set -e
  began=$(date +%s%N)
  "$@" DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" "'"$TMP"'/e2a/e2a" \
    > "'"$OUT"'/window.log" 2>&1 &
  app=$!
  if ! timeout 120 xdotool search --sync --onlyvisible --name "e2a — ebook to audiobook" \
      > /dev/null; then
    echo "   FAILED: no window; its log:"; cat "'"$OUT"'/window.log"; exit 1
  fi
  shown=$(date +%s%N)
  echo "   window shown after $(( (shown - began) / 1000000 )) ms (cold)"
  sleep 1
  import -window root "'"$OUT"'/window.png"
  kill $app; wait $app 2> /dev/null || true
' _ "${clean[@]}"
echo "   screenshot: $OUT/window.png"

echo "== 3. the tray node (no tray under Xvfb: its window)"
xvfb-run -a -s "-screen 0 1024x768x24" bash -c '
  set -e
  "$@" DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" "'"$TMP"'/e2a/e2a-node" \
    > "'"$OUT"'/node.log" 2>&1 &
  node=$!
  if ! timeout 120 xdotool search --sync --onlyvisible --name "^e2a node$" > /dev/null; then
    echo "   FAILED: no node window; its log:"; cat "'"$OUT"'/node.log"; exit 1
  fi
  sleep 1
  import -window root "'"$OUT"'/node.png"
  kill $node; wait $node 2> /dev/null || true
' _ "${clean[@]}"
echo "   ok: screenshot: $OUT/node.png"

echo "== 4. Start at login: ticked in the node's window, its entry starts the node"
"$ROOT/packaging/linux/check-autostart.sh" "$TMP/e2a/e2a-node" "$TMP/home" "$OUT" "${clean[@]}"
echo "== all four work"
echo "   (the installed .deb, from apt to purge: packaging/check-deb.sh, as root: it changes the system)"
