#!/usr/bin/env bash
# Rebuild the weighting fixtures and their R references (needs: apt-get install -y r-base-core r-cran-survey).
set -euo pipefail
cd "$(dirname "$0")/../.."
.venv/bin/python bench/weighting/make_fixtures.py tests/weighting/fixtures
Rscript bench/weighting/reference.R tests/weighting/fixtures
