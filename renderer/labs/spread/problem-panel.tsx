/**
 * How many vectors, in how many dimensions, and where they start: a seeded random set (the
 * seed is in the run controls) or a file of vectors the user opens or drops (CSV rows or a JSON
 * array of arrays, parsed and checked by the engine).
 */
import { SPREAD_LIMITS, spreadSizeProblem } from '../../../main/protocol/spread';
import { NumberField } from '../../number-field';
import type { SpreadSettings } from './spread-settings';

interface ProblemPanelProps {
  settings: SpreadSettings;
  onChange: (patch: Partial<SpreadSettings>) => void;
  /** Opens a file of start vectors (a dialog). */
  onChoose: () => void;
  busy: string | null;
}

export function ProblemPanel({ settings, onChange, onChoose, busy }: ProblemPanelProps) {
  const size = spreadSizeProblem(settings.n, settings.dim);
  const start = settings.start;
  const startFits = start && start.n === settings.n && start.dim === settings.dim;
  return (
    <section className="panel">
      <div className="panel-title-row">
        <h2>Vectors</h2>
        <button type="button" onClick={onChoose} data-testid="open-vectors" title="A CSV (one vector a row) or JSON array of vectors; or drop one on the window">
          Open vectors…
        </button>
      </div>
      <div className="field-row">
        <NumberField
          label="N vectors"
          value={settings.n}
          min={SPREAD_LIMITS.minVectors}
          max={SPREAD_LIMITS.maxVectors}
          integer
          testId="spread-n"
          title={`How many unit vectors (${SPREAD_LIMITS.minVectors} to ${SPREAD_LIMITS.maxVectors})`}
          onChange={(n) => onChange({ n })}
        />
        <NumberField
          label="D dimensions"
          value={settings.dim}
          min={SPREAD_LIMITS.minDim}
          max={SPREAD_LIMITS.maxDim}
          integer
          testId="spread-dim"
          title="2: a circle; 3: the sphere; more: a projection onto the three main directions"
          onChange={(dim) => onChange({ dim })}
        />
      </div>
      <div className="preset-row" role="group" aria-label="Presets">
        {[
          [4, 3, 'tetrahedron'],
          [12, 3, 'icosahedron'],
          [24, 3, 'snub cube'],
          [64, 32, 'the article (32-D)'],
        ].map(([n, dim, name]) => (
          <button key={String(name)} type="button" className="small" onClick={() => onChange({ n: n as number, dim: dim as number, start: null })} data-testid={`preset-${n}-${dim}`}>
            {n} in {dim}-D
            <span className="muted"> · {name}</span>
          </button>
        ))}
      </div>
      {size && (
        <p className="field-note error" role="alert" data-testid="spread-size-problem">
          {size}
        </p>
      )}
      <p className="muted small-text" data-testid="spread-start">
        {busy ?? (start ? (startFits ? `Start: ${start.name} (${start.n} × ${start.dim})` : `${start.name} is ${start.n} × ${start.dim}; set N and D to match to start from it.`) : 'Start: random unit vectors from the seed, the same for every lane.')}
        {start && !busy && (
          <>
            {' '}
            <button type="button" className="link-button" onClick={() => onChange({ start: null })} data-testid="clear-start">
              use random
            </button>
          </>
        )}
      </p>
    </section>
  );
}
