#!/usr/bin/env bash
# Install e2a from this folder, for you alone (no root needed):
#   ./install.sh              into ~/.local (programs on ~/.local/bin, menu entries, icons)
#   ./install.sh --uninstall  removes exactly what it put there: its files, and the folders
#                             it made for them once they are empty (and the tray node's
#                             Start-at-login entry if it starts this copy)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${PREFIX:-$HOME/.local}"
APP="$PREFIX/opt/e2a"
MANIFEST="$APP/.installed-files"
FOLDERS="$APP/.installed-folders"  # the folders this install made, outermost first

uninstall() {
  if [ ! -f "$MANIFEST" ]; then echo "e2a is not installed in $PREFIX"; exit 1; fi
  while IFS= read -r path; do rm -f "$path"; done < "$MANIFEST"
  made=()
  if [ -f "$FOLDERS" ]; then mapfile -t made < "$FOLDERS"; fi
  # The tray node's Start at login, if it starts this copy (the node wrote it, not this
  # script, but it would name a program that is gone), as the Windows uninstaller does.
  login_entry="${XDG_CONFIG_HOME:-$HOME/.config}/autostart/e2a-node.desktop"
  if [ -f "$login_entry" ] && grep -qF -e "Exec=$APP/" -e "Exec='$APP/" "$login_entry"; then
    rm -f "$login_entry"
  fi
  rm -rf "$APP"
  apps="$PREFIX/share/applications"
  if ls "$apps"/*.desktop > /dev/null 2>&1; then
    command -v update-desktop-database > /dev/null && update-desktop-database -q "$apps" || true
  else
    rm -f "$apps/mimeinfo.cache"  # only ours were there: leave nothing behind
  fi
  # Innermost first; a folder that holds anything else (yours, another program's) stays.
  for (( i = ${#made[@]} - 1; i >= 0; i-- )); do
    rmdir "${made[$i]}" 2> /dev/null || true
  done
  echo "e2a removed from $PREFIX"
}

# Make a folder like mkdir -p, noting each level that did not exist (for --uninstall).
make_folder() {
  local folder="$1" missing=()
  while [ ! -d "$folder" ]; do
    missing=("$folder" "${missing[@]}")
    folder="$(dirname "$folder")"
  done
  mkdir -p "$1"
  if [ "${#missing[@]}" -gt 0 ]; then printf '%s\n' "${missing[@]}" >> "$FOLDERS_TMP"; fi
}

if [ "${1:-}" = "--uninstall" ]; then uninstall; exit 0; fi

FOLDERS_TMP="$(mktemp)"
trap 'rm -f "$FOLDERS_TMP"' EXIT
if [ -f "$FOLDERS" ]; then cat "$FOLDERS" > "$FOLDERS_TMP"; fi  # installed again: still ours
rm -rf "$APP"
make_folder "$PREFIX/opt"
make_folder "$PREFIX/bin"
make_folder "$PREFIX/share/applications"
cp -a "$HERE/e2a" "$APP"
: > "$MANIFEST.tmp"
ln -sf "$APP/e2a" "$PREFIX/bin/e2a"; echo "$PREFIX/bin/e2a" >> "$MANIFEST.tmp"
ln -sf "$APP/e2a-node" "$PREFIX/bin/e2a-node"; echo "$PREFIX/bin/e2a-node" >> "$MANIFEST.tmp"
for entry in e2a e2a-node; do
  target="$PREFIX/share/applications/$entry.desktop"
  sed "s|^Exec=$entry|Exec=$APP/$entry|" "$HERE/share/applications/$entry.desktop" > "$target"
  echo "$target" >> "$MANIFEST.tmp"
done
while IFS= read -r icon; do
  make_folder "$(dirname "$PREFIX/share/icons/$icon")"
  cp "$HERE/share/icons/$icon" "$PREFIX/share/icons/$icon"
  echo "$PREFIX/share/icons/$icon" >> "$MANIFEST.tmp"
done < <(cd "$HERE/share/icons" && find hicolor -type f)
awk '!seen[$0]++' "$FOLDERS_TMP" > "$FOLDERS"
mv "$MANIFEST.tmp" "$MANIFEST"
command -v update-desktop-database > /dev/null && \
  update-desktop-database -q "$PREFIX/share/applications" || true
echo "e2a installed in $APP; run 'e2a' (make sure $PREFIX/bin is on your PATH)"
