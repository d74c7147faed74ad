/** `sf gentrack validate-org`: gentrack-sf validate-org's check on an sf org alias. */
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { formatOrgValidation, type OrgValidation } from '../../relay/src/validate-org/check-org.js';
import { validateOrgOn } from '../../relay/src/validate-org/run-validate-org.js';
import { orgConnection, targetOrgFlags } from '../target-org.js';

export default class ValidateOrg extends SfCommand<OrgValidation & { migrationFile?: string }> {
  public static override readonly summary =
    'Check the org has every field, object, permission set and trigger the Gentrack connector needs.';
  public static override readonly description =
    "Validate Data Model: the connector model's fields (types, lengths, External ID flags), the platform event, the " +
    'kill-switch setting, permission sets, triggers, Contacts to Multiple Accounts and Quotes, and Apex already in ' +
    "the org that a deploy would replace (Gentrack's sample connector included). Exits 1 when anything is missing.";
  public static override readonly examples = [
    '<%= config.bin %> <%= command.id %> --target-org acme',
    '<%= config.bin %> <%= command.id %> --target-org acme --write-migration manifest/migration',
  ];
  public static override readonly flags = {
    ...targetOrgFlags,
    'write-migration': Flags.directory({
      summary: "Write destructiveChanges.xml here when Gentrack's sample connector is in the org.",
    }),
  };

  public async run(): Promise<OrgValidation & { migrationFile?: string }> {
    const { flags } = await this.parse(ValidateOrg);
    const outcome = await validateOrgOn(orgConnection(flags['target-org'], flags['api-version']), {
      ...(flags['write-migration'] ? { migrationDir: flags['write-migration'] } : {}),
      notice: (text) => this.info(text),
    });
    this.log(formatOrgValidation(outcome.validation, `${this.config.bin} gentrack validate-org`));
    process.exitCode = outcome.exitCode;
    return { ...outcome.validation, ...(outcome.migrationFile ? { migrationFile: outcome.migrationFile } : {}) };
  }
}
