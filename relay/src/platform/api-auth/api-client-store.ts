/**
 * The relay's registered API client (the Salesforce org calling through its Named Credential): its id and the hash
 * of its current secret. One client is active at a time; `gentrack-sf credentials create | rotate | revoke` changes
 * it, and the token endpoint reads it on every request, so a rotation takes effect at once in a running relay.
 */
import type { RelayDatabase } from '../db/relay-database.js';
import { RelayError } from '../errors.js';

export interface ApiClient {
  readonly clientId: string;
  /** undefined once revoked: no secret can mint tokens. */
  readonly secretHash: string | undefined;
  readonly status: 'active' | 'revoked';
  readonly createdAt: number;
  readonly secretSetAt: number;
  readonly revokedAt: number | undefined;
}

export class ApiClientError extends RelayError {
  constructor(
    readonly code: 'API_CLIENT_EXISTS' | 'NO_ACTIVE_API_CLIENT',
    message: string,
  ) {
    super(message);
    this.name = 'ApiClientError';
  }
}

interface ClientRow {
  client_id: string;
  secret_hash: string | null;
  status: 'active' | 'revoked';
  created_at: number;
  secret_set_at: number;
  revoked_at: number | null;
}

export class ApiClientStore {
  private readonly statements;

  constructor(private readonly db: RelayDatabase) {
    this.statements = {
      byId: db.prepare(`SELECT * FROM api_clients WHERE client_id = ?`),
      active: db.prepare(`SELECT * FROM api_clients WHERE status = 'active' ORDER BY created_at DESC LIMIT 1`),
      latest: db.prepare(`SELECT * FROM api_clients ORDER BY created_at DESC, rowid DESC LIMIT 1`),
      insert: db.prepare(
        `INSERT INTO api_clients (client_id, secret_hash, status, created_at, secret_set_at) VALUES (?, ?, 'active', ?, ?)`,
      ),
      setSecret: db.prepare(
        `UPDATE api_clients SET secret_hash = ?, secret_set_at = ? WHERE client_id = ? AND status = 'active'`,
      ),
      revoke: db.prepare(
        `UPDATE api_clients SET secret_hash = NULL, status = 'revoked', revoked_at = ? WHERE client_id = ? AND status = 'active'`,
      ),
    };
  }

  find(clientId: string): ApiClient | undefined {
    const row = this.statements.byId.get(clientId) as ClientRow | undefined;
    return row && toClient(row);
  }

  active(): ApiClient | undefined {
    const row = this.statements.active.get() as ClientRow | undefined;
    return row && toClient(row);
  }

  /** The active client, or else the one revoked last; undefined when none was ever registered. */
  current(): ApiClient | undefined {
    const row = (this.statements.active.get() ?? this.statements.latest.get()) as ClientRow | undefined;
    return row && toClient(row);
  }

  /** Registers a new client; refused while another is active (rotate or revoke that one). */
  create(clientId: string, secretHash: string, now = Date.now()): ApiClient {
    return this.db
      .transaction(() => {
        const existing = this.active();
        if (existing) {
          throw new ApiClientError(
            'API_CLIENT_EXISTS',
            `API client ${existing.clientId} is already active: rotate its secret (gentrack-sf credentials rotate) or revoke it first`,
          );
        }
        this.statements.insert.run(clientId, secretHash, now, now);
        return this.find(clientId)!;
      })
      .immediate();
  }

  /** Replaces the active client's secret: the old one can no longer mint tokens. */
  rotate(secretHash: string, now = Date.now()): ApiClient {
    return this.db
      .transaction(() => {
        const client = this.requireActive();
        this.statements.setSecret.run(secretHash, now, client.clientId);
        return this.find(client.clientId)!;
      })
      .immediate();
  }

  /** Revokes the active client: no secret can mint tokens until `create` registers a new client. */
  revoke(now = Date.now()): ApiClient {
    return this.db
      .transaction(() => {
        const client = this.requireActive();
        this.statements.revoke.run(now, client.clientId);
        return this.find(client.clientId)!;
      })
      .immediate();
  }

  private requireActive(): ApiClient {
    const client = this.active();
    if (!client) {
      throw new ApiClientError(
        'NO_ACTIVE_API_CLIENT',
        'there is no active API client: create one with gentrack-sf credentials create',
      );
    }
    return client;
  }
}

function toClient(row: ClientRow): ApiClient {
  return {
    clientId: row.client_id,
    secretHash: row.secret_hash ?? undefined,
    status: row.status,
    createdAt: row.created_at,
    secretSetAt: row.secret_set_at,
    revokedAt: row.revoked_at ?? undefined,
  };
}
