import { inkColor, productDrawings } from './product-drawings.tsx';
import { productKindFor } from './product-kinds.ts';
import './art.css';

/**
 * A product's picture as inline SVG, so it looks the same with or without an emoji font. Decorative:
 * the product's name is always next to it, so assistive technology skips the picture.
 */
export function ProductPicture({ name, className }: { name: string; className?: string }) {
  const kind = productKindFor(name);
  return (
    <svg
      className={className === undefined ? 'product-picture' : `product-picture ${className}`}
      data-kind={kind}
      viewBox="0 0 64 64"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke={inkColor}
      strokeWidth={2.2}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <ellipse className="product-picture__shadow" cx="32" cy="58" rx="21" ry="3" stroke="none" />
      {productDrawings[kind]}
    </svg>
  );
}
