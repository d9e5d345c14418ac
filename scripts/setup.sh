#!/usr/bin/env bash
# Sets Polytask up on a fresh Debian/Ubuntu machine; idempotent, so it is also the "rebuild everything" command.
#   1. system packages: OpenBLAS and oneDNN (the native CPU kernels: matmuls on OpenBLAS; convolutions, batch norm
#      and large element-wise ops on oneDNN, the library PyTorch's CPU kernels run on), DejaVu fonts (text in report
#      charts) and Open MPI (data-parallel training: mpirun and the headers of the MPI addon), installed with apt-get
#      when missing (as root, or through sudo);
#   2. npm ci (exact versions from package-lock.json);
#   3. the Node-API addons @polytask/cpu-kernels and @polytask/mpi (node-gyp against the installed Node headers, no
#      download);
#   4. tsc -b over every package and app, so the `polytask-*` bins run from the repo root with npx.
# Usage: scripts/setup.sh [--strict-native]   (--strict-native: fail when an addon cannot be built, the CPU kernels
#        with both OpenBLAS and oneDNN, as CI does)
set -euo pipefail
cd "$(dirname "$0")/.."

strict=""
[[ "${1:-}" == "--strict-native" ]] && strict="--strict"

wanted=(libopenblas-dev libdnnl-dev fonts-dejavu-core openmpi-bin libopenmpi-dev)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""
  [[ "$(id -u)" != "0" ]] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
  if command -v apt-get >/dev/null 2>&1; then
    echo "[setup] apt-get install ${missing[*]}"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "[setup] no apt-get: install ${missing[*]} (OpenBLAS with cblas.h; oneDNN 2.x with oneapi/dnnl/dnnl.hpp; any sans-serif font; an MPI with mpicc) yourself" >&2
  fi
fi

echo "[setup] npm ci"
npm ci --no-fund --no-audit

echo "[setup] native kernels"
node packages/cpu-kernels/scripts/build.js $strict
node -e "import('@polytask/cpu-kernels').then((m) => { const k = m.loadCpuKernels(); console.log('[setup] cpu-kernels addon:', k ? 'loaded ' + JSON.stringify(k.info()) : 'not available (' + m.loadFailure() + '); the plain kernels will be used'); })"
node packages/mpi/scripts/build.js $strict
node -e "import('@polytask/mpi').then((m) => { console.log('[setup] mpi addon:', m.loadMpi() ? 'loaded' : 'not available (' + m.loadFailure() + '); training runs on one process'); })"

echo "[setup] build"
npm run build
echo "[setup] done: try  npx polytask-recsys train --config apps/recsys/configs/demo.yaml --out runs/demo"
