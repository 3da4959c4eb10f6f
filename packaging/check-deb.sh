#!/usr/bin/env bash
# Install the built .deb as a user would, use it from a clean shell, purge it, and check
# that nothing of it is left. It changes the system (apt-get install, dpkg --purge):
# run it as root or with sudo, on a machine where e2a is not installed.
#   packaging/check-deb.sh [DEB]     (default: $E2A_BUILD_DIR/e2a_*.deb, build/linux/…)
# It (1) installs with apt-get (which fetches the declared dependencies), (2) converts
# the sample book with /usr/bin/e2a, (3) opens the window and (4) the tray node under
# Xvfb, ticks its Start at login and starts the node from the entry's command
# (packaging/linux/check-autostart.sh), (5) enables the headless node's service as the
# README says (not started), then purges: every file the package listed, the folders it
# made, the service's enablement, its user and /var/lib/e2a-node must be gone.
# Needs: xvfb-run, xdotool (and apt-get, dpkg).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${E2A_BUILD_DIR:-$ROOT/build/linux}"
DEB="$(realpath "${1:-$(ls -t "$BUILD"/e2a_*.deb | head -n 1)}")"
OUT="${E2A_CHECK_DIR:-$BUILD/check-deb}"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
if dpkg-query -W -f '${Status}' e2a 2> /dev/null | grep -q "installed"; then
  echo "e2a is installed here already: this check needs a machine without it" >&2
  exit 1
fi
TMP="$(mktemp -d)"
chmod 755 "$TMP"  # the service user's commands read nothing here, but be plain about it
installed=no
cleanup() {
  if [ "$installed" = yes ]; then "${SUDO[@]}" dpkg --purge e2a > /dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
rm -rf "$OUT"
mkdir -p "$OUT" "$TMP/home"
clean=(env -i HOME="$TMP/home" PATH=/usr/bin:/bin LANG=C.UTF-8 E2A_BIND_HOST=127.0.0.1
       E2A_MDNS_INTERFACES=127.0.0.1)

echo "== 1. install $(basename "$DEB")"
# What existed before, to tell the folders the package made from those it shares.
existed() { while IFS= read -r path; do if [ -e "$path" ]; then echo "$path"; fi; done; }
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed -e 's|^\./|/|' -e 's|/$||' | grep -v '^$' \
  | existed > "$TMP/existed-before"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$DEB" \
  > "$OUT/install.log" 2>&1 || { cat "$OUT/install.log"; exit 1; }
installed=yes
dpkg -L e2a > "$TMP/listed"
echo "   ok: $(wc -l < "$TMP/listed") paths; depends: $(dpkg-query -W -f '${Depends}' e2a \
  | cut -c1-60)…"

echo "== 2. convert the sample book with /usr/bin/e2a"
"${clean[@]}" e2a convert "$ROOT/resources/sample/aesop-fables.epub" -o "$TMP/fables.m4b" \
  --no-farm > "$OUT/convert.log" 2>&1 || { cat "$OUT/convert.log"; exit 1; }
[ -s "$TMP/fables.m4b" ] && echo "   ok: $(du -h "$TMP/fables.m4b" | cut -f1) written"

echo "== 3. the window (/usr/bin/e2a) under Xvfb"
xvfb-run -a -s "-screen 0 1280x900x24" bash -c '
  set -e
  "$@" DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" e2a > "'"$OUT"'/window.log" 2>&1 &
  app=$!
  if ! timeout 120 xdotool search --sync --onlyvisible --name "e2a — ebook to audiobook" \
      > /dev/null; then
    echo "   FAILED: no window; its log:"; cat "'"$OUT"'/window.log"; exit 1
  fi
  kill $app; wait $app 2> /dev/null || true
' _ "${clean[@]}"
echo "   ok: the window opened"

echo "== 4. the tray node (/usr/bin/e2a-node): Start at login, and its entry"
"$ROOT/packaging/linux/check-autostart.sh" /usr/bin/e2a-node "$TMP/home" "$OUT" "${clean[@]}"

echo "== 5. the service enabled (as packaging/README says), then purge: nothing left"
"${SUDO[@]}" systemctl enable e2a-node.service > "$OUT/enable.log" 2>&1 \
  || { cat "$OUT/enable.log"; exit 1; }
"${SUDO[@]}" dpkg --purge e2a > "$OUT/purge.log" 2>&1 || { cat "$OUT/purge.log"; exit 1; }
installed=no
left=()
while IFS= read -r path; do
  [ "$path" = "/." ] && continue
  if [ -e "$path" ] || [ -L "$path" ]; then
    grep -qxF "$path" "$TMP/existed-before" || left+=("$path")
  fi
done < "$TMP/listed"
[ -e /var/lib/e2a-node ] && left+=(/var/lib/e2a-node)
while IFS= read -r link; do left+=("$link"); done \
  < <(find /etc/systemd/system -name e2a-node.service 2> /dev/null)
getent passwd e2a-node > /dev/null && left+=("user e2a-node")
getent group e2a-node > /dev/null && left+=("group e2a-node")
if [ "${#left[@]}" -gt 0 ]; then
  echo "   FAILED: left after purge:"; printf '     %s\n' "${left[@]}"; exit 1
fi
echo "   ok: every path it installed, its service's enablement, user and data are gone"
echo "== the installed .deb works and leaves nothing"
