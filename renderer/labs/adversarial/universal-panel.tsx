/**
 * The universal perturbation's card: the ε values and iterations, Run and Cancel with the
 * fooling rate as it goes; then the fooling rate against ε (drawn as the lanes' confidence
 * chart is), the perturbation of the ε chosen drawn ×k as the lanes' difference view draws a
 * change (red brighter, blue darker), saved as a PNG (128 + δ, which added back to a photo gives
 * exactly the image classified; or 128 + k·δ to look at), and its verdict on every image.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { UNIVERSAL_LIMITS } from '../../../main/protocol/adversarial';
import type { UniversalPoint } from '../../../main/protocol/messages';
import type { EngineClient } from '../../engine-client';
import { encodePng } from '../../engine-requests';
import { NumberField } from '../../number-field';
import { saveFile } from '../../save-file';
import { universalCard, universalCsv } from './batch-export';
import { SESSION_REQUEST_ID } from './saved-universal';
import { useCanvasRedraw } from '../../use-canvas-redraw';
import { ClassCell } from './batch-table';
import { drawShareChart } from './confidence-chart';
import { pct } from './lane-view';
import { differenceToImageData } from './rgb-image';
import { parseEpsilons } from './adversarial-settings';
import type { UniversalState } from './saved-universal';

interface UniversalPanelProps {
  state: UniversalState | null;
  client: EngineClient;
  /** The images it would run over (decoded for the model), and whether a model is ready. */
  imageCount: number;
  canRun: boolean;
  /** The difference view's amplification (the toolbar's ×k). */
  gain: number;
  onRun: (epsilons: number[], iterations: number) => void;
  onCancel: () => void;
  onClose: () => void;
  reportError: (message: string | null) => void;
}

const CURVE_COLOUR = '#c2410c';

export function UniversalPanel({ state, client, imageCount, canRun, gain, onRun, onCancel, onClose, reportError }: UniversalPanelProps) {
  const [epsilonText, setEpsilonText] = useState(UNIVERSAL_LIMITS.defaultEpsilons.join(', '));
  const [iterations, setIterations] = useState<number>(UNIVERSAL_LIMITS.defaultIterations);
  const parsed = parseEpsilons(epsilonText);
  const problem = typeof parsed === 'string' ? parsed : null;
  const running = !!state?.running;
  const points = state?.result?.points ?? [];
  const [shownEpsilon, setShownEpsilon] = useState<number | null>(null);
  // One opened from a session brings back the ε and iterations it was made with.
  const restored = state?.result?.requestId === SESSION_REQUEST_ID ? state : null;
  useEffect(() => {
    if (!restored) return;
    setEpsilonText(restored.epsilons.join(', '));
    setIterations(restored.iterations);
  }, [restored]);
  // A new result shows its largest ε.
  useEffect(() => setShownEpsilon(state?.result?.points.at(-1)?.epsilon ?? null), [state?.result]);
  const shown = points.find((p) => p.epsilon === shownEpsilon) ?? points.at(-1) ?? null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (running || !canRun || typeof parsed === 'string') return;
    onRun(parsed, iterations);
  };

  const [saving, setSaving] = useState(false);
  const save = (point: UniversalPoint, amplify: number) => {
    const { width, height } = state!.result!;
    const rgb = Uint8Array.from(point.perturbation, (d) => Math.min(255, Math.max(0, 128 + amplify * d)));
    setSaving(true);
    encodePng(client, rgb, width, height)
      .then((bytes) => saveFile(`universal-eps${point.epsilon}${amplify === 1 ? '' : `-x${amplify}`}.png`, new Blob([bytes as BlobPart], { type: 'image/png' })))
      .catch((e: Error) => reportError(`Could not save the PNG: ${e.message}`))
      .finally(() => setSaving(false));
  };

  const saveCsv = () => {
    const { model, images, epsilons, iterations, result } = state!;
    const card = universalCard({ model, images, epsilons, iterations, backend: result!.backend });
    saveFile('universal-perturbation.csv', new Blob([universalCsv(result!.points, card)], { type: 'text/csv' }));
  };

  const p = state?.progress;
  const total = state ? state.epsilons.length * state.iterations : 0;
  const done = p ? p.epsilonIndex * p.iterations + p.iteration + (p.imagesDone ? p.imagesDone / p.images : 0) : 0;

  return (
    <section className="view-card adv-universal" data-testid="universal" aria-label="Universal perturbation">
      <form className="adv-universal-head" onSubmit={submit}>
        <b>Universal perturbation</b>
        <span className="muted">one δ, at most ε levels per value, added to all {imageCount} image{imageCount === 1 ? '' : 's'}</span>
        <label className="adv-universal-eps">
          ε (levels)
          <input
            type="text"
            value={epsilonText}
            onChange={(e) => setEpsilonText(e.target.value)}
            disabled={running}
            aria-invalid={problem !== null}
            aria-describedby={problem ? 'universal-epsilons-message' : undefined}
            data-testid="universal-epsilons"
            title="One perturbation is made for each ε listed: the fooling rate against ε"
          />
        </label>
        <NumberField label="iterations" value={iterations} onChange={setIterations} min={1} max={UNIVERSAL_LIMITS.maxIterations} integer testId="universal-iterations" title="Sign steps of δ over every image, for each ε" />
        {running ? (
          <button type="button" className="small" onClick={onCancel} data-testid="universal-cancel">
            Cancel
          </button>
        ) : (
          <button type="submit" className="small primary" disabled={!canRun || problem !== null} data-testid="universal-run">
            Run
          </button>
        )}
        <button type="button" className="small" onClick={onClose} disabled={running} data-testid="universal-close">
          Close
        </button>
      </form>
      {problem && (
        <p className="field-note error" id="universal-epsilons-message" role="alert" data-testid="universal-epsilons-message">
          {problem}
        </p>
      )}
      {state && (
        <p className="adv-universal-status" role="status">
          {running ? (
            <span data-testid="universal-progress">
              {p ? `ε ${p.epsilon} (${p.epsilonIndex + 1} of ${state.epsilons.length}): iteration ${p.iteration} of ${p.iterations}${p.imagesDone ? `, ${p.imagesDone} of ${p.images} images into the next` : ''} · fooling rate ${pct(p.foolingRate)}` : `Starting on ${state.images.length} images…`}{' '}
              <progress max={total} value={done} aria-label="Iterations done" />
            </span>
          ) : state.ended === 'cancelled' ? (
            <span data-testid="universal-progress">Cancelled{state.finished.length ? ` after ε ${state.finished.map((f) => f.epsilon).join(', ')}` : ''}.</span>
          ) : state.ended === 'failed' ? (
            <span className="status-diverged" data-testid="universal-progress">
              {state.error}
            </span>
          ) : (
            shown && (
              <span data-testid="universal-summary" data-value={shown.foolingRate}>
                ε {shown.epsilon}: fools <b>{shown.perImage.filter((r) => r.success).length}</b> of {shown.perImage.length} ({pct(shown.foolingRate)}) after {shown.iterations} iteration{shown.iterations === 1 ? '' : 's'} of {shown.step.toPrecision(3)} levels,{' '}
                {shown.msPerIteration.toFixed(0)} ms each
              </span>
            )
          )}
        </p>
      )}
      {state && (state.finished.length > 0 || points.length > 0) && (
        <div className="adv-universal-body">
          <figure>
            <figcaption>fooling rate against ε</figcaption>
            <FoolingCurve points={state.finished} maxEpsilon={Math.max(...state.epsilons)} shown={shown?.epsilon ?? null} />
          </figure>
          {shown && (
            <figure>
              <figcaption title="Per pixel, the change of the channel that moved most: red brighter, blue darker, white unchanged">
                δ at ε{' '}
                <select value={shown.epsilon} onChange={(e) => setShownEpsilon(Number(e.target.value))} data-testid="universal-shown" aria-label="The ε whose perturbation is shown">
                  {points.map((q) => (
                    <option key={q.epsilon} value={q.epsilon}>
                      {q.epsilon} ({pct(q.foolingRate)})
                    </option>
                  ))}
                </select>{' '}
                ×{gain}
              </figcaption>
              <PerturbationCanvas point={shown} width={state.result!.width} height={state.result!.height} gain={gain} />
              <div className="adv-universal-save">
                <button type="button" className="small" onClick={() => save(shown, 1)} disabled={saving} data-testid="universal-save-png" title="128 + δ as a PNG: added back to a photo (minus 128) it gives exactly the image classified here">
                  Save PNG
                </button>
                <button type="button" className="small" onClick={() => save(shown, gain)} disabled={saving} data-testid="universal-save-amplified" title={`128 + ${gain}·δ as a PNG, to look at`}>
                  Save ×{gain}
                </button>
                <button type="button" className="small" onClick={saveCsv} data-testid="universal-save-csv" title="Every ε's verdicts on every image, with its fooling rate, as CSV">
                  CSV
                </button>
              </div>
            </figure>
          )}
          {shown && (
            <div className="adv-batch-scroll adv-universal-table">
              <table className="lane-table adv-batch-table" data-testid="universal-table">
                <thead>
                  <tr>
                    <th className="text">image</th>
                    <th className="text">original class</th>
                    <th className="text">with δ</th>
                    <th>fooled</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.perImage.map((r, i) => (
                    <tr key={i} data-testid="universal-row" data-fooled={String(r.success)}>
                      <td className="text" title={r.name}>
                        {r.name}
                      </td>
                      <ClassCell c={r.before.top5[0] ?? null} />
                      <ClassCell c={r.after.top5[0] ?? null} />
                      <td className={r.success ? 'status-done' : 'status-diverged'}>{r.success ? 'yes' : 'no'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

/** The fooling rate of each ε finished, from (0, 0%), with the ε shown marked. */
function FoolingCurve({ points, maxEpsilon, shown }: { points: readonly { epsilon: number; foolingRate: number }[]; maxEpsilon: number; shown: number | null }) {
  const sorted = [...points].sort((a, b) => a.epsilon - b.epsilon);
  const label = `Fooling rate against ε: ${sorted.map((q) => `ε ${q.epsilon}: ${pct(q.foolingRate)}`).join(', ') || 'none yet'}`;
  const ref = useCanvasRedraw({
    key: () => `${label}|${shown}|${maxEpsilon}`,
    draw: (ctx, size) =>
      drawShareChart(ctx, size.width, size.height, {
        xMax: maxEpsilon,
        xEndLabel: `ε ${maxEpsilon}`,
        points: [{ x: 0, p: 0 }, ...sorted.map((q) => ({ x: q.epsilon, p: q.foolingRate }))],
        colour: CURVE_COLOUR,
        cursorX: shown,
        pointLabels: true,
      }),
  });
  return <canvas ref={ref} className="adv-chart adv-universal-chart" data-testid="universal-chart" data-value={JSON.stringify(sorted)} aria-label={label} role="img" />;
}

/** δ ×k, as the lanes' difference view draws a change. */
function PerturbationCanvas({ point, width, height, gain }: { point: UniversalPoint; width: number; height: number; gain: number }) {
  const pixels = useRef<{ canvas: HTMLCanvasElement; key: string } | null>(null);
  const key = `${point.epsilon}|${point.perturbation.length}|${gain}`;
  const ref = useCanvasRedraw({
    key: () => key,
    aspect: `${width} / ${height}`,
    draw: (ctx, size) => {
      if (pixels.current?.key !== key) {
        const off = document.createElement('canvas');
        off.width = width;
        off.height = height;
        const data = new ImageData(width, height);
        differenceToImageData(null, point.perturbation, gain, data);
        off.getContext('2d')!.putImageData(data, 0, 0);
        pixels.current = { canvas: off, key };
      }
      ctx.clearRect(0, 0, size.width, size.height);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(pixels.current.canvas, 0, 0, size.width, size.height);
    },
  });
  return <canvas ref={ref} className="adv-pixels adv-universal-delta" data-testid="universal-perturbation" aria-label={`The perturbation at ε ${point.epsilon}, ×${gain}`} role="img" />;
}
