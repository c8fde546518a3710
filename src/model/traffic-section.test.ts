import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parsePolicy } from './policy.js';

const problems = (traffic: unknown) => {
  const parsed = parsePolicy({ traffic });
  return 'problems' in parsed ? parsed.problems : [];
};

it('takes a split whose weights add up to 100, with a sticky key and the override switch', () => {
  assert.deepEqual(problems({
    split: [{ variant: 'champion', target: 'champion', weight: 90 }, { variant: 'challenger', target: 2, weight: 10 }, { variant: 'dark', target: 3, weight: 0 }],
    sticky: { header: 'x-user-id' }, override_header: false,
  }), []);
});

it('refuses what a split cannot mean, naming the key and the fix', () => {
  assert.deepEqual(problems({ split: [{ variant: 'a', target: 1, weight: 90 }, { variant: 'b', target: 2, weight: 5 }] }),
    ['traffic.split: the weights add up to 95; make them add up to 100']);
  assert.match(problems({ split: [{ variant: 'a', target: 1, weight: 50 }, { variant: 'a', target: 2, weight: 50 }] })[0] ?? '', /traffic\.split\[1\]\.variant: variant 'a' appears twice/);
  assert.match(problems({ split: [{ variant: 'a', target: 1, weight: 100 }], sticky: { header: 'x', input: 'y' } })[0] ?? '', /traffic\.sticky: name exactly one/);
  assert.match(problems({ sticky: { header: 'x' } })[0] ?? '', /traffic\.split: sticky and override_header apply to a split/);
  assert.match(problems({ split: [{ variant: 'a', target: 1, weight: 100.5 }] }).join(), /traffic\.split\[0\]\.weight/);
  assert.match(problems({ split: [{ variant: 'a', target: 1, weight: 100, extra: 1 }] }).join(), /traffic\.split\[0\]/);
  assert.match(problems({ split: [] }).join(), /traffic\.split/);
});
