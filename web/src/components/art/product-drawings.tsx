import type { ReactElement } from 'react';
import type { ProductKind } from './product-kinds.ts';

/*
 * One drawing per product kind on a 64 × 64 grid, inked by the <svg> around it (stroke colour,
 * width and round joins are inherited); each shape sets only its fill. Objects stand on y ≈ 56,
 * above the shared ground shadow.
 */

const palette = {
  ink: '#2f3b37',
  kraft: '#d3a46f',
  kraftDark: '#b98651',
  coffee: '#6b4026',
  cream: '#fbf3e2',
  milk: '#f4e4c4',
  paper: '#fffaf0',
  steel: '#d7e0de',
  steelDark: '#a9b8b5',
  glass: '#e3f3f3',
  teal: '#5fb3a6',
  clay: '#e59a72',
  wood: '#c98d5a',
  woodDark: '#9c643a',
  yellow: '#f2c95c',
  leaf: '#7fb77e',
  cherry: '#d9534f',
  blossom: '#f7c6d4',
  canvas: '#c9a36b',
  leather: '#8a5634',
} as const;

/** Thin detail lines (creases, pleats, highlights) drawn lighter than the outlines. */
const detail = { strokeWidth: 1.4 } as const;

const beans = (
  <g>
    <path d="M20 22 H44 L48 55 Q32 57.5 16 55 Z" fill={palette.kraft} />
    <path d="M20 22 L22 11 H42 L44 22 Z" fill={palette.kraftDark} />
    <path d="M22.5 16 H41.5" {...detail} />
    <circle cx="32" cy="38" r="8.5" fill={palette.cream} />
    <ellipse cx="32" cy="38" rx="3.6" ry="5.2" transform="rotate(25 32 38)" fill={palette.coffee} {...detail} />
    <path d="M30.6 34.2 Q34 38 31.4 41.8" stroke={palette.cream} {...detail} />
    <ellipse cx="53" cy="53" rx="2.8" ry="3.8" transform="rotate(-35 53 53)" fill={palette.coffee} {...detail} />
  </g>
);

const kettle = (
  <g>
    <path d="M19 46 Q7 46 6.5 35 Q6 28 3.5 24" strokeWidth={3.4} />
    <path d="M44 33 Q55 33 53 44 Q52 49 46 50" strokeWidth={3.4} />
    <path d="M16 52 Q15 31 30 29 Q45 31 44 52 Z" fill={palette.steel} />
    <path d="M22 29.5 Q30 21.5 38 29.5" fill={palette.steelDark} />
    <circle cx="30" cy="22.5" r="2.6" fill={palette.ink} />
    <rect x="13" y="51" width="34" height="5" rx="2.5" fill={palette.steelDark} />
    <path d="M21 36 Q20 41 21 46" stroke="#ffffff" {...detail} />
  </g>
);

const mug = (
  <g>
    <path d="M42 30 Q53 29 53 38 Q53 47 42 46" strokeWidth={3.4} />
    <path d="M15 22 H43 V46 Q43 55 34 55 H24 Q15 55 15 46 Z" fill={palette.clay} />
    <path d="M15 22 H43 V29 Q41 33 38.5 29.5 Q35.5 34 32 29.5 Q28 35 25 29.5 Q21.5 33.5 15 29 Z" fill={palette.cream} />
    <path d="M24 16 Q21 12.5 24 9" stroke={palette.steelDark} {...detail} />
    <path d="M32 16 Q29 12.5 32 9" stroke={palette.steelDark} {...detail} />
  </g>
);

const grinder = (
  <g>
    <path d="M32 18 V11 L48 7" strokeWidth={2.8} />
    <circle cx="49" cy="7" r="3.4" fill={palette.woodDark} />
    <path d="M21 29 L25 18 H39 L43 29 Z" fill={palette.steel} />
    <rect x="19" y="29" width="26" height="27" rx="3" fill={palette.wood} />
    <rect x="24" y="41" width="16" height="9" rx="1.5" fill={palette.woodDark} />
    <circle cx="32" cy="45.5" r="1.3" fill={palette.ink} stroke="none" />
    <path d="M22 33 H42" {...detail} />
  </g>
);

const filters = (
  <g>
    <path d="M12 17 H40 L33 48 H19 Z" fill={palette.cream} />
    <path d="M22 21 H52 L44 54 H30 Z" fill={palette.paper} />
    <path d="M37 21 V54" {...detail} />
    <path d="M29.5 21 L33.5 54" {...detail} />
    <path d="M44.5 21 L40.5 54" {...detail} />
    <path d="M22 21 Q25 19 28 21 Q31 19 34 21 Q37 19 40 21 Q43 19 46 21 Q49 19 52 21" {...detail} />
  </g>
);

const scale = (
  <g>
    <path d="M25 31 Q22 20 27 16 H37 Q42 20 39 31 Z" fill={palette.glass} />
    <path d="M26 25 Q32 27 38 25 L39 31 H25 Z" fill={palette.coffee} stroke="none" />
    <rect x="8" y="31" width="48" height="6" rx="3" fill={palette.steelDark} />
    <rect x="10" y="37" width="44" height="17" rx="4" fill={palette.steel} />
    <rect x="17" y="41" width="20" height="9" rx="1.5" fill={palette.ink} />
    <path d="M21 45.5 H25 M28 45.5 H33" stroke={palette.teal} {...detail} />
    <circle cx="45" cy="45.5" r="2.6" fill={palette.teal} />
  </g>
);

const frother = (
  <g>
    <path d="M17 28 L20.5 56 H43.5 L47 28 Z" fill={palette.glass} stroke="none" />
    <path d="M18.8 42 Q25 38.5 32 41 Q39 43.5 45.2 40 L43.5 56 H20.5 Z" fill={palette.milk} stroke="none" />
    <path d="M19 41.5 Q21 37.5 24 40 Q26 36.5 29.5 39.5 M35 41.5 Q38 37.5 41 40.5 Q43 37.5 45 40" {...detail} />
    <path d="M32 22 V46" strokeWidth={2} />
    <circle cx="32" cy="49" r="4" fill={palette.paper} {...detail} />
    <path d="M17 28 L20.5 56 H43.5 L47 28" />
    <rect x="26.5" y="3" width="11" height="20" rx="5.5" fill={palette.teal} />
    <circle cx="32" cy="10" r="1.9" fill="#ffffff" {...detail} />
  </g>
);

const coldBrewJar = (
  <g>
    <path d="M18 19 H46 Q50 19 50 25 V51 Q50 56 45 56 H19 Q14 56 14 51 V25 Q14 19 18 19 Z" fill={palette.glass} />
    <path d="M15.2 31 Q32 35 48.8 31 V51 Q48.8 54.8 45 54.8 H19 Q15.2 54.8 15.2 51 Z" fill={palette.coffee} stroke="none" />
    <rect x="28" y="15" width="8" height="35" rx="2" fill={palette.steelDark} {...detail} />
    <path d="M28 24 H36 M28 31 H36 M28 38 H36 M28 45 H36" {...detail} />
    <rect x="39" y="27" width="6.5" height="6.5" rx="1.2" transform="rotate(14 42 30)" fill="#f4fbfb" {...detail} />
    <path d="M18.5 25 V45" stroke="#ffffff" strokeWidth={2} />
    <path d="M18 19 H46 Q50 19 50 25 V51 Q50 56 45 56 H19 Q14 56 14 51 V25 Q14 19 18 19 Z" />
    <rect x="19" y="8" width="26" height="8" rx="2" fill={palette.steel} />
    <rect x="21" y="16" width="22" height="3" fill={palette.steelDark} {...detail} />
  </g>
);

const tumbler = (
  <g>
    <path d="M19 17 H45 L42 54 Q42 56.5 39.5 56.5 H24.5 Q22 56.5 22 54 Z" fill={palette.teal} />
    <path d="M20.3 30 H43.7 L43 39 H21 Z" fill={palette.cream} />
    <path d="M24.5 21 L26.5 50" stroke="#ffffff" {...detail} />
    <path d="M20 9 H44 Q46.5 9 46.5 12 V17 H17.5 V12 Q17.5 9 20 9 Z" fill={palette.ink} />
    <path d="M36 12.5 H41" stroke={palette.steel} {...detail} />
  </g>
);

const notebook = (
  <g>
    <rect x="14" y="9" width="32" height="46" rx="3" fill={palette.clay} />
    <path d="M20 9 V55" {...detail} />
    <rect x="25" y="17" width="15" height="9" rx="1.5" fill={palette.cream} {...detail} />
    <path d="M28 21.5 H37" {...detail} />
    <path d="M41 9 V55" strokeWidth={2} />
    <path d="M47 50 L54.5 21 L58.5 22 L51 51 Z" fill={palette.yellow} />
    <path d="M47 50 L51 51 L47.8 56 Z" fill={palette.cream} />
    <path d="M54.5 21 L55.5 17.5 Q57.5 17.5 59.5 18.5 L58.5 22" fill={palette.blossom} />
  </g>
);

const petalAngles = [0, 72, 144, 216, 288] as const;

const geisha = (
  <g>
    <path d="M8 55 Q26 46 36 33 Q44 23 57 16" stroke={palette.woodDark} strokeWidth={3} />
    <ellipse cx="19" cy="42" rx="7" ry="3.4" transform="rotate(-35 19 42)" fill={palette.leaf} />
    <ellipse cx="49" cy="28" rx="7" ry="3.4" transform="rotate(20 49 28)" fill={palette.leaf} />
    <circle cx="26" cy="52" r="4.4" fill={palette.cherry} />
    <circle cx="33.5" cy="49" r="4.4" fill={palette.cherry} />
    {petalAngles.map((angle) => (
      <ellipse key={angle} cx="38" cy="14" rx="3.6" ry="6" transform={`rotate(${angle} 38 20)`} fill={palette.blossom} />
    ))}
    <circle cx="38" cy="20" r="3" fill={palette.yellow} />
    <path d="M53 41 Q54 46.5 58.5 48 Q54 49.5 53 55 Q52 49.5 47.5 48 Q52 46.5 53 41 Z" fill={palette.yellow} {...detail} />
  </g>
);

const apron = (
  <g>
    <path d="M25 15 Q32 2 39 15" strokeWidth={2.6} stroke={palette.leather} />
    <path d="M19 31 Q11 32 8 41 M45 31 Q53 32 56 41" strokeWidth={2.6} stroke={palette.leather} />
    <path d="M24 14 H40 V22 Q40 27 46 29 V52 Q46 56 42 56 H22 Q18 56 18 52 V29 Q24 27 24 22 Z" fill={palette.canvas} />
    <rect x="24" y="38" width="16" height="10" rx="2" fill={palette.kraftDark} />
    <path d="M32 38 V48" {...detail} />
    <circle cx="26" cy="17" r="1.2" fill={palette.ink} stroke="none" />
    <circle cx="38" cy="17" r="1.2" fill={palette.ink} stroke="none" />
  </g>
);

const parcel = (
  <g>
    <path d="M12 24 L32 16 L52 24 L32 32 Z" fill={palette.kraft} />
    <path d="M12 24 V48 L32 56 V32 Z" fill={palette.kraftDark} />
    <path d="M52 24 V48 L32 56 V32 Z" fill={palette.kraft} />
    <path d="M22 20 L42 28 V36" stroke={palette.cream} strokeWidth={3} />
    <path d="M36 44 L47 39.5" {...detail} />
  </g>
);

export const productDrawings: Record<ProductKind, ReactElement> = {
  beans,
  kettle,
  mug,
  grinder,
  filters,
  scale,
  frother,
  'cold-brew-jar': coldBrewJar,
  tumbler,
  notebook,
  geisha,
  apron,
  parcel,
};

export const inkColor = palette.ink;
