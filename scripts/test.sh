#!/usr/bin/env bash
# The whole suite: typecheck, then every *.test.ts through node's test runner (via tsx).
# Node 20 does not expand globs or discover .ts files itself, so the list is explicit.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "typecheck: tsc --noEmit"
npx --no-install tsc --noEmit -p .
# The tests that run `tollgate` as a user would run the built CLI; after an edit to src/ it would
# otherwise run from source through tsx, several times slower to start (and slower still under load).
node scripts/build.mjs --if-stale
mapfile -t files < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
# The per-file bound is a hang guard, not a speed check: test/cli.test.ts starts the CLI ~30 times and took
# 334 s on a machine running two suites at once (70 s quiet).
exec node --import tsx --test --test-concurrency=2 --test-timeout=900000 "${files[@]}"
