/** `sf gentrack credentials create`. */
import { CredentialsCommand, credentialsFlags } from '../../credentials-command.js';

export default class CredentialsCreate extends CredentialsCommand {
  public static override readonly summary =
    "Register the relay API client, print its secret once and push it to the org's External Credential.";
  public static override readonly examples = [
    '<%= config.bin %> <%= command.id %> --target-org acme --config relay.yaml',
  ];
  public static override readonly flags = credentialsFlags;
  protected readonly action = 'create';
}
