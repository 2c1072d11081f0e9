/**
 * A field for a formula in the app's maths language (the Surface lab's f(x, y), the Regression
 * lab's model). The page never parses formulas: the lab asks the engine, and a refusal shows
 * here, beside the field, in the engine's words ("unknown function 'sine' at column 1"), while
 * the views keep the last formula that worked.
 */
import { useId } from 'react';
import { SURFACE_LIMITS } from '../main/protocol/surface';

/** What the language offers, for the note under a field with nothing wrong. */
export const FORMULA_HINT = '+ − * / ^, ( ), sin cos tan exp log sqrt abs tanh sinh cosh, min(a, b) max(a, b), pi, e';

interface FormulaFieldProps {
  label: string;
  value: string;
  onChange: (text: string) => void;
  /** The engine's word on the text; null when it is accepted. */
  error: string | null;
  /** The note shown while nothing is wrong. */
  hint?: string;
  testId: string;
  errorTestId: string;
  rows?: number;
}

export function FormulaField({ label, value, onChange, error, hint = FORMULA_HINT, testId, errorTestId, rows = 2 }: FormulaFieldProps) {
  const fieldId = useId();
  const errorId = `${fieldId}-error`;
  return (
    <label className="field formula-field" htmlFor={fieldId}>
      <span>{label}</span>
      <textarea
        id={fieldId}
        rows={rows}
        spellCheck={false}
        maxLength={SURFACE_LIMITS.maxFormulaLength}
        value={value}
        data-testid={testId}
        aria-invalid={error !== null}
        aria-describedby={errorId}
        onChange={(e) => onChange(e.target.value)}
      />
      <span id={errorId} role={error ? 'alert' : undefined} className={error ? 'field-error' : 'muted small-note'} data-testid={errorTestId}>
        {error ? `${error} — the views keep the last formula that worked` : hint}
      </span>
    </label>
  );
}
