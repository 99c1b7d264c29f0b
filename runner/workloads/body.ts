/**
 * Upload part bodies made without copies: one random block of a part's size, doubled, and
 * each part a view of it starting at a different offset. `size` bytes cost two parts of
 * memory whatever their number, nothing is copied or hashed per part, and consecutive parts
 * differ (no trivial dedupe or compression).
 */
import { randomBytes } from 'node:crypto';

// a prime stride walks every offset before repeating
const stride = 7919;

export interface PartBodies {
  count: number;
  /** body of part `n` (1-based) */
  part(n: number): Uint8Array;
}

export function partBodies(size: number, partSize: number): PartBodies {
  const block = randomBytes(Math.min(size, partSize));
  const doubled = Buffer.concat([block, block]);
  const count = Math.max(1, Math.ceil(size / partSize));
  return {
    count,
    part(n: number): Uint8Array {
      const length = n < count ? partSize : size - partSize * (count - 1);
      const offset = ((n - 1) * stride) % block.length;
      return doubled.subarray(offset, offset + length);
    },
  };
}
