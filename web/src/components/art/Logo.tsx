import './art.css';

/** Tally's mark: a shopping bag with four tally strokes crossed by a fifth. Decorative beside the name. */
export function Logo({ className }: { className?: string }) {
  return (
    <svg
      className={className === undefined ? 'logo' : `logo ${className}`}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill="none"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M8.5 7.5 V6.5 Q8.5 3 12 3 Q15.5 3 15.5 6.5 V7.5" stroke="#ffffff" strokeWidth={1.8} />
      <path d="M5 7.5 H19 L18 20 Q17.9 21 16.9 21 H7.1 Q6.1 21 6 20 Z" fill="#ffffff" stroke="#ffffff" strokeWidth={1.2} />
      <path d="M9 11 V18 M11.3 11 V18 M13.6 11 V18 M15.9 11 V18" stroke="#0f766e" strokeWidth={1.3} />
      <path d="M7.8 16.8 L17 12.2" stroke="#14b8a6" strokeWidth={1.5} />
    </svg>
  );
}
