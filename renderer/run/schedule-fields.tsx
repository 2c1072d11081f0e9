/** A lane's learning-rate schedule: its name, warm-up steps and its own parameters (ranges from the protocol's SCHEDULE_SPECS). */
import { MAX_WARMUP, SCHEDULE_NAMES, SCHEDULE_SPECS, resolveSchedule, type Schedule, type ScheduleName } from '../../main/protocol/schedules';
import { NumberField } from '../number-field';

interface Props {
  schedule: Schedule;
  index: number;
  onChange: (schedule: Schedule) => void;
}

export function ScheduleFields({ schedule, index, onChange }: Props) {
  const spec = SCHEDULE_SPECS[schedule.name];
  // A new schedule starts from its own defaults; the warm-up stays.
  const changeName = (name: ScheduleName) => onChange(resolveSchedule({ name, warmup: schedule.warmup }));
  return (
    <div className="lane-params lane-schedule">
      <label className="field">
        <span className="field-label">schedule</span>
        <select value={schedule.name} aria-label={`Lane ${index + 1} learning-rate schedule`} data-testid={`lane-schedule-${index}`} title={spec.description} onChange={(e) => changeName(e.target.value as ScheduleName)}>
          {SCHEDULE_NAMES.map((name) => (
            <option key={name} value={name} title={SCHEDULE_SPECS[name].description}>
              {SCHEDULE_SPECS[name].label}
            </option>
          ))}
        </select>
      </label>
      <NumberField
        label="warm-up steps"
        value={schedule.warmup}
        min={0}
        max={MAX_WARMUP}
        integer
        title="Steps of linear warm-up (from rate/N up to the rate) in front of the schedule; 0 for none"
        testId={`lane-${index}-warmup`}
        onChange={(warmup) => onChange({ ...schedule, warmup })}
      />
      {spec.params.map((p) => (
        <NumberField
          key={`${schedule.name}-${p.name}`}
          label={p.label}
          value={schedule.params[p.name] ?? p.default}
          min={p.min}
          max={p.max}
          integer={p.integer}
          title={`${spec.label} ${p.name}: ${p.min} to ${p.max}`}
          testId={`lane-${index}-${p.name}`}
          onChange={(v) => onChange({ ...schedule, params: { ...schedule.params, [p.name]: v } })}
        />
      ))}
    </div>
  );
}
