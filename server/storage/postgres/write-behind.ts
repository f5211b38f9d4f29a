import type { RecordedMovement } from '../../bank/bank-repository.ts';
import { type AccountState, type MovementPlan, balanceAfter } from '../../bank/rules.ts';
import { recordedTransaction } from '../../bank/stored-ledger.ts';
import type { RequestKey } from '../../requests/request-key.ts';
import type { StoredRequestOutcome } from '../unit-of-work.ts';
import type postgres from 'postgres';
import type { PostgresConnection } from './connection.ts';

/** An account as the batch holds it: its state now, and the version its row has in the transaction (older until written). */
interface HeldAccount {
  readonly state: AccountState;
  readonly storedVersion: number;
}

/** A recorded movement not yet written: its ledger transaction, entries and who made it. */
interface PendingMovement {
  readonly id: number;
  readonly movement: MovementPlan;
  readonly userId: number;
  readonly requestId: string | null;
  readonly createdAt: string;
}

interface PendingOutcome {
  readonly key: RequestKey;
  readonly commitSeq: number;
  readonly outcomeJson: string;
}

/** What a batch has written in memory and not yet in the database. */
export interface HeldWrites {
  /** Each account's newest state, and the version its row has now (the update applies only from it). */
  accounts: Array<{ state: AccountState; storedVersion: number }>;
  movements: PendingMovement[];
  outcomes: PendingOutcome[];
}

/** An operation's start: where its movements begin, and each account's holding before its first change in it. */
interface OperationMark {
  movementsFrom: number;
  /** undefined: the batch did not hold the account; null: held as absent. */
  before: Map<string, HeldAccount | null | undefined>;
}

/**
 * What one batch on PostgreSQL has read and written, held in memory until it must reach the
 * database: the accounts its operations read (each read once, most of them in one look before the
 * operations run), and the ledger rows, balance moves and stored outcomes they wrote, written in
 * one statement just before COMMIT. A transfer then costs no round trip of its own.
 *
 * This is sound because a batch holds the commit-order lock from its first statement to COMMIT:
 * no other process writes meanwhile, and in this one every operation runs in the batch, one after
 * another, so what the batch holds is what the database would answer. Every other statement goes
 * to the database as before, after what is held has been written (the engine sees to it), so it
 * sees everything this batch did.
 *
 * An operation's writes are undone here when it fails, as ROLLBACK TO SAVEPOINT would undo them
 * in the database; the engine sends a real savepoint only when an operation sends a statement.
 */
export class WriteBehindBatch {
  /** By account number; null when the batch looked and there is no such account. */
  readonly #accounts = new Map<string, HeldAccount | null>();
  readonly #numberById = new Map<number, string>();
  #transactionIds: number[] = [];
  #movements: PendingMovement[] = [];
  #outcomes: PendingOutcome[] = [];
  #operation: OperationMark | null = null;

  /** The account by number: null when there is none, undefined when the batch has not looked. */
  known(number: string): AccountState | null | undefined {
    const held = this.#accounts.get(number);
    return held === undefined ? undefined : (held?.state ?? null);
  }

  knownById(id: number): AccountState | undefined {
    const number = this.#numberById.get(id);
    return number === undefined ? undefined : (this.#accounts.get(number)?.state ?? undefined);
  }

  /** An account as just read from the database; what the batch holds already wins. */
  remember(account: AccountState): void {
    if (this.#accounts.get(account.number) !== undefined) return;
    this.#hold(account.number, { state: account, storedVersion: account.version });
  }

  /** The batch looked and found no account by this number. */
  rememberAbsent(number: string): void {
    if (!this.#accounts.has(number)) this.#accounts.set(number, null);
  }

  /** An account the operation inserted with a statement of its own (its row is in the database). */
  inserted(account: AccountState): void {
    this.#hold(account.number, { state: account, storedVersion: account.version });
  }

  addTransactionIds(ids: readonly number[]): void {
    this.#transactionIds.push(...ids);
  }

  takeTransactionId(): number | undefined {
    return this.#transactionIds.shift();
  }

  /**
   * True when every account the movement posts to is held at the version it was planned from (the
   * operation read it in this batch), each once: it can be recorded here.
   */
  canRecord(movement: MovementPlan): boolean {
    const numbers = new Set(movement.postings.map(({ account }) => account.number));
    if (numbers.size !== movement.postings.length) return false;
    return movement.postings.every(({ account }) => this.#accounts.get(account.number)?.state.version === account.version);
  }

  /** Records a movement `canRecord` accepted, as ledger transaction `id`; it reaches the database with the next write. */
  record(movement: MovementPlan, by: { id: number; username: string }, requestId: string | null, createdAt: string, commitSeq: number, id: number): RecordedMovement {
    if (!this.canRecord(movement)) throw new Error(`${movement.kind}: an account it posts to is not held at the version it was planned from`);
    const accounts = movement.postings.map(({ account, amountCents }) => {
      const held = this.#accounts.get(account.number)!;
      const moved = { ...account, balanceCents: balanceAfter(account, amountCents), version: account.version + 1 };
      this.#hold(account.number, { state: moved, storedVersion: held.storedVersion });
      return moved;
    });
    this.#movements.push({ id, movement, userId: by.id, requestId, createdAt });
    return { transaction: recordedTransaction(movement, by, requestId, createdAt, commitSeq, id), accounts };
  }

  storeOutcome(key: RequestKey, commitSeq: number, outcomeJson: string): void {
    this.#outcomes.push({ key, commitSeq, outcomeJson });
  }

  /** A stored outcome this batch holds for the key, not yet written. */
  heldOutcome(scope: string, requestId: string): StoredRequestOutcome | undefined {
    const held = this.#outcomes.find(({ key }) => key.scope === scope && key.requestId === requestId);
    return held === undefined ? undefined : { bodyDigest: held.key.bodyDigest, commitSeq: held.commitSeq, outcomeJson: held.outcomeJson };
  }

  beginOperation(): void {
    this.#operation = { movementsFrom: this.#movements.length, before: new Map() };
  }

  get inOperation(): boolean {
    return this.#operation !== null;
  }

  /** Ends the running operation: kept, or undone (its held writes dropped, its accounts as before it). */
  endOperation(keep: boolean): void {
    const operation = this.#operation;
    this.#operation = null;
    if (operation === null || keep) return;
    this.#movements.length = Math.min(this.#movements.length, operation.movementsFrom);
    for (const [number, before] of operation.before) {
      if (before === undefined) this.#accounts.delete(number);
      else this.#accounts.set(number, before);
    }
  }

  /** Everything held, to be written now; afterwards each account's row is at its newest version. */
  takeWrites(): HeldWrites {
    const accounts: HeldWrites['accounts'] = [];
    for (const [number, held] of this.#accounts) {
      if (held === null || held.state.version === held.storedVersion) continue;
      accounts.push({ state: held.state, storedVersion: held.storedVersion });
      this.#accounts.set(number, { state: held.state, storedVersion: held.state.version });
    }
    const writes = { accounts, movements: this.#movements, outcomes: this.#outcomes };
    this.#movements = [];
    this.#outcomes = [];
    if (this.#operation !== null) this.#operation.movementsFrom = 0;
    return writes;
  }

  /**
   * What was held before the running operation began, to be written before its savepoint: the
   * operation's own writes stay held, so rolling back to the savepoint can still undo them.
   */
  takeWritesBeforeOperation(): HeldWrites {
    const operation = this.#operation;
    if (operation === null) return this.takeWrites();
    const accounts: HeldWrites['accounts'] = [];
    for (const [number, held] of this.#accounts) {
      const atStart = operation.before.has(number) ? operation.before.get(number) : held;
      if (atStart === undefined || atStart === null || atStart.state.version === atStart.storedVersion) continue;
      accounts.push({ state: atStart.state, storedVersion: atStart.storedVersion });
      const written = atStart.state.version;
      if (operation.before.has(number)) operation.before.set(number, { state: atStart.state, storedVersion: written });
      if (held !== null) this.#accounts.set(number, { state: held.state, storedVersion: written });
    }
    const movements = this.#movements.slice(0, operation.movementsFrom);
    this.#movements = this.#movements.slice(operation.movementsFrom);
    operation.movementsFrom = 0;
    const writes = { accounts, movements, outcomes: this.#outcomes };
    this.#outcomes = [];
    return writes;
  }

  #hold(number: string, held: HeldAccount): void {
    const operation = this.#operation;
    if (operation !== null && !operation.before.has(number)) operation.before.set(number, this.#accounts.get(number));
    this.#accounts.set(number, held);
    this.#numberById.set(held.state.id, number);
  }
}

/** A batch's holdings, for the repositories; null outside a batch. */
export interface HeldBatch {
  readonly writes: WriteBehindBatch;
  /** The batch's connection, for reads of rows the batch does not hold: what it holds need not be written first. */
  readonly connection: PostgresConnection;
}

export const isEmpty = (writes: HeldWrites): boolean => writes.accounts.length === 0 && writes.movements.length === 0 && writes.outcomes.length === 0;

/**
 * Writes what a batch held in one statement: every balance move (each from the version the batch
 * read, or the statement fails), the ledger transactions with their entries in posting order, and
 * the stored outcomes. It raises an error, aborting the transaction, when a balance had moved.
 */
export function writeHeld(sql: PostgresConnection, writes: HeldWrites, commitSeq: number): postgres.PendingQuery<postgres.Row[]> {
  const { accounts, movements, outcomes } = writes;
  const entries = movements.flatMap(({ id, movement }) => movement.postings.map(({ account, amountCents }) => ({ id, accountId: account.id, amountCents })));
  return sql`
    WITH moved AS (
      UPDATE accounts a SET balance_cents = m.balance_cents, version = m.version, changed_seq = ${commitSeq}
      FROM unnest(
        ${accounts.map(({ state }) => state.id)}::bigint[], ${accounts.map(({ state }) => state.balanceCents)}::bigint[],
        ${accounts.map(({ state }) => state.version)}::bigint[], ${accounts.map(({ storedVersion }) => storedVersion)}::bigint[]
      ) AS m (id, balance_cents, version, stored_version)
      WHERE a.id = m.id AND a.version = m.stored_version
      RETURNING a.id
    ), transactions AS (
      INSERT INTO ledger_transactions (id, kind, amount_cents, from_account_id, to_account_id, user_id, request_id, created_at, commit_seq)
      SELECT t.*, ${commitSeq}::bigint FROM unnest(
        ${movements.map(({ id }) => id)}::bigint[], ${movements.map(({ movement }) => movement.kind)}::text[],
        ${movements.map(({ movement }) => movement.amountCents)}::bigint[],
        ${movements.map(({ movement }) => movement.from?.id ?? null)}::bigint[], ${movements.map(({ movement }) => movement.to?.id ?? null)}::bigint[],
        ${movements.map(({ userId }) => userId)}::bigint[], ${movements.map(({ requestId }) => requestId)}::text[],
        ${movements.map(({ createdAt }) => createdAt)}::timestamptz[]
      ) AS t
    ), entries AS (
      INSERT INTO ledger_entries (transaction_id, account_id, amount_cents)
      SELECT e.transaction_id, e.account_id, e.amount_cents
      FROM unnest(${entries.map(({ id }) => id)}::bigint[], ${entries.map(({ accountId }) => accountId)}::bigint[], ${entries.map(({ amountCents }) => amountCents)}::bigint[])
        WITH ORDINALITY AS e (transaction_id, account_id, amount_cents, posting)
      ORDER BY e.posting
    ), outcomes AS (
      INSERT INTO request_outcomes (scope, request_id, body_digest, commit_seq, outcome, request_type)
      SELECT o.scope, o.request_id, decode(o.body_digest, 'hex'), o.commit_seq, o.outcome, o.request_type
      FROM unnest(
        ${outcomes.map(({ key }) => key.scope)}::text[], ${outcomes.map(({ key }) => key.requestId)}::text[],
        ${outcomes.map(({ key }) => key.bodyDigest.toString('hex'))}::text[], ${outcomes.map(({ commitSeq: seq }) => seq)}::bigint[],
        ${outcomes.map(({ outcomeJson }) => outcomeJson)}::text[], ${outcomes.map(({ key }) => key.type)}::text[]
      ) AS o (scope, request_id, body_digest, commit_seq, outcome, request_type)
    )
    SELECT tally_raise_unless((SELECT COUNT(*) FROM moved) = ${accounts.length},
      'a balance held by batch ' || ${commitSeq}::text || ' had moved in the database: ' || (SELECT COUNT(*) FROM moved)::text || ' of ' || ${accounts.length}::text || ' accounts updated')`;
}
