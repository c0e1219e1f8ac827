#!/usr/bin/env bash
# Fails if any given binary (or library it loads) links Qt 5.
set -u
status=0
for binary in "$@"; do
  if [ ! -e "$binary" ]; then echo "missing: $binary"; status=1; continue; fi
  qt5=$(ldd "$binary" | grep -E 'libQt5' || true)
  if [ -n "$qt5" ]; then
    echo "FAIL: $binary links Qt 5:"; echo "$qt5"; status=1
  else
    echo "ok: $(basename "$binary") links no Qt 5"
  fi
done
exit $status
