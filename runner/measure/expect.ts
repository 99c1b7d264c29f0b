/** Comparisons a probe checks a measured value against: `{ lt: 0.1 }`, `{ ge: 3, le: 5 }`, `{ eq: 1 }`. */

export interface Expect {
  lt?: number;
  le?: number;
  gt?: number;
  ge?: number;
  eq?: number;
  ne?: number;
}

const ops = {
  lt: (v: number, x: number) => v < x,
  le: (v: number, x: number) => v <= x,
  gt: (v: number, x: number) => v > x,
  ge: (v: number, x: number) => v >= x,
  eq: (v: number, x: number) => v === x,
  ne: (v: number, x: number) => v !== x,
} as const;

const symbols: Record<keyof Expect, string> = { lt: '<', le: '<=', gt: '>', ge: '>=', eq: '==', ne: '!=' };

export const expectSchema = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: Object.fromEntries(Object.keys(ops).map((k) => [k, { type: 'number' }])),
};

/** What to do when a query or scrape yields no samples: unknown (default) throws, so the gate is `unknown`. */
export const ifEmptySchema = { enum: ['unknown', 'fail', 'pass'] };
export type IfEmpty = 'unknown' | 'fail' | 'pass';

export function expectHolds(e: Expect, v: number): boolean {
  return (Object.keys(ops) as (keyof Expect)[]).every((k) => e[k] === undefined || ops[k](v, e[k]!));
}

export function describeExpect(e: Expect): string {
  return (Object.keys(symbols) as (keyof Expect)[])
    .filter((k) => e[k] !== undefined)
    .map((k) => `${symbols[k]} ${e[k]}`)
    .join(' and ');
}
