import { useEffect, useId, useRef, useState } from 'react';
import { parseDecimal } from '../main/protocol/decimal';
import { formatNumber } from './format-number';

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


function problemWith(v: number, min: number | undefined, max: number | undefined, integer: boolean | undefined): string | null {
  if (!Number.isFinite(v)) return 'not a number';
  if (min !== undefined && v < min) return `must be at least ${min}`;
  if (max !== undefined && v > max) return `must be at most ${max}`;
  if (integer && !Number.isInteger(v)) return 'must be a whole number';
  return null;
}

/**
 * A number input that lets the user type freely ("2e-", "-"). At every moment the value passed
 * on is either exactly what is typed (when it parses and sits in range) or the value the field
 * had when the edit began: an intermediate like 500 on the way to an out-of-range 5000 is
 * withdrawn as soon as the text goes bad. Nothing is clamped, so nobody runs with a learning
 * rate they did not type. The reason for a bad entry is shown under the field; on blur or
 * Enter the text goes back to the kept value and the note says so. External changes (dragging
 * the line) flow back in.
 */
export function NumberField({ label, value, onChange, min, max, integer, testId, title }: NumberFieldProps) {
  const id = useId();
  const messageId = `${id}-message`;
  const [text, setText] = useState(String(value));
  /** Why the text is unusable, and the value passed on meanwhile (the one from before the edit). */
  const [problem, setProblem] = useState<{ why: string; start: number } | null>(null);
  /** After a bad entry was dropped: what was typed, why it was refused, what was kept. */
  const [kept, setKept] = useState<string | null>(null);
  /** The value when the current edit began; null when not editing. */
  const editStart = useRef<number | null>(null);
  /** The last value this field passed on, to tell our own commits from outside changes. */
  const committed = useRef(value);

  useEffect(() => {
    if (value === committed.current) return;
    // A change from outside (a drag on the plot, new data): show it and forget the edit.
    committed.current = value;
    editStart.current = null;
    setText(String(value));
    setProblem(null);
    setKept(null);
  }, [value]);

  const commit = (v: number) => {
    committed.current = v;
    if (v !== value) onChange(v);
  };

  const edit = (next: string) => {
    if (editStart.current === null) editStart.current = value;
    setText(next);
    setKept(null);
    const v = parseDecimal(next);
    const why = problemWith(v, min, max, integer);
    setProblem(why ? { why, start: editStart.current } : null);
    commit(why ? editStart.current : v);
  };

  const finish = () => {
    const start = editStart.current;
    editStart.current = null;
    if (problem === null || start === null) return;
    setKept(`“${text.trim()}” ${problem.why}; kept ${formatNumber(start)}`);
    setText(String(start));
    setProblem(null);
    commit(start);
  };

  const message = problem ? `${problem.why}; a run uses ${formatNumber(problem.start)}` : kept;

  return (
    <label className="field" htmlFor={id} title={title}>
      <span className="field-label">{label}</span>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        spellCheck={false}
        value={text}
        aria-invalid={problem !== null}
        aria-describedby={message ? messageId : undefined}
        data-testid={testId}
        onChange={(e) => edit(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') finish();
        }}
        onBlur={finish}
      />
      {message && (
        <span id={messageId} className={problem ? 'field-message invalid' : 'field-message'} role={problem ? undefined : 'status'} data-testid={testId ? `${testId}-message` : undefined}>
          {message}
        </span>
      )}
    </label>
  );
}
