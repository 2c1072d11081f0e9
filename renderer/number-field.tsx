import { useEffect, useId, useState } from 'react';

interface NumberFieldProps {
  label: string;
  value: number;
  onChange: (value: number) => void;
  min?: number;
  max?: number;
  integer?: boolean;
  testId?: string;
  title?: string;
}

/**
 * A number input that lets the user type freely ("2e-", "-") and only passes on values that
 * parse and sit in range; an out-of-range entry is flagged instead of clamped, so nobody runs
 * with a learning rate they did not type. External changes (dragging the line) flow back in.
 */
export function NumberField({ label, value, onChange, min, max, integer, testId, title }: NumberFieldProps) {
  const id = useId();
  const [text, setText] = useState(String(value));
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    setText((t) => (Number(t) === value ? t : String(value)));
    setProblem(null);
  }, [value]);

  const edit = (next: string) => {
    setText(next);
    const v = next.trim() === '' ? NaN : Number(next);
    const why = !Number.isFinite(v)
      ? 'not a number'
      : min !== undefined && v < min
        ? `must be at least ${min}`
        : max !== undefined && v > max
          ? `must be at most ${max}`
          : integer && !Number.isInteger(v)
            ? 'must be a whole number'
            : null;
    setProblem(why);
    if (!why && v !== value) onChange(v);
  };

  return (
    <label className="field" htmlFor={id} title={problem ?? title}>
      <span className="field-label">{label}</span>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        spellCheck={false}
        value={text}
        aria-invalid={problem !== null}
        data-testid={testId}
        onChange={(e) => edit(e.target.value)}
        onBlur={() => {
          if (problem) {
            setText(String(value));
            setProblem(null);
          }
        }}
      />
    </label>
  );
}
