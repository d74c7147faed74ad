#!/usr/bin/env bash
# The Salesforce CLI workflow of this project, for teams with a Dev Hub or an org the sf CLI knows
# (`sf org login web --alias <alias>`). Nothing here runs in CI: no org is reachable there. See the README's
# "Deploying to a scratch org" and "Packaging" sections.
#
#   scripts/org.sh create [alias]            scratch org from config/project-scratch-def.json (default alias: gentrack)
#   scripts/org.sh deploy [alias]            deploy force-app/
#   scripts/org.sh test [alias]              run the Apex tests with code coverage
#   scripts/org.sh package-create            create the unlocked package (writes its 0Ho id into sfdx-project.json)
#   scripts/org.sh package-version           build a package version with code coverage
#   scripts/org.sh package-install <04t id> [alias]
#   scripts/org.sh test-org                  deploy, run the Apex tests and the relay's org suite (test/org) in the
#                                            org GENTRACK_TEST_ORG names
set -euo pipefail
cd "$(dirname "$0")/.."
export SF_DISABLE_TELEMETRY=true SF_AUTOUPDATE_DISABLE=true SF_SKIP_NEW_VERSION_CHECK=true

need_sf() {
  command -v sf >/dev/null 2>&1 || { echo "the Salesforce CLI is not installed: npm install --global @salesforce/cli@2.146" >&2; exit 2; }
}

command=${1:-}
case "$command" in
  create)
    need_sf
    sf org create scratch --definition-file config/project-scratch-def.json --alias "${2:-gentrack}" --duration-days 7 --set-default
    ;;
  deploy)
    need_sf
    sf project deploy start --source-dir force-app --target-org "${2:-gentrack}" --wait 30
    ;;
  test)
    need_sf
    sf apex run test --target-org "${2:-gentrack}" --code-coverage --result-format human --wait 20
    ;;
  package-create)
    need_sf
    sf package create --name "Gentrack Connector" --package-type Unlocked --path force-app --no-namespace
    ;;
  package-version)
    need_sf
    sf package version create --package "Gentrack Connector" --installation-key-bypass --code-coverage --wait 60
    ;;
  package-install)
    need_sf
    [ -n "${2:-}" ] || { echo "usage: scripts/org.sh package-install <04t package version id> [alias]" >&2; exit 2; }
    sf package install --package "$2" --target-org "${3:-gentrack}" --wait 30 --security-type AdminsOnly
    ;;
  test-org)
    if [ -z "${GENTRACK_TEST_ORG:-}" ]; then
      echo "test:org NOT RUN: set GENTRACK_TEST_ORG to an org alias the sf CLI knows. This is not a pass." >&2
      exit 2
    fi
    for name in GENTRACK_TEST_ORG_CLIENT_ID GENTRACK_TEST_ORG_CLIENT_SECRET; do
      [ -n "${!name:-}" ] || { echo "test:org NOT RUN: $name is not set (see test/org/org-target.ts). This is not a pass." >&2; exit 2; }
    done
    need_sf
    sf project deploy start --source-dir force-app --target-org "$GENTRACK_TEST_ORG" --wait 30
    sf apex run test --target-org "$GENTRACK_TEST_ORG" --code-coverage --result-format human --wait 20
    # The relay against the org's real Pub/Sub endpoint, with the Gentrack stand-in on this machine.
    node --import tsx --test --test-force-exit --test-reporter=spec test/org/*.test.ts
    ;;
  *)
    sed -n '2,14p' "$0" >&2
    exit 2
    ;;
esac
