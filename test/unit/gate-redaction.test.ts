/**
 * Found by the credential sweep: a cmd probe's JSON check showed the measured value, which
 * was command output holding the secret, unscrubbed in the verdict (junit, html, record,
 * console). The cmd probe scrubs it, and every gate verdict is scrubbed once more.
 */
import assert from 'node:assert/strict';
import probe from '../../runner/probes/cmd.js';
import { evaluateGate } from '../../runner/engine/gate.js';
import type { ProbeDef } from '../../runner/core/contracts.js';
import { bareStand, ctxFor } from '../probes/helpers.js';

const secret = 'sk-test-gate-secret';
const stand = bareStand({ s3: { endpoint: 'http://10.0.0.1:9000', region: 'us-east-1', credentials: { accessKeyId: 'AKIAGATE', secretAccessKey: secret } } });

describe('secrets in gate verdicts', () => {
  it('a cmd JSON check over output holding the secret shows it scrubbed', async () => {
    const obs = await probe.evaluate({ run: 'printf \'{"k": "%s"}\' "$AWS_SECRET_ACCESS_KEY"', timeout: '5s', json: { path: '$.k', equals: 'x' } }, ctxFor(stand, 30_000));
    assert.equal(obs.ok, false);
    assert.match(obs.value, /\$\.k = "\*\*\*" \(want == "x"\)/);
    assert.ok(!JSON.stringify(obs).includes(secret), JSON.stringify(obs));
  });

  it('whatever a probe reports, the gate result carries no secret (value, observation, data)', async () => {
    const leaky: ProbeDef = {
      kind: 'test.leaky',
      summary: 'reports the secret',
      schema: {},
      requires: [],
      describe: () => 'leaky',
      evaluate: async () => ({ ok: false, value: `saw ${secret}`, data: { nested: [`AKIAGATE:${secret}`] } }),
    };
    const plan = { name: 'g', probe: 'test.leaky', spec: {}, mode: 'once' as const, expectFail: false };
    const r = await evaluateGate({ step: 0, plan, probe: leaky, ctx: ctxFor(stand, 30_000), startedAt: Date.now(), progress: () => {} });
    assert.equal(r.value, 'saw ***');
    assert.deepEqual(r.data, { nested: ['***:***'] });
    assert.ok(!JSON.stringify(r).includes(secret));
  });
});
