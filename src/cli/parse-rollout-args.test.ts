import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseRolloutCommand } from './parse-rollout-args.js';

it('reads a plan from --steps and the guard flags', () => {
  const command = parseRolloutCommand(['start', 'ticket-classifier', '--steps', '5:10m,25:10m,50:10m,100', '--max-error-rate', '0.01', '--max-p99-ms', '250']);
  assert.deepEqual(command, {
    kind: 'rollout', client: { url: undefined, key: undefined }, json: false,
    action: {
      name: 'start', model: 'ticket-classifier',
      plan: { steps: [{ share: 5, duration: '10m' }, { share: 25, duration: '10m' }, { share: 50, duration: '10m' }, { share: 100 }], guards: { max_error_rate: 0.01, max_p99_ms: 250 } },
    },
  });
  assert.deepEqual(parseRolloutCommand(['abort', 'm', '--reason', 'pager']), { kind: 'rollout', client: { url: undefined, key: undefined }, json: false, action: { name: 'abort', model: 'm', reason: 'pager' } });
});

it('refuses a start without steps, a step it cannot read and a guard that is not a number', () => {
  assert.throws(() => parseRolloutCommand(['start', 'm']), /needs --steps/);
  assert.throws(() => parseRolloutCommand(['start', 'm', '--steps', '5:10m,half']), /'half' is not SHARE/);
  assert.throws(() => parseRolloutCommand(['start', 'm', '--steps', '100', '--max-p99-ms', 'fast']), /--max-p99-ms must be a number/);
  assert.throws(() => parseRolloutCommand(['status']), /takes MODEL/);
});
