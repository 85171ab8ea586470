import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Leases } from '../../../../extension/core/scoring/leases';

function tracked(): { leases: Leases<string>; freed: string[] } {
  const freed: string[] = [];
  return {
    freed,
    leases: new Leases<string>(async (item) => {
      freed.push(item);
    }),
  };
}

test('an unheld item is freed when retired; a held one only at its last release, once', async () => {
  const { leases, freed } = tracked();
  await leases.retire('idle');
  assert.deepEqual(freed, ['idle']);

  const first = leases.hold('model');
  const second = leases.hold('model');
  await leases.retire('model');
  assert.deepEqual(freed, ['idle'], 'held twice: retiring frees nothing');
  await first();
  await first();
  assert.deepEqual(freed, ['idle'], 'one holder left (a repeated release counts once)');
  await second();
  assert.deepEqual(freed, ['idle', 'model']);
  await second();
  assert.deepEqual(freed, ['idle', 'model'], 'never freed twice');
});

test('releasing an item that was never retired frees nothing; holding it again after a release works', async () => {
  const { leases, freed } = tracked();
  const release = leases.hold('model');
  await release();
  assert.deepEqual(freed, []);
  const again = leases.hold('model');
  await leases.retire('model');
  assert.deepEqual(freed, []);
  await again();
  assert.deepEqual(freed, ['model']);
});

test('freeRetired frees what is retired but still held (shutdown), and only that', async () => {
  const { leases, freed } = tracked();
  const held = leases.hold('old');
  leases.hold('current');
  await leases.retire('old');
  await leases.freeRetired();
  assert.deepEqual(freed, ['old']);
  await held();
  assert.deepEqual(freed, ['old'], 'a release after shutdown frees nothing more');
});
