import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trafficPlan } from './traffic-plan.js';
import { trafficSchema } from '../model/traffic-section.js';
import { mulberry32 } from '../random/mulberry32.js';
import type { Principal } from '../access/principal.js';
import { overriddenVariant, stickyKey, variantFor } from '../inference/traffic/choose-variant.js';
import { fnv1a, keySlot } from '../inference/traffic/key-hash.js';

const plan = (section: unknown, model = 'm') => trafficPlan(model, trafficSchema.parse(section)) as NonNullable<ReturnType<typeof trafficPlan>>;
const SPLIT = { split: [{ variant: 'champion', target: 'champion', weight: 90 }, { variant: 'challenger', target: 2, weight: 10 }] };
const principal = (permissions: string[]) => ({ permissions: new Set(permissions) }) as unknown as Principal;

/** FNV-1a over bytes, written straight from the definition, to check the allocation-free UTF-8 walk against. */
function reference(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash >>> 0;
}

describe('traffic variant choice', () => {
  it('hashes keys with FNV-1a over their UTF-8 bytes', () => {
    assert.equal(fnv1a(''), 0x811c9dc5);
    assert.equal(fnv1a('a'), 0xe40c292c);
    assert.equal(fnv1a('foobar'), 0xbf9cf968);
    for (const text of ['user-42', 'é', '日本語', '🙂 smile', 'lone \ud800 surrogate']) assert.equal(fnv1a(text), reference(text), text);
  });

  it('gives each variant the slots of its weight, in split order', () => {
    const compiled = plan(SPLIT);
    assert.deepEqual([...compiled.slots].filter((i) => i === 0).length, 90);
    assert.equal(compiled.slots[89], 0);
    assert.equal(compiled.slots[90], 1);
    assert.deepEqual(compiled.variants.map((v) => v.target), ['champion', '2']);
    assert.equal(compiled.override, true);
  });

  it('draws a variant by weight without a key (seeded: the count is exact for this seed, and within 5 sigma of 10 %)', () => {
    const compiled = plan(SPLIT);
    const random = mulberry32(7);
    const n = 10_000;
    let challenger = 0;
    for (let i = 0; i < n; i++) if (variantFor(compiled, undefined, random).name === 'challenger') challenger++;
    const sigma = Math.sqrt(n * 0.1 * 0.9);
    assert.ok(Math.abs(challenger - n * 0.1) < 5 * sigma, `${challenger} of ${n}`);
  });

  it('sends one key to one variant, always, and spreads keys by weight', () => {
    const compiled = plan({ ...SPLIT, sticky: { header: 'x-user-id' } });
    const never = () => assert.fail('a keyed request draws nothing');
    const n = 10_000;
    let challenger = 0;
    for (let i = 0; i < n; i++) {
      const first = variantFor(compiled, `user-${i}`, never).name;
      assert.equal(variantFor(compiled, `user-${i}`, never).name, first);
      if (first === 'challenger') challenger++;
    }
    assert.ok(Math.abs(challenger - n * 0.1) < 5 * Math.sqrt(n * 0.1 * 0.9), `${challenger} of ${n}`);
    // A key's slot depends on the model (experiments on two models assign independently), not on the replica.
    assert.equal(keySlot(compiled.seed, 'user-1'), keySlot(fnv1a('m\n'), 'user-1'));
  });

  it('keeps the keys of the last variant there as it grows (a canary that steps up)', () => {
    const at = (weight: number) => plan({ split: [{ variant: 'a', target: 1, weight: 100 - weight }, { variant: 'b', target: 2, weight }], sticky: { header: 'k' } });
    const small = at(10);
    const large = at(50);
    for (let i = 0; i < 2000; i++) {
      if (variantFor(small, `u${i}`, Math.random).name === 'b') assert.equal(variantFor(large, `u${i}`, Math.random).name, 'b');
    }
  });

  it('reads the sticky key from a header, gRPC metadata, a request parameter or an input', () => {
    const decoded = { parameters: { user_id: 42 }, inputs: [{ name: 'uid', datatype: 'BYTES', shape: [1], data: ['u-7'] }], outputs: [] } as never;
    assert.equal(stickyKey(plan({ ...SPLIT, sticky: { header: 'x-user-id' } }), { 'x-user-id': 'abc' }, undefined), 'abc');
    assert.equal(stickyKey(plan({ ...SPLIT, sticky: { header: 'x-user-id' } }), { get: () => ['meta'] }, undefined), 'meta');
    assert.equal(stickyKey(plan({ ...SPLIT, sticky: { parameter: 'user_id' } }), undefined, decoded), '42');
    assert.equal(stickyKey(plan({ ...SPLIT, sticky: { input: 'uid' } }), undefined, decoded), 'u-7');
    assert.equal(stickyKey(plan({ ...SPLIT, sticky: { input: 'missing' } }), undefined, decoded), undefined);
  });

  it('lets admin:write choose a variant with x-umbral-variant, refuses others (403) and unknown names (400)', () => {
    const compiled = plan(SPLIT);
    const headers = { 'x-umbral-variant': 'challenger' };
    assert.equal(overriddenVariant('m', compiled, headers, principal(['infer', 'admin:write']))?.name, 'challenger');
    assert.equal(overriddenVariant('m', compiled, {}, principal(['infer']))?.name, undefined);
    assert.throws(() => overriddenVariant('m', compiled, headers, principal(['infer'])), { code: 'UMBRAL_ERR_VARIANT_OVERRIDE_FORBIDDEN', status: 403 });
    assert.throws(() => overriddenVariant('m', compiled, { 'x-umbral-variant': 'nope' }, principal(['admin:write'])),
      (error: Error & { code: string }) => error.code === 'UMBRAL_ERR_UNKNOWN_VARIANT' && /champion, challenger/.test(error.message));
    assert.equal(overriddenVariant('m', plan({ ...SPLIT, override_header: false }), headers, principal(['infer'])), undefined, 'off: ignored');
  });
});
