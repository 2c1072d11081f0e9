/**
 * A model's parameters side by side, for models other than two parameters (whose contour map
 * shows them): where every lane starts, where each lane is at the iteration shown (the
 * timeline's, or the latest) and, when the model is linear, the exact least-squares answer.
 */
import type { ModelIntro } from '../../../main/protocol/regression-model';
import { formatNumber } from '../../format-number';
import { useStoreSnapshot } from '../../run/use-store-snapshot';
import { parameterKey, type RunStore } from './run-store';

interface Row {
  id: string;
  label: string;
  colour: string;
  values: number[];
}

function snapshot(store: RunStore): { version: number; rows: Row[]; model: ModelIntro | null } {
  const shown = store.shownIteration;
  const model = store.model;
  return {
    version: store.version,
    model,
    rows: model
      ? store.lanes.map((l) => ({ id: l.id, label: l.label, colour: l.colour, values: model.parameters.map((p) => l.model?.at(parameterKey(p), shown) ?? NaN) }))
      : [],
  };
}

interface ParameterTableProps {
  store: RunStore;
  /** The settings' model and its start (shown until a run of a model is). */
  preview: (ModelIntro & { start: number[] }) | null;
}

export function ParameterTable({ store, preview }: ParameterTableProps) {
  const snap = useStoreSnapshot(store, snapshot);
  const model = snap.rows.length > 0 ? snap.model : preview;
  if (!model) return <p className="muted">The model's parameters show here once the engine has checked it.</p>;
  const cell = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? formatNumber(v) : '—');
  return (
    <div className="parameter-table-host">
      <table className="lane-table parameter-table" data-testid="parameter-table">
        <thead>
          <tr>
            <th />
            {model.parameters.map((p) => (
              <th key={p}>{p}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {model.exact && (
            <tr data-testid="parameter-row-exact">
              <td>exact</td>
              {model.exact.values.map((v, k) => (
                <td key={k} data-value={v} title={String(v)}>
                  {cell(v)}
                </td>
              ))}
            </tr>
          )}
          {snap.rows.length === 0 && preview && (
            <tr data-testid="parameter-row-start">
              <td>start</td>
              {preview.start.map((v, k) => (
                <td key={k}>{cell(v)}</td>
              ))}
            </tr>
          )}
          {snap.rows.map((r, i) => (
            <tr key={r.id} data-testid={`parameter-row-${i}`} title={r.label}>
              <td>
                <span className="swatch" style={{ background: r.colour }} /> {r.label}
              </td>
              {r.values.map((v, k) => (
                <td key={k} data-testid={`lane-param-${model.parameters[k]}-${i}`} data-value={v} title={String(v)}>
                  {cell(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
