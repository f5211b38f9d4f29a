/**
 * Each recorded request against the rows committed with its requestId: acknowledged ones must be
 * there once, as answered, refused ones must not be, and no committed row may belong to nobody.
 */
import type { CommitIndex, CommittedRow } from './commits.ts';
import { rowName } from './commits.ts';
import type { OperationRecord } from './history.ts';
import { bodyMismatch } from './body.ts';
import type { ViolationLog } from './violations.ts';

export function matchRecords(records: ReadonlyMap<string, OperationRecord>, commits: CommitIndex, log: ViolationLog): void {
  for (const record of records.values()) {
    const rows = commits.byRequestId.get(record.requestId) ?? [];
    matchOutcome(record, rows, log);
    if (rows.length > 1) {
      log.add('duplicated', record.requestId, `Request ${record.requestId} is committed ${rows.length} times: ${rows.map(rowName).join(', ')}.`);
    }
    for (const row of rows) {
      const mismatch = bodyMismatch(record, row);
      if (mismatch !== null) log.add('body_mismatch', record.requestId, `Request ${record.requestId} committed as ${rowName(row)}, but ${mismatch}.`);
    }
  }
}

export function findPhantoms(records: ReadonlyMap<string, OperationRecord>, commits: CommitIndex, log: ViolationLog): void {
  for (const row of commits.rows) {
    if (row.requestId === null) {
      log.add('phantom', null, `${capitalized(rowName(row))} was committed during the run without a requestId.`);
    } else if (!records.has(row.requestId)) {
      log.add('phantom', row.requestId, `${capitalized(rowName(row))} carries requestId ${row.requestId}, which no client sent.`);
    }
  }
}

function matchOutcome(record: OperationRecord, rows: readonly CommittedRow[], log: ViolationLog): void {
  const { outcome, requestId } = record;
  const type = record.operation.type;
  if (outcome.kind === 'refused' && rows.length > 0) {
    log.add('refused_but_committed', requestId, `Request ${requestId} (${type}) was refused with ${outcome.code}, yet is committed as ${rowName(rows[0]!)}.`);
  }
  if (outcome.kind !== 'ok') return;
  if (rows.length === 0) {
    const table = type === 'checkout' ? 'order' : 'ledger transaction';
    log.add('lost', requestId, `Request ${requestId} (${type}) was acknowledged at seq ${outcome.seq}, but no committed ${table} carries its requestId.`);
    return;
  }
  if (!rows.some((row) => answerMatches(outcome, row))) {
    log.add('reply_mismatch', requestId, `Request ${requestId} was answered with ${describeAnswer(outcome)}, but is committed as ${rows.map(rowName).join(', ')}.`);
  }
}

type Acknowledgement = Extract<OperationRecord['outcome'], { kind: 'ok' }>;

function answerMatches(outcome: Acknowledgement, row: CommittedRow): boolean {
  if (outcome.seq !== row.seq) return false;
  const answeredId = row.table === 'transaction' ? outcome.transactionId : outcome.orderNumber;
  return answeredId === undefined || answeredId === row.id;
}

function describeAnswer(outcome: Acknowledgement): string {
  const ids = [
    outcome.transactionId === undefined ? '' : `, transaction ${outcome.transactionId}`,
    outcome.orderNumber === undefined ? '' : `, order ${outcome.orderNumber}`,
  ];
  return `seq ${outcome.seq}${ids.join('')}`;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
