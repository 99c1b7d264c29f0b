/**
 * Upload bodies made on the fly: one random block, emitted as views starting at a
 * different offset each time, so `size` bytes cost one block of memory and no copies,
 * and consecutive blocks differ (no trivial dedupe or compression).
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

const blockSize = 1024 * 1024;
// a prime stride walks every offset before repeating
const stride = 7919;

export function generatedBody(size: number): Readable {
  const block = randomBytes(blockSize);
  const doubled = Buffer.concat([block, block]);
  let sent = 0;
  let i = 0;
  return new Readable({
    highWaterMark: blockSize,
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(blockSize, size - sent);
      const offset = (i++ * stride) % blockSize;
      sent += n;
      this.push(doubled.subarray(offset, offset + n));
    },
  });
}
