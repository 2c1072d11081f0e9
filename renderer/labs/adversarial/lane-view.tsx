/**
 * One attack as it goes: its three images, and from its latest step's report (the image
 * rounded to 8 bits and classified again) the top five classes, the cat/dog sums, the target's
 * confidence over the steps and how far the image has moved. Numbers are polled from the store
 * ten times a second, not pushed per frame; "Save PNG" writes the engine's PNG of exactly the
 * bytes that report measured.
 */
import { useEffect, useState, type MutableRefObject } from 'react';
import type { Classification, StepReport } from '../../../main/protocol/adversarial';
import type { EngineClient } from '../../engine-client';
import { laneStatusText, shownPhase } from '../../run/run-store-base';
import { encodePng } from '../../engine-requests';
import { saveFile } from '../../save-file';
import { targetText } from './adversarial-settings';
import type { AdversarialStore } from './adversarial-store';
import { ConfidenceChart } from './confidence-chart';
import { PixelCanvas, type Lens } from './pixel-views';

const REFRESH_MS = 100;

interface LaneSnapshot {
  version: number;
  status: string;
  report: StepReport | null;
  maxSteps: number;
  targetText: string;
  hasImage: boolean;
}

function snapshot(store: AdversarialStore, laneId: string, labels: readonly string[] | null): LaneSnapshot {
  const lane = store.lanes.find((l) => l.id === laneId);
  // ImageNet labels list synonyms ("tabby, tabby cat"): the first names the class.
  const originalLabel = store.before?.top5[0]?.label.split(',')[0] ?? null;
  return {
    version: store.version,
    status: lane ? laneStatusText(lane.status, shownPhase(store)) : 'running',
    report: lane ? store.shownReport(lane) : null,
    maxSteps: lane?.maxSteps ?? 0,
    targetText: lane?.target ? targetText(lane.target, labels, originalLabel) : '',
    hasImage: !!(lane && store.shownImage(lane)),
  };
}

export const pct = (p: number) => `${(100 * p).toFixed(1)}%`;

interface LaneViewProps {
  store: AdversarialStore;
  client: EngineClient;
  laneId: string;
  index: number;
  label: string;
  colour: string;
  labels: readonly string[] | null;
  lens: Lens;
  gain: MutableRefObject<number>;
  gainLabel: number;
  reportError: (message: string | null) => void;
}

export function LaneView({ store, client, laneId, index, label, colour, labels, lens, gain, gainLabel, reportError }: LaneViewProps) {
  const [snap, setSnap] = useState(() => snapshot(store, laneId, labels));
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    setSnap(snapshot(store, laneId, labels));
    const timer = setInterval(() => setSnap((s) => (s.version === store.version ? s : snapshot(store, laneId, labels))), REFRESH_MS);
    return () => clearInterval(timer);
  }, [store, laneId, labels]);

  const r = snap.report;
  const savePng = () => {
    const lane = store.lanes.find((l) => l.id === laneId);
    const image = lane && store.shownImage(lane);
    if (!lane || !image || !store.width) return;
    const step = store.shownReport(lane)?.step ?? 0;
    const base = (store.imageName || 'image').replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_');
    const name = `${base}-${lane.method ?? 'attack'}-step${step}.png`;
    setSaving(true);
    encodePng(client, image, store.width, store.height)
      .then((bytes) => saveFile(name, new Blob([bytes as BlobPart], { type: 'image/png' })))
      .catch((e: Error) => reportError(`Could not save the PNG: ${e.message}`))
      .finally(() => setSaving(false));
  };

  return (
    <article className="adv-lane" data-testid={`lane-view-${index}`} style={{ borderLeftColor: colour }}>
      <header className="adv-lane-head">
        <span className="swatch" style={{ background: colour }} aria-hidden />
        <b className="adv-lane-title" title={label}>
          {label}
        </b>
        <span className="muted adv-step" data-testid="lane-step" data-value={r?.step ?? 0}>
          step {r?.step ?? 0} / {snap.maxSteps || '—'}
        </span>
        <span className={`status-${snap.status}`} data-testid="lane-status">
          {snap.status}
        </span>
        {r && r.step > 0 && (
          <span className={r.success ? 'adv-badge ok' : 'adv-badge'} data-testid="lane-success" data-value={String(r.success)}>
            {r.success ? 'fooled' : 'not yet'}
          </span>
        )}
        {/* A success figure only once the attack has stepped: at step 0 it is the original's. */}
        <span className="adv-target-conf" title={`The target (${snap.targetText}) confidence of the rounded image, from the first step`}>
          {snap.targetText}: <b data-testid="target-confidence" data-value={r && r.step > 0 ? r.targetConfidence : ''}>{r && r.step > 0 ? pct(r.targetConfidence) : '—'}</b>
        </span>
        <button type="button" className="small" onClick={savePng} disabled={!snap.hasImage || saving} data-testid="save-png" title="The adversarial image as shown (8 bits per channel) as a PNG">
          Save PNG
        </button>
      </header>
      <div className="adv-lane-body">
        <div className="adv-images">
          <figure>
            <figcaption>original</figcaption>
            <PixelCanvas store={store} laneId={laneId} kind="original" lens={lens} gain={gain} label="Original image" />
          </figure>
          <figure>
            <figcaption>adversarial</figcaption>
            <PixelCanvas store={store} laneId={laneId} kind="adversarial" lens={lens} gain={gain} label="Adversarial image" />
          </figure>
          <figure>
            <figcaption title="Per pixel, the change of the channel that moved most: red brighter, blue darker, white unchanged">difference ×{gainLabel}</figcaption>
            <PixelCanvas store={store} laneId={laneId} kind="difference" lens={lens} gain={gain} label="Amplified difference" />
          </figure>
        </div>
        <div className="adv-classes">
          <Top5 classification={r?.classification ?? null} />
          <CatDog classification={r?.classification ?? null} />
        </div>
        <div className="adv-measures">
          <ConfidenceChart store={store} laneId={laneId} colour={colour} />
          <Distances report={r} />
          <DetailLine report={r} labels={labels} />
        </div>
      </div>
    </article>
  );
}

function Top5({ classification }: { classification: Classification | null }) {
  const rows = classification?.top5 ?? [];
  return (
    <ol className="adv-top5" data-testid="top5" aria-label="Top five classes">
      {rows.map((c) => (
        <li key={c.index} data-testid="top5-row" data-label={c.label} data-value={c.probability}>
          <span className="adv-class-label" title={`${c.label} (#${c.index})`}>
            {c.label.split(',')[0]}
          </span>
          <span className="adv-bar">
            <span style={{ width: `${Math.max(0, Math.min(100, 100 * c.probability))}%` }} />
          </span>
          <span className="adv-prob">{pct(c.probability)}</span>
        </li>
      ))}
      {!rows.length && <li className="muted">no classification yet</li>}
    </ol>
  );
}

function CatDog({ classification }: { classification: Classification | null }) {
  if (!classification || classification.cat === null || classification.dog === null) return null;
  return (
    <div className="adv-catdog" title="Summed probability of ImageNet’s cat classes and of its dog classes">
      {(['cat', 'dog'] as const).map((g) => (
        <div key={g} className={`adv-group adv-group-${g}`} data-testid={`${g}-bar`} data-value={classification[g]!}>
          <span className="adv-class-label">all {g}s</span>
          <span className="adv-bar">
            <span style={{ width: `${100 * classification[g]!}%` }} />
          </span>
          <span className="adv-prob">{pct(classification[g]!)}</span>
        </div>
      ))}
    </div>
  );
}

function Distances({ report }: { report: StepReport | null }) {
  const d = report?.distance;
  const cell = (title: string, label: string, value: string, testId: string, raw: number | null | undefined) => (
    <div title={title}>
      <dt>{label}</dt>
      <dd data-testid={testId} data-value={raw ?? ''}>
        {value}
      </dd>
    </div>
  );
  return (
    <dl className="adv-distances" data-testid="distances">
      {cell('Largest change of any value, in levels (1/255)', 'L∞', d ? String(d.linf) : '—', 'dist-linf', d?.linf)}
      {cell('Euclidean norm of the change over all values, in levels', 'L2', d ? d.l2.toFixed(1) : '—', 'dist-l2', d?.l2)}
      {cell('Pixels with any channel changed', 'L0 px', d ? d.l0Pixels.toLocaleString('en-US') : '—', 'dist-l0', d?.l0Pixels)}
      {cell('Peak signal-to-noise ratio against the original', 'PSNR', d ? (d.psnrDb === null ? '∞' : `${d.psnrDb.toFixed(1)} dB`) : '—', 'dist-psnr', d?.psnrDb)}
      {cell('Structural similarity to the original (1 = identical)', 'SSIM', d ? d.ssim.toFixed(4) : '—', 'dist-ssim', d?.ssim)}
      {cell('Time for the last step (gradient, update, re-classify)', 'ms/step', report && report.stepMs > 0 ? report.stepMs.toFixed(0) : '—', 'step-ms', report?.stepMs)}
    </dl>
  );
}

/** DeepFool's and C&W's own figures for the step shown: the boundary aimed at, the rounding scale, c. */
function DetailLine({ report, labels }: { report: StepReport | null; labels: readonly string[] | null }) {
  const d = report?.detail;
  if (!d) return null;
  const parts: string[] = [];
  if (d.c !== undefined) parts.push(`c ${d.c.toPrecision(3)} (round ${d.round})`, d.successC === null || d.successC === undefined ? 'no c has worked yet' : `smallest c that worked ${d.successC.toPrecision(3)}`);
  if (report.bestStep !== undefined) parts.push(`image from step ${report.bestStep}`);
  if (d.boundaryClass !== undefined && d.boundaryDistance !== undefined) {
    parts.push(`boundary of ${(labels?.[d.boundaryClass] ?? `class ${d.boundaryClass}`).split(',')[0]} ${d.boundaryDistance.toPrecision(3)} levels away`);
  }
  if (d.roundingScale !== undefined) parts.push(`×${d.roundingScale.toPrecision(3)} to survive 8-bit rounding`);
  return (
    <p className="muted adv-detail" data-testid="lane-detail" title="The method’s own figures at this step">
      {parts.join(' · ')}
    </p>
  );
}
