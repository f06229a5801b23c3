#!/usr/bin/env bash
# make package: the PyInstaller one-folder bundle (build/dist/loket/) and the Debian
# package build/loket_<version>_amd64.deb. From the repository root; safe to run again.
#
#   installer/package.sh            bundle + .deb
#   installer/package.sh --deb      only the .deb, from the bundle already built
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=.venv/bin/python
BUILD=build
DIST=$BUILD/dist/loket
VERSION=$($PY -c 'import loket; print(loket.__version__)')

if [ "${1:-}" != "--deb" ]; then
  # Any Qt Linguist source left must be compiled (the languages are JSON catalogues now).
  for ts in assets/translations/*.ts; do
    [ -e "$ts" ] || continue
    qm=${ts%.ts}.qm
    [ -s "$qm" ] && [ "$qm" -nt "$ts" ] || { echo "missing $qm: run 'make translations'" >&2; exit 1; }
  done
  start=$(date +%s)
  $PY -m PyInstaller --noconfirm --log-level WARN \
    --distpath "$BUILD/dist" --workpath "$BUILD/pyinstaller" installer/loket.spec
  echo "bundle: $(du -sm "$DIST" | cut -f1) MB, $(find "$DIST" -type f | wc -l) files," \
    "built in $(( $(date +%s) - start )) s"
fi
[ -x "$DIST/loket" ] || { echo "no bundle in $DIST: run installer/package.sh without --deb" >&2; exit 1; }

# The Debian package: a staging tree, then dpkg-deb. Root owns every file (--root-owner-group).
STAGE=$BUILD/deb/loket_${VERSION}_amd64
rm -rf "$STAGE"
install -d "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/lib/systemd/system" \
  "$STAGE/usr/lib/udev/rules.d" "$STAGE/usr/share/doc/loket"
cp -a "$DIST" "$STAGE/opt/loket"
install -m 0755 installer/linux/loket-wrapper.sh "$STAGE/usr/bin/loket"
install -m 0644 installer/linux/loket-kiosk.service installer/linux/loket-display.service \
  installer/linux/loket-purge.service installer/linux/loket-purge.timer \
  "$STAGE/usr/lib/systemd/system/"
install -m 0644 installer/linux/60-loket.rules "$STAGE/usr/lib/udev/rules.d/"
install -m 0644 installer/linux/loket.env.example installer/hardware.example.toml \
  installer/README.md "$STAGE/usr/share/doc/loket/"
install -m 0755 installer/debian/postinst installer/debian/prerm installer/debian/postrm \
  "$STAGE/DEBIAN/"
SIZE=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@SIZE@/$SIZE/" installer/debian/control.in \
  > "$STAGE/DEBIAN/control"
DEB=$BUILD/loket_${VERSION}_amd64.deb
# gzip -1: fast on two cores; xz would take minutes for a 300 MB tree.
dpkg-deb --root-owner-group -Zgzip -z1 --build "$STAGE" "$DEB" >/dev/null
rm -rf "$BUILD/deb"
echo "package: $ROOT/$DEB ($(du -m "$DEB" | cut -f1) MB)"
