#!/usr/bin/env bash
# Install e2a from this folder, for you alone (no root needed):
#   ./install.sh              into ~/.local (programs on ~/.local/bin, menu entries, icons)
#   ./install.sh --uninstall  removes exactly what it put there
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${PREFIX:-$HOME/.local}"
APP="$PREFIX/opt/e2a"
MANIFEST="$APP/.installed-files"

uninstall() {
  if [ ! -f "$MANIFEST" ]; then echo "e2a is not installed in $PREFIX"; exit 1; fi
  while IFS= read -r path; do rm -f "$path"; done < "$MANIFEST"
  rm -rf "$APP"
  apps="$PREFIX/share/applications"
  if ls "$apps"/*.desktop > /dev/null 2>&1; then
    command -v update-desktop-database > /dev/null && update-desktop-database -q "$apps" || true
  else
    rm -f "$apps/mimeinfo.cache"  # only ours were there: leave nothing behind
  fi
  echo "e2a removed from $PREFIX"
}

if [ "${1:-}" = "--uninstall" ]; then uninstall; exit 0; fi

rm -rf "$APP"
mkdir -p "$PREFIX/opt" "$PREFIX/bin" "$PREFIX/share/applications"
cp -a "$HERE/e2a" "$APP"
: > "$MANIFEST.tmp"
ln -sf "$APP/e2a" "$PREFIX/bin/e2a"; echo "$PREFIX/bin/e2a" >> "$MANIFEST.tmp"
ln -sf "$APP/e2a-node" "$PREFIX/bin/e2a-node"; echo "$PREFIX/bin/e2a-node" >> "$MANIFEST.tmp"
for entry in e2a e2a-node; do
  target="$PREFIX/share/applications/$entry.desktop"
  sed "s|^Exec=$entry|Exec=$APP/$entry|" "$HERE/share/applications/$entry.desktop" > "$target"
  echo "$target" >> "$MANIFEST.tmp"
done
(cd "$HERE/share/icons" && find hicolor -type f) | while IFS= read -r icon; do
  mkdir -p "$(dirname "$PREFIX/share/icons/$icon")"
  cp "$HERE/share/icons/$icon" "$PREFIX/share/icons/$icon"
  echo "$PREFIX/share/icons/$icon" >> "$MANIFEST.tmp"
done
mv "$MANIFEST.tmp" "$MANIFEST"
command -v update-desktop-database > /dev/null && \
  update-desktop-database -q "$PREFIX/share/applications" || true
echo "e2a installed in $APP; run 'e2a' (make sure $PREFIX/bin is on your PATH)"
