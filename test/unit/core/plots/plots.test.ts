import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetCurveSvg } from '../../../../extension/core/plots/budgetCurveSvg';
import { reliabilityDiagramSvg } from '../../../../extension/core/plots/reliabilityDiagramSvg';
import { svgNumber, svgText } from '../../../../extension/core/plots/svgText';
import { reliabilityBins } from '../../../../extension/core/metrics/reliabilityBins';

test('svgText and svgNumber: worked examples', () => {
  assert.equal(svgText('A&B <1>'), 'A&amp;B &lt;1&gt;');
  assert.equal(svgNumber(12.3456), '12.35');
});

test('budgetCurveSvg: log x axis puts 1000 midway between 100 and 10000; labels escaped', () => {
  const svg = budgetCurveSvg({
    title: 'AUROC <test>', yLabel: 'AUROC',
    curves: [{ label: 'EliCal', color: '#00f', points: [{ budget: 100, value: 60 }, { budget: 1000, value: 70 }, { budget: 10000, value: 80 }] }],
  });
  const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.equal(circles.length, 3);
  assert.ok(Math.abs(circles[1][0] - (circles[0][0] + circles[2][0]) / 2) < 0.02);
  assert.ok(circles[0][1] > circles[1][1] && circles[1][1] > circles[2][1], 'higher values are drawn higher');
  assert.match(svg, /AUROC &lt;test&gt;/);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.throws(() => budgetCurveSvg({ title: '', yLabel: '', curves: [{ label: 'x', color: 'red', points: [{ budget: 0, value: 1 }] }] }), /positive/);
  assert.throws(() => budgetCurveSvg({ title: '', yLabel: '', curves: [{ label: 'x', color: 'red', points: [{ budget: 1, value: null }] }] }), /no values/);
});

test('reliabilityDiagramSvg: bar height is accuracy x 220 px; empty bins draw nothing', () => {
  const bins = reliabilityBins([0.55, 0.58, 0.95], [1, 0, 1]);
  const svg = reliabilityDiagramSvg('R', [{ title: 'EliCal', bins }]);
  const bars = [...svg.matchAll(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="#4a7fb5">/g)].map((m) => Number(m[1]));
  assert.deepEqual(bars, [110, 220]);
  assert.throws(() => reliabilityDiagramSvg('R', []), /no panels/);
});
