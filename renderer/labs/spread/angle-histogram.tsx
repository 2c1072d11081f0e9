/**
 * The distribution of pairwise angles (0–180°) of each lane's current vectors, as outlines in
 * the lane colours. In high dimensions random vectors crowd around 90°; spreading them pushes
 * the left edge (the minimum angle) to the right.
 */
import { useRef } from 'react';
import { fitCanvas } from '../../fit-canvas';
import { SPREAD_LIMITS } from '../../../main/protocol/spread';
import { useAnimationFrame } from '../../use-animation-frame';
import { angleHistogram } from './neighbours';
import type { SpreadStore } from './spread-store';

// Right: half of a centred "180°" (about 28 px at 10 px type) must fit past the last bin.
const PAD = { left: 44, right: 16, top: 8, bottom: 28 };

export function AngleHistogram({ store }: { store: SpreadStore }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const drawn = useRef({ version: '', width: 0, height: 0 });

  useAnimationFrame(() => {
    const canvas = canvasRef.current;
    if (!canvas || canvas.offsetParent === null) return;
    const ctx = canvas.getContext('2d')!;
    const size = fitCanvas(canvas, ctx);
    const d = drawn.current;
    const version = `${store.vectorsVersion}|${store.cursor}`;
    if (!size.resized && d.version === version && d.width === size.width && d.height === size.height) return;
    Object.assign(d, { version, width: size.width, height: size.height });
    const { width, height } = size;
    ctx.clearRect(0, 0, width, height);
    const lanes = store.lanes.flatMap((l) => {
      const sample = store.shownSample(l);
      if (!sample) return [];
      // The start comes without one (the engine sends histograms with later frames): count it here.
      const histogram = sample.histogram ?? angleHistogram(sample.vectors, store.n, store.dim, SPREAD_LIMITS.histogramBins);
      return [{ colour: l.colour, histogram }];
    });
    let top = 1;
    for (const l of lanes) for (const c of l.histogram) top = Math.max(top, c);
    const plotW = width - PAD.left - PAD.right;
    const plotH = height - PAD.top - PAD.bottom;
    const x = (deg: number) => PAD.left + (deg / 180) * plotW;
    const y = (count: number) => PAD.top + plotH - (count / top) * plotH;
    ctx.strokeStyle = '#c3c9d2';
    ctx.fillStyle = '#5b6470';
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(PAD.left, PAD.top);
    ctx.lineTo(PAD.left, PAD.top + plotH);
    ctx.lineTo(PAD.left + plotW, PAD.top + plotH);
    ctx.stroke();
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const deg of [0, 30, 60, 90, 120, 150, 180]) ctx.fillText(`${deg}°`, x(deg), PAD.top + plotH + 4);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(String(Math.round(top)), PAD.left - 4, PAD.top + 4);
    ctx.fillText('0', PAD.left - 4, PAD.top + plotH);
    ctx.save();
    ctx.translate(10, PAD.top + plotH / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText('pairs', 0, 0);
    ctx.restore();
    if (!lanes.length) {
      ctx.textAlign = 'center';
      ctx.fillText('No run yet', PAD.left + plotW / 2, PAD.top + plotH / 2);
      return;
    }
    for (const l of lanes) {
      const h = l.histogram;
      const bin = 180 / h.length;
      ctx.strokeStyle = l.colour;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x(0), y(0));
      for (let b = 0; b < h.length; b++) {
        ctx.lineTo(x(b * bin), y(h[b]!));
        ctx.lineTo(x((b + 1) * bin), y(h[b]!));
      }
      ctx.lineTo(x(180), y(0));
      ctx.stroke();
    }
  });

  return <canvas ref={canvasRef} className="histogram-canvas" data-testid="angle-histogram" role="img" aria-label="Histogram of the angles between every pair of vectors, 0 to 180 degrees; the minimum and nearest-neighbour angles are in the table" />;
}
