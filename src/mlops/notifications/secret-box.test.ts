import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deriveSecretKey, SecretBox } from './secret-box.js';
import { KEY_FILE, loadSecretKey } from './secret-key.js';

const quiet = { warn: () => undefined, info: () => undefined };

describe('SecretBox', () => {
  const box = new SecretBox(deriveSecretKey('k'.repeat(32)));

  it('opens what it sealed, and nothing sealed for another channel or with another key', () => {
    const sealed = box.seal('https://hooks.slack.com/services/T/B/x', 'slack:a');
    assert.ok(!sealed.includes('hooks.slack.com'));
    assert.notEqual(box.seal('same', 'c'), box.seal('same', 'c'), 'a fresh IV each time');
    assert.equal(box.open(sealed, 'slack:a'), 'https://hooks.slack.com/services/T/B/x');
    assert.throws(() => box.open(sealed, 'slack:b'));
    assert.throws(() => new SecretBox(deriveSecretKey('j'.repeat(32))).open(sealed, 'slack:a'));
    // A character in the middle: the last one of base64 may carry only padding bits, and changing it may change nothing.
    const middle = Math.floor(sealed.length / 2);
    const tampered = sealed.slice(0, middle) + (sealed[middle] === 'A' ? 'B' : 'A') + sealed.slice(middle + 1);
    assert.throws(() => box.open(tampered, 'slack:a'));
  });
});

describe('loadSecretKey', () => {
  it('generates a key file readable by its owner only, and keeps using it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'umbral-key-'));
    const first = loadSecretKey({ configured: '', dataDir: dir, shared: false, logger: quiet });
    assert.equal(statSync(join(dir, KEY_FILE)).mode & 0o777, 0o600);
    assert.match(readFileSync(join(dir, KEY_FILE), 'utf8'), /^[0-9a-f]{64}\n$/);
    assert.deepEqual(loadSecretKey({ configured: '', dataDir: dir, shared: false, logger: quiet }), first);
  });

  it('warns that replicas on PostgreSQL must share a key when none is configured, and uses a configured one', () => {
    const warnings: string[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'umbral-key-'));
    loadSecretKey({ configured: '', dataDir: dir, shared: true, logger: { info: () => undefined, warn: (_o: unknown, m?: string) => { warnings.push(String(m)); } } });
    assert.match(warnings.join(), /must share one key/);
    assert.deepEqual(loadSecretKey({ configured: 'x'.repeat(40), dataDir: dir, shared: true, logger: quiet }), deriveSecretKey('x'.repeat(40)));
  });
});
