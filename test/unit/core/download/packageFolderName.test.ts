import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packageFolderName } from '../../../../extension/core/download/packageFolderName';

test('packageFolderName: the documented examples and the edges', () => {
  assert.equal(packageFolderName('tiny-llama-fixture'), 'tiny-llama-fixture');
  assert.equal(packageFolderName('../../etc'), 'etc');
  assert.equal(packageFolderName('Llama 3.2 / EliCal'), 'Llama-3.2-EliCal');
  assert.equal(packageFolderName(''), 'model');
  assert.equal(packageFolderName('..'), 'model');
  assert.equal(packageFolderName('a\\b:c*d'), 'a-b-c-d');
  assert.equal(packageFolderName('nul'), 'nul-model');
  assert.equal(packageFolderName('COM1'), 'COM1-model');
  assert.equal(packageFolderName('x'.repeat(100)).length, 64);
  assert.equal(packageFolderName('trailing.'), 'trailing');
});

test('packageFolderName: Windows device names in any case and with any extension get the suffix before the first dot', () => {
  const cases: [string, string][] = [
    ['nul', 'nul-model'],
    ['NUL', 'NUL-model'],
    ['Con', 'Con-model'],
    ['nul.txt', 'nul-model.txt'],
    ['con.v1', 'con-model.v1'],
    ['COM1.tar', 'COM1-model.tar'],
    ['Com9.tar.gz', 'Com9-model.tar.gz'],
    ['lpt3.', 'lpt3-model'],
    ['aux.', 'aux-model'],
    ['PrN.json', 'PrN-model.json'],
    ['com0.x', 'com0-model.x'],
    ['nul.' + 'x'.repeat(100), 'nul-model.' + 'x'.repeat(54)],
    // Not device names: a longer first part, or the device name inside it.
    ['console.v1', 'console.v1'],
    ['com10.bin', 'com10.bin'],
    ['nul-model.txt', 'nul-model.txt'],
    ['my.nul', 'my.nul'],
    ['connect', 'connect'],
  ];
  for (const [name, expected] of cases) {
    const folder = packageFolderName(name);
    assert.equal(folder, expected, name);
    assert.ok(folder.length <= 64, name);
  }
});
