#!/bin/sh
# Installs the PyTorch CPU side of benchmarks/prm.ts: Debian's python3-torch (1.13 on bookworm) with OpenBLAS,
# for /usr/bin/python3 (not a pyenv/venv python). Not run by CI; needs root (or sudo) and a Debian/Ubuntu apt.
# Afterwards: npx tsx benchmarks/prm.ts   (it finds /usr/bin/python3 + torch by itself, or says why it skipped)
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 python3-torch libopenblas0
/usr/bin/python3 -c 'import torch; print("torch", torch.__version__, "threads", torch.get_num_threads())'
