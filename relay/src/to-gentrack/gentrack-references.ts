/**
 * The Gentrack reference (account number, customer number) of each Salesforce record, learnt when Gentrack answered
 * a call for it: a later call for a child record (a contact of the account) names its parent by it.
 */
import type { RelayDatabase } from '../platform/db/relay-database.js';

export class GentrackReferences {
  private readonly statements;

  constructor(db: RelayDatabase) {
    this.statements = {
      upsert: db.prepare(
        `INSERT INTO gentrack_references (object_type, record_id, reference) VALUES (?, ?, ?)
         ON CONFLICT (object_type, record_id) DO UPDATE SET reference = excluded.reference`,
      ),
      byRecord: db.prepare(`SELECT reference FROM gentrack_references WHERE object_type = ? AND record_id = ?`),
    };
  }

  /** Records (or replaces) a record's reference. */
  remember(objectType: string, recordId: string, reference: string): void {
    this.statements.upsert.run(objectType, recordId, reference);
  }

  of(objectType: string, recordId: string): string | undefined {
    return (this.statements.byRecord.get(objectType, recordId) as { reference: string } | undefined)?.reference;
  }
}
