import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prune } from '../src/control/promotion-backup.js';
import { scaleModel, uploadVersion } from './helpers/scale-model.js';
import { testTempDir } from './helpers/temp-dir.js';
import { getJson, postJson, startTestServer, type TestServer } from './helpers/test-server.js';

/** The champion each backup recorded: the aliases table as it was when the backup was taken. */
function championIn(backup: string): number {
  const rows = readFileSync(join(backup, 'tables', 'umbral_aliases.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { alias: string; version: number });
  return rows.find((row) => row.alias === 'champion')?.version ?? 0;
}

describe('a backup before every promotion', () => {
  let server: TestServer;
  const dir = join(testTempDir('umbral-promotion-backups-'), 'backups');

  before(async () => {
    server = await startTestServer({ models: {}, overrides: { 'backups.beforePromotion': dir, 'backups.keep': 2 } });
    assert.equal((await postJson(`${server.url}/admin/models`, { name: 'scale' })).status, 201);
    assert.equal((await uploadVersion(server.url, 'scale', scaleModel(1), { alias: 'champion' })).status, 201);
  });
  after(() => server.shutdown('test over'));

  it('writes one before each promotion, holding the registry as it was, records it in the audit log, and keeps the newest backups.keep', async () => {
    for (const k of [2, 3, 4]) {
      const uploaded = await uploadVersion(server.url, 'scale', scaleModel(k), { alias: 'challenger' });
      assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
      assert.equal((await fetch(`${server.url}/admin/models/scale/promote`, { method: 'POST' })).status, 200);
    }
    const kept = readdirSync(dir).sort();
    assert.equal(kept.length, 2, kept.join(', '));
    assert.deepEqual(kept.map((name) => championIn(join(dir, name))), [2, 3], 'each backup holds the champion before its promotion');
    const history = await getJson(`${server.url}/admin/models/scale/history?limit=3`);
    const promoted = (history.body.entries as Array<{ action: string; subject: string; detail?: { backup: string } }>).find((e) => e.action === 'promote' && e.subject === 'champion');
    assert.equal(promoted?.detail?.backup, join(dir, kept[1] as string));
  });

  it('prunes only its own backups, oldest first', async () => {
    const other = testTempDir('umbral-prune-');
    for (const name of ['20260101T000000000Z-a', '20260102T000000000Z-a', '20260103T000000000Z-b', '20260104T000000000Z-a.partial-1234', 'notes']) {
      mkdirSync(join(other, name));
    }
    writeFileSync(join(other, 'README'), 'mine');
    assert.deepEqual(await prune(other, 1), ['20260101T000000000Z-a', '20260102T000000000Z-a']);
    assert.deepEqual(readdirSync(other).sort(), ['20260103T000000000Z-b', '20260104T000000000Z-a.partial-1234', 'README', 'notes']);
  });
});
