import { NumberField } from '../../number-field';

interface StartLinePanelProps {
  slope: number;
  intercept: number;
  normalize: boolean;
  onChange: (slope: number, intercept: number) => void;
}

export function StartLinePanel({ slope, intercept, normalize, onChange }: StartLinePanelProps) {
  return (
    <section className="panel">
      <h2>Starting line</h2>
      <div className="field-row">
        <NumberField label="slope" value={slope} testId="init-slope" onChange={(v) => onChange(v, intercept)} />
        <NumberField label="intercept" value={intercept} testId="init-intercept" onChange={(v) => onChange(slope, v)} />
      </div>
      <p className="hint">
        In data units{normalize ? ' (the engine converts them when it normalises)' : ''}. Or drag the grey line on the
        scatter plot.
      </p>
    </section>
  );
}
