#!/usr/bin/env bash
# The project's whole test suite: the README's test command (`npm test`) and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_SKIP_NEW_VERSION_CHECK=true

echo "== typecheck"
npx tsc --noEmit

echo "== lint (typescript-eslint, import boundaries)"
npx eslint .

echo "== format (prettier, .prettierrc.json)"
npx prettier --check --log-level warn "**/*.ts"

echo "== compile dist/ (what bin/gentrack-sf.js runs)"
npm run build --silent

echo "== generated metadata is current"
node bin/gentrack-sf.js generate --check

if [ -d force-app/main/default/lwc ]; then
  echo "== LWC jest"
  # Options after -- go to Jest; sfdx-lwc-jest refuses its own unknown options but still exits 0.
  npx sfdx-lwc-jest -- --silent
fi

echo "== node tests"
mapfile -t files < <(find bin cli generators model relay sandbox scripts sf-plugin test -name '*.test.ts' -not -path '*/node_modules/*' -not -path 'test/fixtures/*' | sort)
# --test-force-exit: a file whose tests have all reported ends even if something still holds the event loop (a
# failed test that skipped its cleanup), so a failure fails the run instead of hanging it until CI's time limit.
node --import tsx --test --test-concurrency=2 --test-force-exit --test-reporter=spec "${files[@]}"
