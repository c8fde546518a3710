import assert from 'node:assert/strict';
import { it } from 'node:test';
import { exportHeader, exportPage } from './export-format.js';
import type { ExportedPrediction } from './prediction-pages.js';

const record: ExportedPrediction = {
  id: '00000000-0000-4000-8000-000000000001', requestId: 'r-1', model: 'm', version: '2', variant: null, at: '2026-01-01T00:00:00.000Z',
  latencyMs: 1.5, principal: 'key:a,b', status: 200, errorCode: null, payload: 'none', inputs: null, outputs: null,
  prediction: [{ class: 'spam', score: 0.9 }], features: null, label: 'say "hi"', labelledBy: 'key:x', labelledAt: '2026-01-01T00:01:00.000Z',
};

it('writes one JSON object per line', () => {
  assert.equal(exportHeader('jsonl'), '');
  const text = exportPage('jsonl', [record, record]);
  const lines = text.split('\n');
  assert.equal(lines.length, 3);
  assert.deepEqual(JSON.parse(lines[0] as string), record);
});

it('writes RFC 4180 CSV: a header, JSON for structures, quotes where needed', () => {
  assert.equal(exportHeader('csv'),
    'id,request_id,model,version,variant,at,latency_ms,principal,status,error_code,payload,inputs,outputs,prediction,features,label,labelled_by,labelled_at\r\n');
  assert.equal(exportPage('csv', [record]),
    '00000000-0000-4000-8000-000000000001,r-1,m,2,,2026-01-01T00:00:00.000Z,1.5,"key:a,b",200,,none,,,"[{""class"":""spam"",""score"":0.9}]",,'
    + '"say ""hi""",key:x,2026-01-01T00:01:00.000Z\r\n');
});
