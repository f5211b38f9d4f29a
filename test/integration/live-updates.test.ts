import { describe, expect, it } from 'vitest';
import type { Changes } from '../../shared/protocol.ts';
import { TestClient } from '../support/test-client.ts';
import { useTestServer } from '../support/server-fixture.ts';
import { product } from '../support/test-server.ts';

const fixture = useTestServer();

async function connect(count: number): Promise<TestClient[]> {
  const connected = await fixture.connect(count);
  return connected;
}

const changeFrames = (client: TestClient) => client.frames.filter((frame): frame is Changes => frame.type === 'changes');

describe('live updates', () => {
  it('pushes a purchase to every other tab with a newer version', async () => {
    const server = await fixture.start([product('Lamp', 8, 4000), product('Rug', 3, 9000)]);
    const [buyer, watcherOne, watcherTwo] = await connect(3);
    const versionBefore = watcherOne!.products.get(1)!.version;
    await buyer!.startShopper();
    await buyer!.expectResult('cart.add', { productId: 1, quantity: 3 });
    const { order } = await buyer!.expectResult('checkout', { expectedTotalCents: 12_000 });
    expect(order.lines).toEqual([{ productId: 1, name: 'Lamp', unitPriceCents: 4000, quantity: 3, lineTotalCents: 12_000 }]);

    for (const watcher of [watcherOne!, watcherTwo!]) {
      await expect.poll(() => watcher.products.get(1)?.stock).toBe(5);
      expect(watcher.products.get(1)!.version).toBeGreaterThan(versionBefore);
      expect(watcher.products.get(2)!.stock).toBe(3);
    }
  });

  it('sends each tab at most one changes frame per commit, with growing seq', async () => {
    const server = await fixture.start([product('A', 500, 100), product('B', 500, 100), product('C', 500, 100)]);
    const shoppers = await connect(20);
    const [watcher] = await connect(1);
    for (const [index, shopper] of shoppers.entries()) {
      await shopper.startShopper();
      await shopper.expectResult('cart.add', { productId: 1 + (index % 3), quantity: 1 });
    }
    const replies = await Promise.all(shoppers.map((shopper) => shopper.request('checkout', { expectedTotalCents: 100 })));
    const checkoutCommitSeqs = new Set(replies.map((reply) => (reply.ok ? reply.seq : -1)));
    expect(checkoutCommitSeqs.has(-1)).toBe(false);

    await expect.poll(() => [1, 2, 3].map((id) => watcher!.products.get(id)?.stock)).toEqual([493, 493, 494]);
    const frames = changeFrames(watcher!);
    const seqs = frames.map((frame) => frame.seq);
    expect(seqs).toEqual([...seqs].sort((left, right) => left - right));
    expect(new Set(seqs).size).toBe(seqs.length);
    // One frame per commit that changed stock, carrying that commit's seq; 20 checkouts sent
    // together fold into fewer commits than requests.
    for (const seq of seqs) expect(checkoutCommitSeqs.has(seq)).toBe(true);
    expect(frames.length).toBeLessThanOrEqual(checkoutCommitSeqs.size);
    expect(checkoutCommitSeqs.size).toBeLessThan(shoppers.length);
    for (const frame of frames) {
      const ids = frame.products.map((entry) => entry.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('greets a new tab with the committed state and the current seq', async () => {
    const server = await fixture.start([product('Chair', 4, 15_000)]);
    const [buyer] = await connect(1);
    await buyer!.startShopper();
    await buyer!.expectResult('cart.add', { productId: 1, quantity: 4 });
    const checkout = await buyer!.request('checkout', { expectedTotalCents: 60_000 });
    expect(checkout.ok).toBe(true);
    const [latecomer] = await connect(1);
    expect(latecomer!.welcome.products[0]!.stock).toBe(0);
    expect(latecomer!.welcome.seq).toBe(checkout.ok ? checkout.seq : -1);
  });
});
