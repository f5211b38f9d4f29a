import type { ChangedEntities } from '../operations/changes.ts';
import { type ClientConnection, type FrameText, type VisibleChanges, changesFrame } from './client-connection.ts';

/** What one audience may see of a commit: products are public; accounts their owner's; the auditor sees all. */
export function visibleTo(client: ClientConnection, changes: ChangedEntities): VisibleChanges {
  const user = client.user;
  if (user === null) return { products: changes.products, accounts: [], transactions: [] };
  if (user.role === 'auditor') {
    return { products: changes.products, accounts: changes.accounts.map((change) => change.view), transactions: changes.transactions };
  }
  const accounts = changes.accounts.filter((change) => change.ownerUserId === user.id).map((change) => change.view);
  return { products: changes.products, accounts, transactions: [] };
}

const isEmpty = (changes: VisibleChanges) =>
  changes.products.length === 0 && changes.accounts.length === 0 && changes.transactions.length === 0;

/**
 * Sends one commit's changes to every tab: at most one frame per tab, serialized and encoded once
 * per audience (everyone, each user, the auditor) rather than once per tab.
 */
export function fanOut(clients: Iterable<ClientConnection>, seq: number, changes: ChangedEntities): void {
  const frames = new Map<string, { text: FrameText; visible: VisibleChanges } | null>();
  for (const client of clients) {
    let frame = frames.get(client.audience);
    if (frame === undefined) {
      const visible = visibleTo(client, changes);
      frame = isEmpty(visible) ? null : { text: Buffer.from(JSON.stringify(changesFrame(seq, visible))), visible };
      frames.set(client.audience, frame);
    }
    if (frame !== null) client.deliverChanges(frame.text, seq, frame.visible);
  }
}
