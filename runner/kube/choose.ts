/** Seeded, reproducible choice of k items (mulberry32 + Fisher-Yates over a name-sorted list). */
import { seededRandom } from '../core/random.js';

/** The same seed and the same names always give the same choice. */
export function chooseSeeded<T>(items: T[], k: number, seed: number, nameOf: (t: T) => string): T[] {
  const list = [...items].sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0));
  const rnd = seededRandom(seed);
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list.slice(0, Math.min(k, list.length));
}
