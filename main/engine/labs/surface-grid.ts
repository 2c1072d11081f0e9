/**
 * The Surface lab's requests beside a run, in float64: f over a grid of a window (the views'
 * 3-D surface and contour map) and f with its gradient at one point (the map's hover readout).
 * The last function compiled is kept: the views ask about the same one again and again.
 */
import type { SurfaceGridReply, SurfaceProbeReply } from '../../protocol/messages';
import { knownMinima, surfaceFormula, type SurfaceFunction, type SurfacePoint, type SurfaceWindow } from '../../protocol/surface';
import { checkFormula } from '../formula/formula';
import { centralDifferences, compileFloat64, type Float64Formula } from '../formula/formula-float64';

let cached: { text: string; f: Float64Formula } | undefined;

async function compiled(fn: SurfaceFunction): Promise<{ text: string; f: Float64Formula }> {
  const text = surfaceFormula(fn);
  if (cached?.text !== text) cached = { text, f: compileFloat64(await checkFormula(text)) };
  return cached;
}

export async function surfaceGrid(fn: SurfaceFunction, window: SurfaceWindow, resolution: number): Promise<Omit<SurfaceGridReply, 'type' | 'requestId'>> {
  const { text, f } = await compiled(fn);
  const values = new Float64Array(resolution * resolution);
  const point = [0, 0];
  const dx = (window.xMax - window.xMin) / (resolution - 1);
  const dy = (window.yMax - window.yMin) / (resolution - 1);
  for (let j = 0; j < resolution; j++) {
    point[1] = window.yMin + j * dy;
    for (let i = 0; i < resolution; i++) {
      point[0] = window.xMin + i * dx;
      const v = f(point);
      values[j * resolution + i] = Number.isFinite(v) ? v : NaN;
    }
  }
  return { formula: text, window, resolution, values, minima: [...knownMinima(fn)] };
}

export async function surfaceProbe(fn: SurfaceFunction, point: SurfacePoint): Promise<Omit<SurfaceProbeReply, 'type' | 'requestId'>> {
  const { f } = await compiled(fn);
  const [gx, gy] = centralDifferences(f, [point.x, point.y]);
  return { x: point.x, y: point.y, f: f([point.x, point.y]), gradient: [gx!, gy!] };
}
