/**
 * The Regression lab's model, y ≈ f(x; a, b, …): `a*x + b` (the line) or any formula, checked
 * by the engine as it is typed (a refusal shows beside the field and the views keep the last
 * model that worked), and where a model that is not the line starts: a value per parameter.
 */
import { DEFAULT_PARAMETER_START } from '../../../main/protocol/regression-model';
import { LIMITS } from '../../../main/protocol/limits';
import { FormulaField } from '../../formula-field';
import { NumberField } from '../../number-field';

interface ModelPanelProps {
  model: string;
  /** The x column's name, for the field's label. */
  xName: string | undefined;
  onModel: (model: string) => void;
  /** The engine's word on the model; null when accepted. */
  error: string | null;
}

export function ModelPanel({ model, xName, onModel, error }: ModelPanelProps) {
  return (
    <section className="panel">
      <h2>Model</h2>
      <FormulaField
        label={`y ≈ f(x)${xName ? `, x = ${xName}` : ''}`}
        value={model}
        onChange={onModel}
        error={error}
        hint="x is the column; other names are parameters"
        rows={1}
        testId="regression-model"
        errorTestId="model-error"
      />
    </section>
  );
}

interface ParameterStartPanelProps {
  /** The model's parameters (the last model the engine accepted). */
  parameters: readonly string[];
  init: Record<string, number>;
  onChange: (init: Record<string, number>) => void;
}

/** Where each parameter of a model that is not the line starts (1 unless set). */
export function ParameterStartPanel({ parameters, init, onChange }: ParameterStartPanelProps) {
  return (
    <section className="panel">
      <h2>Starting values</h2>
      <div className="field-row parameter-starts" data-testid="parameter-starts">
        {parameters.map((p) => (
          <NumberField
            key={p}
            label={p}
            value={init[p] ?? DEFAULT_PARAMETER_START}
            min={-LIMITS.maxAbsValue}
            max={LIMITS.maxAbsValue}
            testId={`init-${p}`}
            onChange={(v) => onChange({ ...init, [p]: v })}
          />
        ))}
      </div>
      <p className="hint">Every lane starts here; a parameter not set starts at {DEFAULT_PARAMETER_START}.</p>
    </section>
  );
}
