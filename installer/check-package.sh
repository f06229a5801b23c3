#!/usr/bin/env bash
# After `make package`: install the .deb on this machine (as root; apt pulls in every
# runtime dependency), verify the installed systemd units, and start the installed
# program: `loket --version` and the kiosk window saved as a screenshot. CI runs this.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(.venv/bin/python -c 'import loket; print(loket.__version__)')
DEB=$PWD/build/loket_${VERSION}_amd64.deb
start=$(date +%s)
[ "$(id -u)" -eq 0 ] || { echo "check-package.sh installs a .deb: run it as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --reinstall --no-install-recommends "$DEB" >/dev/null
echo "installed: $(dpkg-query -W -f='${Package} ${Version}' loket)"

getent passwd loket >/dev/null || { echo "no user loket" >&2; exit 1; }
echo "user loket in groups: $(id -nG loket)"
units=(/usr/lib/systemd/system/loket-kiosk.service /usr/lib/systemd/system/loket-display.service
       /usr/lib/systemd/system/loket-purge.service /usr/lib/systemd/system/loket-purge.timer)
SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "${units[@]}"
echo "systemd-analyze verify: ${#units[@]} units OK"
udevadm verify /usr/lib/udev/rules.d/60-loket.rules 2>/dev/null \
  || echo "(udevadm verify not available on this systemd version)"

# Every shared library of the bundle finds what it needs (a trimmed Qt library, or a
# Debian package missing from Depends, shows up here rather than on a kiosk).
missing=$(find /opt/loket -name '*.so*' -type f -print0 \
  | LD_LIBRARY_PATH=/opt/loket/_internal:/opt/loket/_internal/PySide6/Qt/lib xargs -0 ldd 2>/dev/null \
  | grep 'not found' | sort -u || true)
if [ -n "$missing" ]; then echo "libraries not found:"; echo "$missing"; exit 1; fi

/usr/bin/loket --version
tmp=$(mktemp -d)
chown loket "$tmp"
# As the service user, with a database of its own: the kiosk from the installed files.
run() { runuser -u loket -- env LOKET_DATABASE_URL="sqlite:///$tmp/loket.db" QT_QPA_PLATFORM=offscreen "$@"; }
run /usr/bin/loket db upgrade
run /usr/bin/loket config apply /opt/loket/_internal/assets/demo/municipality.toml >/dev/null
run /usr/bin/loket kiosk --screenshot "$tmp/kiosk.png"
python3 - "$tmp/kiosk.png" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert w >= 640 and h >= 480, (w, h)
print(f"kiosk screenshot from the installed files: {w}x{h}, {len(data)} bytes")
PY
mkdir -p build && cp "$tmp/kiosk.png" build/installed-kiosk.png
# The Inno Setup script and the units name only programs and commands the bundle has.
LOKET_BUNDLE=/opt/loket QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest -q -p no:cacheprovider \
  tests/installer
rm -rf "$tmp"
echo "package check: $(( $(date +%s) - start )) s"
