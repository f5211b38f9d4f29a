import { formatCents } from '../../../shared/money.ts';
import type { CartLineView } from '../../../shared/protocol.ts';

interface OrderLinesTableProps {
  caption: string;
  lines: readonly CartLineView[];
  totalCents: number;
  totalLabel: string;
}

/** Line totals and the bill, for the review, the confirmation and the history. */
export function OrderLinesTable({ caption, lines, totalCents, totalLabel }: OrderLinesTableProps) {
  return (
    <table className="order-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col" className="numeric">
            Qty
          </th>
          <th scope="col" className="numeric">
            Price
          </th>
          <th scope="col" className="numeric">
            Line total
          </th>
        </tr>
      </thead>
      <tbody>
        {lines.map((line) => (
          <tr key={line.productId}>
            <th scope="row">{line.name}</th>
            <td className="numeric">{line.quantity}</td>
            <td className="numeric">{formatCents(line.unitPriceCents)}</td>
            <td className="numeric">{formatCents(line.lineTotalCents)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={3}>
            {totalLabel}
          </th>
          <td className="numeric order-table__total">{formatCents(totalCents)}</td>
        </tr>
      </tfoot>
    </table>
  );
}
