#!/bin/sh
# Install or upgrade the Vigil agent on macOS: sudo ./install.sh vigil-agent-darwin-x64 ['vigil+https://…' enrolment string]
# The binary must already be signed (codesign --sign - for ad hoc, or a Developer ID): postject's
# injection invalidates Node's signature and Apple Silicon and Gatekeeper refuse unsigned binaries.
# Upgrade = run again with the new binary: the state directory (device key, spool) is kept.
set -eu
BIN=${1:?usage: install.sh BINARY [ENROLMENT-STRING]}
ENROL=${2:-}
DIR=/usr/local/vigil
STATE="/Library/Application Support/Vigil/agent"
PLIST=/Library/LaunchDaemons/com.vigil.agent.plist
HERE=$(cd "$(dirname "$0")" && pwd)

[ "$(id -u)" = 0 ] || { echo "run as root (sudo)" >&2; exit 1; }
launchctl bootout system "$PLIST" 2>/dev/null || true
install -d -m 0755 "$DIR"
install -m 0755 "$BIN" "$DIR/vigil-agent.new"
mv -f "$DIR/vigil-agent.new" "$DIR/vigil-agent"
install -d -m 0700 "$STATE"
[ -f "/Library/Application Support/Vigil/agent.yaml" ] || install -m 0644 "$HERE/../linux/agent.yaml" "/Library/Application Support/Vigil/agent.yaml"
install -m 0644 "$HERE/com.vigil.agent.plist" "$PLIST"
if [ -n "$ENROL" ] && [ ! -f "$STATE/enrolment.json" ]; then
  "$DIR/vigil-agent" enroll "$ENROL" --state "$STATE"
fi
launchctl bootstrap system "$PLIST"
"$DIR/vigil-agent" --version
