import type { OrderView } from '../../shared/protocol.ts';
import { multiplyCents } from '../../shared/money.ts';

/** An order as both storage engines read it (the time as ISO 8601 text). */
export interface StoredOrder {
  id: number;
  requestId: string | null;
  commitSeq: number;
  shipName: string;
  shipAddress: string;
  totalCents: number;
  placedAt: string;
}

export interface StoredOrderLine {
  orderId: number;
  productId: number;
  name: string;
  unitPriceCents: number;
  quantity: number;
}

/** An order as the protocol shows it: each line with its total, as the cart computed it. */
export function orderView(order: StoredOrder, lines: readonly StoredOrderLine[]): OrderView {
  return {
    orderNumber: order.id,
    requestId: order.requestId,
    seq: order.commitSeq,
    placedAt: order.placedAt,
    shipTo: { name: order.shipName, address: order.shipAddress },
    totalCents: order.totalCents,
    lines: lines.map((line) => ({
      productId: line.productId,
      name: line.name,
      unitPriceCents: line.unitPriceCents,
      quantity: line.quantity,
      lineTotalCents: multiplyCents(line.unitPriceCents, line.quantity),
    })),
  };
}

/** Lines grouped by their order, in the order given. */
export function linesByOrder(lines: readonly StoredOrderLine[]): Map<number, StoredOrderLine[]> {
  const grouped = new Map<number, StoredOrderLine[]>();
  for (const line of lines) {
    const group = grouped.get(line.orderId) ?? [];
    group.push(line);
    grouped.set(line.orderId, group);
  }
  return grouped;
}
