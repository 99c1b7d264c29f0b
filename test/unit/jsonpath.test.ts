/** measure/jsonpath.ts loads jsonpath-plus on the first query; both path forms still work. */
import assert from 'node:assert/strict';
import { FaultlineError } from '../../runner/core/errors.js';
import { query } from '../../runner/measure/jsonpath.js';

describe('jsonpath query (jsonpath-plus loaded on first use)', () => {
  const obj = { status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'False' }] } };

  it("answers kubectl's {.x} form and $.x alike", () => {
    assert.deepEqual(query('{.status.conditions[0].type}', obj), ['Ready']);
    assert.deepEqual(query("$.status.conditions[?(@.type=='Synced')].status", obj), ['False']);
    assert.deepEqual(query('.status.missing', obj), []);
  });

  it('a bad path is a FaultlineError naming it', () => {
    assert.throws(() => query('$.status[?(@.type==', obj), (err: unknown) => err instanceof FaultlineError && /bad JSON path/.test(err.message));
  });
});
