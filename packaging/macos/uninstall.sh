#!/bin/sh
# Remove the Vigil agent from macOS: sudo ./uninstall.sh [--purge]
# Without --purge the state directory (device key, spool) stays, so a reinstall resumes as the same device.
set -eu
[ "$(id -u)" = 0 ] || { echo "run as root (sudo)" >&2; exit 1; }
PLIST=/Library/LaunchDaemons/com.vigil.agent.plist
launchctl bootout system "$PLIST" 2>/dev/null || true
rm -f "$PLIST" /usr/local/vigil/vigil-agent
rmdir /usr/local/vigil 2>/dev/null || true
if [ "${1:-}" = "--purge" ]; then rm -rf "/Library/Application Support/Vigil"; fi
