/**
 * The replay id to resume each Pub/Sub topic from: saved in the same commit as the batch of events before it (see
 * RelayStore.ingest), so a replay id is never stored for an event that is not.
 */
import type { RelayDatabase } from '../platform/db/relay-database.js';

export class ReplayCheckpoints {
  private readonly statements;

  /** save() runs inside the caller's transaction. */
  constructor(db: RelayDatabase) {
    this.statements = {
      save: db.prepare(
        `INSERT INTO checkpoints (topic, replay_id, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (topic) DO UPDATE SET replay_id = excluded.replay_id, updated_at = excluded.updated_at`,
      ),
      byTopic: db.prepare(`SELECT replay_id FROM checkpoints WHERE topic = ?`),
    };
  }

  save(topic: string, replayId: string, now: number): void {
    this.statements.save.run(topic, replayId, now);
  }

  /** The replay id after the last stored batch; undefined before the first. */
  of(topic: string): string | undefined {
    return (this.statements.byTopic.get(topic) as { replay_id: string } | undefined)?.replay_id;
  }
}
