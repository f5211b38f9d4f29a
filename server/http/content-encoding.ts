/** The encodings Tally serves static files in, best first. */
export type ContentEncoding = 'br' | 'gzip' | 'identity';

export interface AvailableEncodings {
  readonly br: boolean;
  readonly gzip: boolean;
}

/** Longest Accept-Encoding value read; browsers send about 30 characters. */
const acceptEncodingLengthMax = 256;

/**
 * Picks the encoding to answer with: brotli if the client accepts it and we have it, then gzip, else
 * identity. Follows the q-values of RFC 9110 §12.5.3 only as far as "q=0 means not acceptable" and
 * "`*` stands for any coding not listed"; among acceptable codings our order wins, as it does in nginx.
 */
export function chooseEncoding(acceptEncoding: string | undefined, available: AvailableEncodings): ContentEncoding {
  if (acceptEncoding === undefined || acceptEncoding.length > acceptEncodingLengthMax) return 'identity';
  const weights = codingWeights(acceptEncoding);
  const accepts = (coding: string): boolean => (weights.get(coding) ?? weights.get('*') ?? 0) > 0;
  if (available.br && accepts('br')) return 'br';
  if (available.gzip && accepts('gzip')) return 'gzip';
  return 'identity';
}

/** `"gzip;q=0.5, br"` → `{ gzip: 0.5, br: 1 }`; a malformed q-value counts as 0 (not acceptable). */
function codingWeights(acceptEncoding: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const element of acceptEncoding.split(',')) {
    const [name = '', ...parameters] = element.split(';');
    const coding = name.trim().toLowerCase();
    if (coding === '') continue;
    const q = parameters.map((parameter) => /^\s*q\s*=(.*)$/i.exec(parameter)?.[1]).find((value) => value !== undefined);
    const weight = q === undefined ? 1 : Number(q.trim());
    weights.set(coding, Number.isFinite(weight) ? weight : 0);
  }
  return weights;
}
