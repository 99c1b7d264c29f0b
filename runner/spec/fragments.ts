/** Schema pieces shared by the scenario schema and every fault, probe and workload spec. */
import type { JsonSchema } from '../core/contracts.js';

export const durationSchema: JsonSchema = {
  type: 'string',
  pattern: '^\\d+(\\.\\d+)?(ms|s|m|h)$',
  'x-message': 'must be a duration like 30s',
  description: 'duration: 500ms, 30s, 1.5m, 2h',
};

export const sizeSchema: JsonSchema = {
  type: ['string', 'integer'],
  pattern: '^\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$',
  minimum: 0,
  'x-message': 'must be a size like 64MiB',
  description: 'size in bytes, or 256KiB, 64MiB, 3.1GiB',
};

export const percentSchema: JsonSchema = {
  type: 'string',
  pattern: '^(100(\\.0+)?|\\d{1,2}(\\.\\d+)?)%$',
  'x-message': 'must be a percentage like 45%',
};

export const nameSchema: JsonSchema = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9.-]*$',
  'x-message': 'must be lower-case letters, digits, dots and dashes',
};

export const bucketSchema: JsonSchema = {
  type: 'string',
  minLength: 3,
  maxLength: 63,
  description: 'S3 bucket name',
};
