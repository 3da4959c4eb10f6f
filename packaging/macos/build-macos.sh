#!/usr/bin/env bash
# Build e2a for macOS: e2a.app (the desktop app; also the console commands, as
# e2a.app/Contents/MacOS/e2a convert BOOK) and "e2a node.app" (the tray node: a menu-bar
# icon, no Dock icon), ad-hoc signed, in one .dmg with an /Applications link to drag
# them onto. One command, on a Mac:
#
#   packaging/macos/build-macos.sh      # → build/macos/{dist/*.app, e2a-VERSION-macos-ARCH.dmg}
#
# Builds for the Mac's own architecture (arm64 on Apple silicon) in its own virtual
# environment (build/macos/venv: e2a with the GUI extra, PyInstaller, and Pillow for the
# icon). Needs Python 3.11 (`python3`, or PYTHON=…) and the Xcode command line tools.
# Not run on this project's machines (Linux only).
#
# Signing: ad-hoc (`codesign -s -`) only, which runs on the Mac that built it; a
# downloaded copy is stopped by Gatekeeper until the user allows it (right-click → Open,
# or System Settings → Privacy & Security → Open Anyway). Signing with a Developer ID and
# notarising need an Apple Developer account (an Apple ID in the paid programme):
#   codesign --force --deep --options runtime --timestamp -s "Developer ID Application: …" APP
#   xcrun notarytool submit DMG --apple-id … --team-id … --password … --wait
#   xcrun stapler staple DMG
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${E2A_BUILD_DIR:-$ROOT/build/macos}"
PYTHON="${PYTHON:-python3}"
mkdir -p "$OUT"
cd "$ROOT"

if [ ! -x "$OUT/venv/bin/python" ]; then
  "$PYTHON" -m venv "$OUT/venv"
  "$OUT/venv/bin/python" -m pip install --quiet --upgrade pip
fi
"$OUT/venv/bin/python" -m pip install --quiet -e ".[gui]" pyinstaller pillow
PY="$OUT/venv/bin/python"
VERSION="$("$PY" -c 'import e2a_desktop; print(e2a_desktop.__version__)')"

echo "== icons"
"$PY" packaging/pyinstaller/make_icons.py "$OUT/icons"

echo "== bundles (PyInstaller)"
# The oldest macOS the apps run on: the newest any installed wheel (Qt, onnxruntime…) or
# Python was built for; written into both apps' LSMinimumSystemVersion by the spec.
MACOS_MIN="$("$PY" packaging/macos/min_macos.py)"
echo "   for macOS $MACOS_MIN and later"
rm -rf "$OUT/dist" "$OUT/work"
E2A_ICON_DIR="$OUT/icons" E2A_MACOS_MIN="$MACOS_MIN" "$PY" -m PyInstaller --noconfirm --log-level WARN \
  --distpath "$OUT/dist" --workpath "$OUT/work" packaging/pyinstaller/e2a.spec
APP="$OUT/dist/e2a.app"
NODE_APP="$OUT/dist/e2a node.app"

echo "== signing (ad-hoc)"
for bundle in "$APP" "$NODE_APP"; do
  codesign --force --deep --sign - "$bundle"
  codesign --verify --deep --strict "$bundle"
done

echo "== .dmg"
STAGE="$OUT/dmg"
rm -rf "$STAGE"
mkdir -p "$STAGE"
ditto "$APP" "$STAGE/e2a.app"
ditto "$NODE_APP" "$STAGE/e2a node.app"
ln -s /Applications "$STAGE/Applications"
DMG="$OUT/e2a-$VERSION-macos-$(uname -m).dmg"
rm -f "$DMG"
# ULMO (LZMA) is the smallest format a Mac mounts (macOS 10.15 and later).
hdiutil create -quiet -volname "e2a $VERSION" -srcfolder "$STAGE" -format ULMO -ov "$DMG"
codesign --force --sign - "$DMG"

echo "== done"
printf '  %-14s %8s  %s\n' e2a.app "$(du -sh "$APP" | cut -f1)" "$APP"
printf '  %-14s %8s  %s\n' "e2a node.app" "$(du -sh "$NODE_APP" | cut -f1)" "$NODE_APP"
printf '  %-14s %8s  %s\n' .dmg "$(du -sh "$DMG" | cut -f1)" "$DMG"
echo "  runs on macOS $MACOS_MIN and later (LSMinimumSystemVersion)"
"$PY" - "$APP/Contents/MacOS/e2a" "$NODE_APP/Contents/MacOS/e2a-node" <<'PYEOF'
import subprocess, sys, time
for program in sys.argv[1:]:
    began = time.perf_counter()
    done = subprocess.run([program, "--version"], check=True, capture_output=True, text=True)
    print(f"  {done.stdout.strip()}: cold start of --version {time.perf_counter() - began:.2f} s")
PYEOF
