#!/bin/sh
# /usr/bin/loket: the installed program (/opt/loket/loket) with this PC's settings from
# /etc/loket/loket.env, so a command typed by the administrator ("sudo loket db upgrade")
# sees the same database as the kiosk. Variables already set win over the file.
set -e
if [ -r /etc/loket/loket.env ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    name=${line%%=*}
    case "$name" in *[!A-Za-z0-9_]*|'') continue ;; esac
    eval "current=\${$name+set}"
    [ "$current" = set ] || export "$name=${line#*=}"
  done < /etc/loket/loket.env
fi
: "${LOKET_DATABASE_URL:=sqlite:////var/lib/loket/loket.db}"
if [ -z "${LOKET_HARDWARE_CONFIG:-}" ] && [ -r /etc/loket/hardware.toml ]; then
  LOKET_HARDWARE_CONFIG=/etc/loket/hardware.toml
fi
export LOKET_DATABASE_URL
[ -n "${LOKET_HARDWARE_CONFIG:-}" ] && export LOKET_HARDWARE_CONFIG
exec /opt/loket/loket "$@"
