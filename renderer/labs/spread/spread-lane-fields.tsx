/**
 * A spread loss's settings: the loss, Riesz s, softened-minimum temperature. Under a lane's
 * optimizer (SpreadLaneFields) and in the sweep panel (what its cells descend).
 */
import { SPREAD_LIMITS, SPREAD_LOSS_NAMES, SPREAD_LOSS_SPECS, type SpreadLossName, type SpreadLossSettings } from '../../../main/protocol/spread';
import { NumberField } from '../../number-field';
import { DEFAULT_TEMPERATURE_DEG, withSpreadLoss, type SpreadLaneSettings } from './spread-settings';

interface LossFieldsProps {
  value: SpreadLossSettings;
  /** The select's accessible name ("Lane 2 loss"). */
  name: string;
  /** Test ids of the three fields. */
  testIds: { loss: string; s: string; temperature: string };
  temperatureTitle: string;
  onChange: (change: Partial<SpreadLossSettings>) => void;
}

export function SpreadLossFields({ value, name, testIds, temperatureTitle, onChange }: LossFieldsProps) {
  const spec = SPREAD_LOSS_SPECS[value.loss];
  const changeLoss = (loss: SpreadLossName) => {
    const smoothable = SPREAD_LOSS_SPECS[loss].smoothable;
    onChange({ loss, temperatureDeg: smoothable ? value.temperatureDeg || DEFAULT_TEMPERATURE_DEG : 0 });
  };
  return (
    <div className="lane-extra">
      <label className="field lane-extra-wide">
        <span className="field-label">loss</span>
        <select value={value.loss} aria-label={name} data-testid={testIds.loss} title={spec.description} onChange={(e) => changeLoss(e.target.value as SpreadLossName)}>
          {SPREAD_LOSS_NAMES.map((loss) => (
            <option key={loss} value={loss}>
              {SPREAD_LOSS_SPECS[loss].label}
            </option>
          ))}
        </select>
      </label>
      {value.loss === 'riesz' && (
        <NumberField
          label="s"
          value={value.s}
          min={SPREAD_LIMITS.minRieszS}
          max={SPREAD_LIMITS.maxRieszS}
          testId={testIds.s}
          title="Riesz exponent: 1 is Coulomb; large s approaches maximising the minimum distance"
          onChange={(s) => onChange({ s })}
        />
      )}
      {spec.smoothable && (
        <NumberField
          label="softness °"
          value={value.temperatureDeg}
          min={0}
          max={SPREAD_LIMITS.maxTemperatureDeg}
          testId={testIds.temperature}
          title={temperatureTitle}
          onChange={(temperatureDeg) => onChange({ temperatureDeg })}
        />
      )}
    </div>
  );
}

interface Props {
  lane: SpreadLaneSettings;
  index: number;
  onChange: (lane: SpreadLaneSettings) => void;
}

export function SpreadLaneFields({ lane, index, onChange }: Props) {
  return (
    <SpreadLossFields
      value={lane}
      name={`Lane ${index + 1} loss`}
      testIds={{ loss: `lane-loss-${index}`, s: `lane-${index}-s`, temperature: `lane-${index}-temperature` }}
      temperatureTitle="Start temperature of a softened minimum, in degrees; it cools with the lane's schedule (the learning rate's decay). 0 = the hard minimum, as in the article (only the closest pair moves)"
      // A new loss or softness may bring the lane a new default schedule (withSpreadLoss); s does not.
      onChange={(change) => onChange(change.s !== undefined ? { ...lane, ...change } : withSpreadLoss(lane, change))}
    />
  );
}
