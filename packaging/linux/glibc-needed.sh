#!/usr/bin/env bash
# The oldest glibc a folder of programs runs on: the highest GLIBC_x.y that any of its ELF
# files asks of the system's libc (read with objdump, as PyInstaller itself needs it).
#   packaging/linux/glibc-needed.sh build/linux/dist/e2a     # prints e.g. 2.36
# build-linux.sh writes it into the .deb's `Depends: libc6 (>= …)`: PyInstaller copies some
# libraries from the build system (libstdc++, libexpat…), so the answer is that system's
# glibc or a wheel's manylinux level, whichever is higher.
set -euo pipefail
folder="${1:?usage: glibc-needed.sh FOLDER}"
version="$(
  { find "$folder" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
      | xargs -0 -r objdump -T 2> /dev/null || true; } \
    | awk '/\*UND\*/ { for (i = 1; i <= NF; i++) if ($i ~ /^\(?GLIBC_[0-9.]+\)?$/) {
             v = $i; gsub(/[()]|GLIBC_/, "", v); print v } }' \
    | sort -Vu | tail -n 1
)"
if [ -z "$version" ]; then
  echo "glibc-needed.sh: no ELF file under $folder asks for a GLIBC_ version" >&2
  exit 1
fi
echo "$version"
