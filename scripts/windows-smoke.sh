#!/usr/bin/env bash
# Windows smoke test: build the Windows binary (x86_64-pc-windows-gnu) and run
# it under wine beside the Linux binary, comparing what each prints.
#
#   scripts/windows-smoke.sh            # needs: rustup target, MinGW, wine
#   SMOKE_INSTALL=1 scripts/windows-smoke.sh   # installs them first (apt, rustup)
#   SMOKE_KEEP=1 scripts/windows-smoke.sh      # keeps the outputs to read
#
# Compared, after normalising the binary's name, line endings and timings:
# --help, quote, demo --residents 20000 (then the two databases' progress
# reports), find, report progress --json, a GBK CSV import (deaths) and an
# xlsx export (its sheets' XML). Also: the default database lands under
# %APPDATA% in the wine prefix. Exit status 1 on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=x86_64-pc-windows-gnu

if [[ "${SMOKE_INSTALL:-0}" == 1 ]]; then
  if ! command -v x86_64-w64-mingw32-gcc >/dev/null || ! command -v wine >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-mingw-w64-x86-64 wine wine64 >/dev/null
  fi
  rustup target add "$TARGET" >/dev/null
fi

cargo build --release --quiet
cargo build --release --quiet --target "$TARGET"
LIN="$PWD/target/release/zhengjiao"
WIN_EXE="$PWD/target/$TARGET/release/zhengjiao.exe"

WORK=$(mktemp -d)
# SMOKE_KEEP=1 keeps the folder (both sides' outputs, databases, prefix).
if [[ "${SMOKE_KEEP:-0}" == 1 ]]; then
  trap 'wineserver -k 2>/dev/null || true; echo "kept: $WORK"' EXIT
else
  trap 'wineserver -k 2>/dev/null || true; rm -rf "$WORK"' EXIT
fi
export WINEPREFIX="$WORK/wineprefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY  # console program: no windows, no dialogs
WINE=$(command -v wine)
# A fresh 64-bit prefix; wineboot must have finished before the program runs.
# ("wine32 is missing" on stderr is harmless for a 64-bit program.)
t0=$SECONDS
wineboot --init >/dev/null 2>&1
wineserver -w
# Rust's std (1.78+) imports ProcessPrng from bcryptprimitives.dll, which
# every Windows 10/11 has but wine 8.0 lacks: the .exe would exit with 53
# (c0000135) before main, printing nothing. Give the prefix a stand-in
# built with MinGW that forwards to RtlGenRandom (advapi32!SystemFunction036).
# Real Windows has its own; a prefix that already has the DLL keeps it.
if [[ ! -e "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" ]]; then
  cat >"$WORK/bcp.c" <<'C'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buf, ULONG len);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    len -= chunk;
  }
  return TRUE;
}
C
  x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    "$WORK/bcp.c" -ladvapi32
fi
echo "wine prefix ready ($(wine --version), $((SECONDS - t0)) s)"
win() { "$WINE" "$WIN_EXE" "$@"; }
lin() { "$LIN" "$@"; }
mkdir -p "$WORK/lin" "$WORK/win"

# One line per difference-free step; the first difference ends the run.
fails=0
norm() {
  # The binary's name, CR of a console, timings and the working folders.
  sed -e 's/\r$//' -e 's/zhengjiao\.exe/zhengjiao/g' \
      -e "s#$WORK/lin#WORK#g" -e "s#$WORK/win#WORK#g" \
      -e 's/[0-9]\+\(\.[0-9]\+\)\? \?\(s\|ms\|秒\)\b/T/g'
}
same() {
  local name=$1
  if diff -u <(norm <"$WORK/lin.$name") <(norm <"$WORK/win.$name") >"$WORK/diff.$name"; then
    echo "same: $name"
  else
    echo "DIFFERENT: $name"; head -40 "$WORK/diff.$name"; fails=1
  fi
}
both() {
  # both NAME ARGS...: run the same command line with each binary; the
  # database paths differ only by lin/win.
  local name=$1; shift
  local args=("$@")
  lin "${args[@]//@/$WORK/lin}" >"$WORK/lin.$name" 2>&1 || echo "exit $?" >>"$WORK/lin.$name"
  win "${args[@]//@/$WORK/win}" >"$WORK/win.$name" 2>&1 || echo "exit $?" >>"$WORK/win.$name"
  same "$name"
}

both help --help
both quote quote --year 2025 --birth 1970-05-01 --json
both quote-id quote --year 2025 --id 370406197005011234 --tier 500
both demo --db @/demo.db demo --residents 20000 --seed 11
both find --db @/demo.db find 王 --limit 15 --json
both progress --db @/demo.db report progress --json
both progress-text --db @/demo.db report progress
# Each binary reads the other's file: the same database either way.
lin --db "$WORK/win/demo.db" report progress --json >"$WORK/lin.cross" 2>&1
win --db "$WORK/lin/demo.db" report progress --json >"$WORK/win.cross" 2>&1
same cross

# A GBK CSV from another office: three deaths among the demo's residents.
python3 - "$WORK/lin/demo.db" "$WORK/deaths.csv" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
rows = c.execute("SELECT name, id_number FROM residents WHERE deceased_on IS NULL ORDER BY id LIMIT 3").fetchall()
text = "姓名,身份证号码,死亡日期\r\n" + "".join(f"{n},{i},2024-10-0{k+1}\r\n" for k, (n, i) in enumerate(rows))
open(sys.argv[2], "wb").write(text.encode("gbk"))
PY
both import-gbk --db @/demo.db import deaths "$WORK/deaths.csv" --encoding gbk --json
both check --db @/demo.db check

# An xlsx export; the workbooks' sheets and strings must be the same.
both export-all --db @/demo.db export bulletin --out @/bulletin.xlsx
for side in lin win; do
  python3 - "$WORK/$side/bulletin.xlsx" >"$WORK/$side.xlsx-content" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for name in sorted(z.namelist()):
    if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml" or name == "xl/workbook.xml":
        print(name); print(z.read(name).decode())
PY
done
same xlsx-content

# The default database (no --db) lives under %APPDATA%: a small demo built
# there, then opened again by another command.
env -u ZHENGJIAO_DB "$WINE" "$WIN_EXE" demo --residents 50 --seed 1 >"$WORK/win.appdata" 2>&1 || true
env -u ZHENGJIAO_DB "$WINE" "$WIN_EXE" user whoami >>"$WORK/win.appdata" 2>&1 || echo "exit $?" >>"$WORK/win.appdata"
appdata=$(find "$WINEPREFIX/drive_c/users" -path '*AppData/Roaming*' -name zhengjiao.db 2>/dev/null | head -1)
if [[ -n "$appdata" ]]; then
  echo "same: default database under %APPDATA% (${appdata#"$WINEPREFIX"/})"
else
  echo "DIFFERENT: no default database under %APPDATA%"; cat "$WORK/win.appdata"; fails=1
fi

ls -l "$WIN_EXE" | awk '{print "windows binary: " $5 " bytes"}'
if [[ $fails == 0 ]]; then echo "windows smoke: all the same"; else echo "windows smoke: differences above"; fi
exit $fails
