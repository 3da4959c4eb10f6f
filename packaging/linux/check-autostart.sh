#!/usr/bin/env bash
# Tick the tray node's "Start at login" and start the node from the command the autostart
# entry holds, as a login session would; used by check-linux.sh and check-deb.sh.
#   check-autostart.sh NODE_PROGRAM HOME LOG_DIR [ENV_COMMAND…]
# Runs under Xvfb (no tray there: the node's window, driven with xdotool's keyboard).
# ENV_COMMAND (e.g. `env -i HOME=… PATH=…`) is the clean environment both run in.
set -euo pipefail
node_program="$1" home="$2" logs="$3"
shift 3
entry="$home/.config/autostart/e2a-node.desktop"
xvfb-run -a -s "-screen 0 1024x768x24" bash -c '
  set -e
  node_program="$1" entry="$2" logs="$3"
  shift 3
  "$@" DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" "$node_program" > "$logs/autostart.log" 2>&1 &
  node=$!
  wid=$(timeout 120 xdotool search --sync --onlyvisible --name "^e2a node$" | head -1)
  xdotool windowfocus --sync "$wid" || true
  # Tab from control to control and press Space until the entry appears (Escape closes
  # whatever else Space opened: the join dialog, the threads list).
  for _ in $(seq 1 15); do
    xdotool key --window "$wid" Tab; sleep 0.3
    xdotool key --window "$wid" space; sleep 0.5
    [ -f "$entry" ] && break
    xdotool key --window "$wid" Escape; sleep 0.3
  done
  kill $node; wait $node 2> /dev/null || true
  if [ ! -f "$entry" ]; then echo "   FAILED: Start at login wrote no $entry"; exit 1; fi
  command=$(sed -n "s/^Exec=//p" "$entry")
  echo "   the entry runs: $command"
  eval "words=($command)"  # the Exec line is quoted for a shell
  "$@" DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" "${words[@]}" > "$logs/autostart-run.log" 2>&1 &
  started=$!
  if ! timeout 120 xdotool search --sync --onlyvisible --name "^e2a node$" > /dev/null; then
    echo "   FAILED: the entry did not start the node; its output:"
    cat "$logs/autostart-run.log"; exit 1
  fi
  kill $started; wait $started 2> /dev/null || true
' _ "$node_program" "$entry" "$logs" "$@"
echo "   ok: the entry starts the tray node"
