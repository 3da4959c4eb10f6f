#!/usr/bin/env bash
# Build e2a for Linux: a PyInstaller one-folder bundle (desktop app, tray node, console
# commands), a .deb and a .tar.gz with an install script. One command:
#
#   packaging/build-linux.sh            # artefacts in build/linux/
#
# It builds in its own virtual environment (build/linux/venv: e2a with the GUI extra and
# PyInstaller, nothing else), so nothing of a development setup (torch, test tools) ends
# up in the bundle. Prints where the files are, their sizes and the cold start-up time
# of `e2a --version`. packaging/check-linux.sh then tries the bundle as a user would.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${E2A_BUILD_DIR:-$ROOT/build/linux}"
ARCH="$(dpkg --print-architecture 2>/dev/null || echo amd64)"
mkdir -p "$OUT"
cd "$ROOT"

if [ ! -x "$OUT/venv/bin/python" ]; then
  python3 -m venv "$OUT/venv"
  "$OUT/venv/bin/python" -m pip install --quiet --upgrade pip
fi
"$OUT/venv/bin/python" -m pip install --quiet -e ".[gui]" pyinstaller
PY="$OUT/venv/bin/python"
VERSION="$("$PY" -c 'import e2a_desktop; print(e2a_desktop.__version__)')"

echo "== bundle (PyInstaller)"
rm -rf "$OUT/dist" "$OUT/work"
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$OUT/dist" \
  --workpath "$OUT/work" packaging/pyinstaller/e2a.spec
BUNDLE="$OUT/dist/e2a"

# Qt trimmed to what a desktop session uses: X11 and Wayland (plus offscreen, for
# headless checks); no translations (the app is English), no console-only backends.
QT="$BUNDLE/_internal/PySide6/Qt"
rm -rf "$QT/translations" "$QT/plugins/egldeviceintegrations" "$QT/plugins/generic"
for plugin in eglfs linuxfb minimal minimalegl vkkhrdisplay vnc; do
  rm -f "$QT/plugins/platforms/libq$plugin.so"
done

echo "== icons"
ICONS="$OUT/icons"
rm -rf "$ICONS"
"$PY" packaging/linux/render_icons.py "$ICONS"

echo "== .deb"
DEB_ROOT="$OUT/deb/e2a_${VERSION}_$ARCH"
rm -rf "$OUT/deb"
mkdir -p "$DEB_ROOT/opt" "$DEB_ROOT/usr/bin" "$DEB_ROOT/usr/share/applications" \
  "$DEB_ROOT/usr/share/icons" "$DEB_ROOT/lib/systemd/system" "$DEB_ROOT/DEBIAN"
cp -a "$BUNDLE" "$DEB_ROOT/opt/e2a"
ln -s /opt/e2a/e2a "$DEB_ROOT/usr/bin/e2a"
ln -s /opt/e2a/e2a-node "$DEB_ROOT/usr/bin/e2a-node"
cp packaging/linux/e2a.desktop packaging/linux/e2a-node.desktop \
  "$DEB_ROOT/usr/share/applications/"
cp -a "$ICONS/hicolor" "$DEB_ROOT/usr/share/icons/"
cp packaging/linux/e2a-node.service "$DEB_ROOT/lib/systemd/system/"
INSTALLED_KB="$(du -sk "$DEB_ROOT" --exclude=DEBIAN | cut -f1)"
GLIBC="$(packaging/linux/glibc-needed.sh "$BUNDLE")"  # the glibc the bundle asks for
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@SIZE@/$INSTALLED_KB/" \
  -e "s/@GLIBC@/$GLIBC/" packaging/linux/deb/control > "$DEB_ROOT/DEBIAN/control"
install -m 0755 packaging/linux/deb/postinst packaging/linux/deb/prerm \
  packaging/linux/deb/postrm "$DEB_ROOT/DEBIAN/"
DEB="$OUT/e2a_${VERSION}_$ARCH.deb"
dpkg-deb --root-owner-group -Zxz --build "$DEB_ROOT" "$DEB" > /dev/null

echo "== .tar.gz"
TAR_NAME="e2a-$VERSION-linux-$(uname -m)"
TAR_ROOT="$OUT/tar/$TAR_NAME"
rm -rf "$OUT/tar"
mkdir -p "$TAR_ROOT/share/applications" "$TAR_ROOT/share/icons"
cp -a "$BUNDLE" "$TAR_ROOT/e2a"
cp packaging/linux/e2a.desktop packaging/linux/e2a-node.desktop "$TAR_ROOT/share/applications/"
cp -a "$ICONS/hicolor" "$TAR_ROOT/share/icons/"
install -m 0755 packaging/linux/install.sh "$TAR_ROOT/install.sh"
TARBALL="$OUT/$TAR_NAME.tar.gz"
tar -C "$OUT/tar" -czf "$TARBALL" "$TAR_NAME"

echo "== done"
printf '  %-10s %8s  %s\n' folder "$(du -sh "$BUNDLE" | cut -f1)" "$BUNDLE"
printf '  %-10s %8s  %s\n' .deb "$(du -sh "$DEB" | cut -f1)" "$DEB"
echo "  needs glibc $GLIBC or later (the .deb: Depends: libc6 (>= $GLIBC))"
printf '  %-10s %8s  %s\n' .tar.gz "$(du -sh "$TARBALL" | cut -f1)" "$TARBALL"
sync
"$PY" - "$BUNDLE/e2a" <<'PYEOF'
import subprocess, sys, time
began = time.perf_counter()
subprocess.run([sys.argv[1], "--version"], check=True, capture_output=True)
print(f"  cold start of 'e2a --version': {time.perf_counter() - began:.2f} s")
PYEOF
echo "  (the window's start-up time: packaging/check-linux.sh)"
