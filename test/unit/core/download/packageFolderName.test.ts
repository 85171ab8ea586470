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
