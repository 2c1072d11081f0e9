/**
 * Which f(x, y): a preset (with the bowl's κ) or a formula typed in the app's small maths
 * language, checked by the engine as it is typed; the window the views show; the start every
 * lane shares (also set by clicking the contour map).
 */
import { BOWL_KAPPA, SURFACE_LIMITS, SURFACE_PRESETS, SURFACE_PRESET_NAMES, type SurfacePoint, type SurfacePresetName } from '../../../main/protocol/surface';
import { FormulaField } from '../../formula-field';
import { NumberField } from '../../number-field';
import type { SurfaceSettings } from './surface-settings';

interface FunctionPanelProps {
  settings: SurfaceSettings;
  onChange: (patch: Partial<SurfaceSettings>) => void;
  onPreset: (preset: SurfacePresetName | 'formula') => void;
  /** The engine's word on the typed formula; null when it is accepted. */
  formulaError: string | null;
  onSuggested: () => void;
}

const C = SURFACE_LIMITS.maxAbsCoordinate;

export function FunctionPanel({ settings, onChange, onPreset, formulaError, onSuggested }: FunctionPanelProps) {
  const preset = settings.source === 'formula' ? null : SURFACE_PRESETS[settings.source];
  const setStart = (p: Partial<SurfacePoint>) => onChange({ start: { ...settings.start, ...p } });
  const w = settings.window;
  return (
    <section className="panel">
      <h2>Function</h2>
      <label className="field">
        <span>f(x, y)</span>
        <select value={settings.source} data-testid="surface-function" onChange={(e) => onPreset(e.target.value as SurfacePresetName | 'formula')} title={preset?.description}>
          {SURFACE_PRESET_NAMES.map((name) => (
            <option key={name} value={name}>
              {SURFACE_PRESETS[name].label}
            </option>
          ))}
          <option value="formula">Your formula…</option>
        </select>
      </label>
      {preset && <p className="muted small-note" data-testid="preset-description">{preset.description}</p>}
      {settings.source === 'bowl' && (
        <label className="field" title="The bowl's condition number: how much steeper it is across y than along x">
          <span>κ = {settings.kappa}</span>
          <input
            type="range"
            min={Math.log10(BOWL_KAPPA.min)}
            max={Math.log10(BOWL_KAPPA.max)}
            step={0.01}
            value={Math.log10(settings.kappa)}
            data-testid="surface-kappa"
            onChange={(e) => onChange({ kappa: Number((10 ** Number(e.target.value)).toPrecision(3)) })}
          />
        </label>
      )}
      {settings.source === 'formula' && (
        <FormulaField label="formula in x and y" value={settings.formula} onChange={(formula) => onChange({ formula })} error={formulaError} testId="surface-formula" errorTestId="formula-error" />
      )}
      <div className="field-row">
        <NumberField label="start x" value={settings.start.x} min={-C} max={C} testId="surface-start-x" onChange={(x) => setStart({ x })} title="Where every lane starts (or click the contour map)" />
        <NumberField label="start y" value={settings.start.y} min={-C} max={C} testId="surface-start-y" onChange={(y) => setStart({ y })} title="Where every lane starts (or click the contour map)" />
      </div>
      <details className="window-fields">
        <summary>
          Window: x {w.xMin}…{w.xMax}, y {w.yMin}…{w.yMax}
        </summary>
        <div className="field-row">
          <NumberField label="x from" value={w.xMin} min={-C} max={w.xMax} testId="surface-xmin" onChange={(xMin) => xMin < w.xMax && onChange({ window: { ...w, xMin } })} />
          <NumberField label="to" value={w.xMax} min={w.xMin} max={C} testId="surface-xmax" onChange={(xMax) => xMax > w.xMin && onChange({ window: { ...w, xMax } })} />
        </div>
        <div className="field-row">
          <NumberField label="y from" value={w.yMin} min={-C} max={w.yMax} testId="surface-ymin" onChange={(yMin) => yMin < w.yMax && onChange({ window: { ...w, yMin } })} />
          <NumberField label="to" value={w.yMax} min={w.yMin} max={C} testId="surface-ymax" onChange={(yMax) => yMax > w.yMin && onChange({ window: { ...w, yMax } })} />
        </div>
      </details>
      {preset && (
        <div className="preset-row">
          <button type="button" className="small" onClick={onSuggested} data-testid="surface-suggested" title="The lanes that reach this function's minimum from its standard start">
            Suggested lanes and start
          </button>
          {preset.minima.length > 0 && (
            <span className="muted small-note">
              minimum {preset.minima[0]!.f} at {preset.minima.map((m) => `(${m.x}, ${m.y})`).join(', ')}
            </span>
          )}
        </div>
      )}
    </section>
  );
}
