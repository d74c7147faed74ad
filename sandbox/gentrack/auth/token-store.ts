import { randomBytes } from 'node:crypto';

export type TokenCheck = 'valid' | 'expired' | 'unknown';

export interface IssuedToken {
  accessToken: string;
  expiresInSeconds: number;
}

/** Sweep expired tokens once this many are held, so a long benchmark does not grow the map without end. */
const SWEEP_THRESHOLD = 10_000;

/** Access tokens issued by the token endpoint, each with its expiry time. */
export class TokenStore {
  private readonly expiryByToken = new Map<string, number>();
  private issued = 0;

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number,
  ) {}

  issue(): IssuedToken {
    if (this.expiryByToken.size >= SWEEP_THRESHOLD) this.sweepExpired();
    const accessToken = randomBytes(24).toString('base64url');
    this.expiryByToken.set(accessToken, this.now() + this.ttlSeconds * 1000);
    this.issued += 1;
    return { accessToken, expiresInSeconds: this.ttlSeconds };
  }

  check(accessToken: string): TokenCheck {
    const expiresAt = this.expiryByToken.get(accessToken);
    if (expiresAt === undefined) return 'unknown';
    if (this.now() < expiresAt) return 'valid';
    this.expiryByToken.delete(accessToken);
    return 'expired';
  }

  /** Every issued token stops working at once, as when Gentrack rotates its signing keys. */
  expireAll(): void {
    this.expiryByToken.clear();
  }

  get issuedCount(): number {
    return this.issued;
  }

  get activeCount(): number {
    this.sweepExpired();
    return this.expiryByToken.size;
  }

  private sweepExpired(): void {
    const now = this.now();
    for (const [token, expiresAt] of this.expiryByToken) if (expiresAt <= now) this.expiryByToken.delete(token);
  }
}
