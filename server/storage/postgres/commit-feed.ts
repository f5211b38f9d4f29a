import { randomUUID } from 'node:crypto';
import type { CommitFeed, FeedRead } from '../../sync/commit-publisher.ts';
import type { Outcome } from '../../operations/outcome.ts';
import { changesSince } from '../../sync/changes-since.ts';
import type { PostgresDatabase } from './database.ts';
import { PostgresBankRepository } from './bank-repository.ts';
import { PostgresStoreRepository } from './store-repository.ts';

/** The channel every Tally process on the server notifies after a commit; the payload names the database. */
export const commitChannel = 'tally_commits';

/** The channel a process notifies after a sign-out ended sessions, so the others close their tabs on them now. */
export const sessionsEndedChannel = 'tally_sessions_ended';

/**
 * Other processes' commits, read from PostgreSQL. Each read is one REPEATABLE READ snapshot: its
 * `commit_seq` and the rows changed after the reader's position agree with each other. Because a
 * batch takes its number under the commit-order row lock and holds it until COMMIT, every number
 * at or below the snapshot's has committed and is in the snapshot: a late commit cannot be skipped.
 * NOTIFY only wakes readers early; the publisher polls besides, so a lost one delays, never loses.
 */
export class PostgresCommitFeed implements CommitFeed {
  readonly #pool: PostgresDatabase;
  readonly #databaseId: string;
  readonly #onRead: (seq: number) => void;
  /** Names this process in its notifications, so it does not wake itself. */
  readonly #sender = randomUUID();

  /** `onRead` learns the newest commit of each snapshot read. */
  constructor(pool: PostgresDatabase, databaseId: string, onRead: (seq: number) => void) {
    this.#pool = pool;
    this.#databaseId = databaseId;
    this.#onRead = onRead;
  }

  async readSince(afterSeq: number): Promise<FeedRead> {
    const read = await this.#pool.begin('ISOLATION LEVEL REPEATABLE READ READ ONLY', async (snapshot) => {
      // The snapshot's number and its changed rows are asked at once (the entries of its ledger rows
      // follow them), then the outcomes of the commits they cover: three round trips, not one per table.
      const snapshotSeq = snapshot<Array<{ value: number }>>`SELECT value FROM meta WHERE key = 'commit_seq'`.then(([row]) => row!.value);
      const changed = await changesSince(new PostgresStoreRepository(() => snapshot), new PostgresBankRepository(() => snapshot), afterSeq, snapshotSeq);
      const outcomes = await snapshot<Array<{ type: string; outcome: string }>>`
        SELECT request_type AS type, outcome FROM request_outcomes
        WHERE commit_seq > ${afterSeq} AND commit_seq <= ${changed.seq} AND request_type IS NOT NULL
        ORDER BY commit_seq, id`;
      return { ...changed, outcomes: outcomes.map(({ type, outcome }) => ({ type, outcome: JSON.parse(outcome) as Outcome<unknown> })) };
    });
    this.#onRead(read.seq);
    return read;
  }

  watch(onHint: () => void): Promise<() => Promise<void>> {
    return this.#listen(commitChannel, onHint);
  }

  /** Tells the other processes (at most once per batch, after its COMMIT: never inside one, where NOTIFY would serialize commits). */
  announce(seq: number): void {
    this.#notify(commitChannel, String(seq));
  }

  /**
   * Calls `onSignedOut` with the user whose sign-out on another process ended sessions (null when the
   * notification does not say); answers a function that stops watching.
   */
  watchSessionsEnded(onSignedOut: (userId: number | null) => void): Promise<() => Promise<void>> {
    return this.#listen(sessionsEndedChannel, (detail) => {
      const userId = Number(/^sign-out:(\d+)$/.exec(detail)?.[1]);
      onSignedOut(Number.isSafeInteger(userId) ? userId : null);
    });
  }

  /** After a sign-out's commit: the other processes check at once which of their tabs' sessions ended. */
  announceSessionsEnded(userId: number): void {
    this.#notify(sessionsEndedChannel, `sign-out:${userId}`);
  }

  /** `onHint` gets what a notification of another process said after its names. */
  async #listen(channel: string, onHint: (detail: string) => void): Promise<() => Promise<void>> {
    const prefix = `${this.#databaseId}:`;
    const own = `${prefix}${this.#sender}:`;
    const listening = await this.#pool.listen(channel, (payload) => {
      if (!payload.startsWith(prefix) || payload.startsWith(own)) return;
      // After the database's id, the sender's (a UUID, no colon) and a colon.
      const senderEnd = payload.indexOf(':', prefix.length);
      onHint(senderEnd === -1 ? '' : payload.slice(senderEnd + 1));
    });
    return () => listening.unlisten();
  }

  /** A hint only (a lost one is covered by polling), so a failure to send it is not an error worth a request's failure. */
  #notify(channel: string, detail: string): void {
    this.#pool.notify(channel, `${this.#databaseId}:${this.#sender}:${detail}`).catch(() => {});
  }
}
