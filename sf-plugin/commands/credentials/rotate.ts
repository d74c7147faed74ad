/** `sf gentrack credentials rotate`. */
import { CredentialsCommand, credentialsFlags } from '../../credentials-command.js';

export default class CredentialsRotate extends CredentialsCommand {
  public static override readonly summary =
    'Give the relay API client a new secret (the old one stops getting tokens at once) and push it to the org.';
  public static override readonly examples = [
    '<%= config.bin %> <%= command.id %> --target-org acme --config relay.yaml',
  ];
  public static override readonly flags = credentialsFlags;
  protected readonly action = 'rotate';
}
