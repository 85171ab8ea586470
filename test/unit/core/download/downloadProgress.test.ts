import { test } from 'node:test';
import assert from 'node:assert/strict';
import { downloadPercent, downloadProgressText, formatByteCount, type DownloadProgress } from '../../../../extension/core/download/downloadProgress';

test('formatByteCount: the documented examples', () => {
  assert.equal(formatByteCount(0), '0 B');
  assert.equal(formatByteCount(900), '900 B');
  assert.equal(formatByteCount(1023), '1023 B');
  assert.equal(formatByteCount(1536), '1.5 KiB');
  assert.equal(formatByteCount(397374), '388.1 KiB');
  assert.equal(formatByteCount(5 * 2 ** 30), '5.0 GiB');
  assert.equal(formatByteCount(3 * 2 ** 50), '3072.0 TiB');
});

const files = (bytesDone: number, bytesTotal: number | null): DownloadProgress => ({ phase: 'files', file: 'backbone.onnx', fileIndex: 3, fileCount: 6, bytesDone, bytesTotal });

test('downloadPercent floors, so 100 means every byte; unknown totals give null', () => {
  assert.equal(downloadPercent(files(999, 1000)), 99);
  assert.equal(downloadPercent(files(1000, 1000)), 100);
  assert.equal(downloadPercent(files(5, 0)), 100);
  assert.equal(downloadPercent(files(5, null)), null);
});

test('downloadProgressText for each phase', () => {
  assert.equal(downloadProgressText(files(122880, 415027)), 'backbone.onnx (3/6): 120.0 KiB of 405.3 KiB (29%)');
  assert.equal(downloadProgressText(files(122880, null)), 'backbone.onnx (3/6): 120.0 KiB');
  assert.equal(downloadProgressText({ phase: 'sizes', file: null, fileIndex: 2, fileCount: 6, bytesDone: 0, bytesTotal: null }), 'asking for file sizes (2/6)');
  assert.equal(downloadProgressText({ phase: 'verifying', file: null, fileIndex: 6, fileCount: 6, bytesDone: 10, bytesTotal: 10 }), 'checking the package');
});
