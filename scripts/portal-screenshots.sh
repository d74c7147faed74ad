#!/usr/bin/env bash
# The README's screenshots of the portal (docs/portal/*.png), taken again by the portal's browser tests in real
# headless Chromium (`npm run docs:screenshots`). The tests save a page only when GENTRACK_PORTAL_SCREENSHOTS names a
# folder (test/e2e/portal-screenshots.ts); this script empties the folder first, so no stale image survives, and fails
# when an image below was not taken or one was taken that is not listed (a renamed call, a new page to add here and
# to the README).
set -euo pipefail
shopt -s nullglob
cd "$(dirname "$0")/.."

out=docs/portal
# One image per page, as the README shows them.
expected=(
  sign-in
  sign-in-sso
  sso-refused
  overview
  dead-letters
  dead-letter
  dead-letter-discard
  audit-log
  validate-data-model
  named-credentials
  sync-history
  sync-run
  on-demand
  on-demand-job
  initial-sync-check
  initial-sync-outcome
)
tests=(
  test/e2e/portal-browser.test.ts
  test/e2e/portal-connector-pages.test.ts
  test/e2e/portal-initial-sync.test.ts
  test/e2e/portal-sso-browser.test.ts
)

rm -rf "$out"
mkdir -p "$out"
GENTRACK_PORTAL_SCREENSHOTS="$PWD/$out" \
  node --import tsx --test --test-concurrency=1 --test-force-exit --test-reporter=spec "${tests[@]}"

problems=0
for name in "${expected[@]}"; do
  if [ ! -s "$out/$name.png" ]; then
    echo "missing: $out/$name.png (no browser test took it)" >&2
    problems=1
  fi
done
for file in "$out"/*.png; do
  name=$(basename "$file" .png)
  if [[ ! " ${expected[*]} " == *" $name "* ]]; then
    echo "not expected: $file (add it to this script's list and to the README, or remove its screenshotForDocs call)" >&2
    problems=1
  fi
done
[ "$problems" -eq 0 ] || exit 1
echo "${#expected[@]} screenshots in $out/"
