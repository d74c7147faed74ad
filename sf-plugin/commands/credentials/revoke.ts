/** `sf gentrack credentials revoke`. */
import { CredentialsCommand, credentialsFlags } from '../../credentials-command.js';

export default class CredentialsRevoke extends CredentialsCommand {
  public static override readonly summary =
    'Stop every secret of the relay API client from getting tokens, and remove it from the org.';
  public static override readonly examples = [
    '<%= config.bin %> <%= command.id %> --target-org acme --config relay.yaml',
  ];
  public static override readonly flags = credentialsFlags;
  protected readonly action = 'revoke';
}
