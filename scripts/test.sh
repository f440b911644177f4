#!/usr/bin/env bash
# The project's test command (README): Rust unit tests of the core, then the Python suite
# against the installed package. Slow/benchmark tests are opt-in: `pytest -m slow`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked -p hebbian_core
python3 -m pytest -q "$@"
