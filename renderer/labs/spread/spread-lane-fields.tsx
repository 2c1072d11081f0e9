/** A spread lane's own settings under its optimizer: the loss, Riesz s, softened-minimum temperature. */
import { SPREAD_LIMITS, SPREAD_LOSS_NAMES, SPREAD_LOSS_SPECS, type SpreadLossName } from '../../../main/protocol/spread';
import { NumberField } from '../../number-field';
import { DEFAULT_TEMPERATURE_DEG, withSpreadLoss, type SpreadLaneSettings } from './spread-settings';

interface Props {
  lane: SpreadLaneSettings;
  index: number;
  onChange: (lane: SpreadLaneSettings) => void;
}

export function SpreadLaneFields({ lane, index, onChange }: Props) {
  const spec = SPREAD_LOSS_SPECS[lane.loss];
  const changeLoss = (loss: SpreadLossName) => {
    const smoothable = SPREAD_LOSS_SPECS[loss].smoothable;
    onChange(withSpreadLoss(lane, { loss, temperatureDeg: smoothable ? lane.temperatureDeg || DEFAULT_TEMPERATURE_DEG : 0 }));
  };
  return (
    <div className="lane-extra">
      <label className="field lane-extra-wide">
        <span className="field-label">loss</span>
        <select value={lane.loss} aria-label={`Lane ${index + 1} loss`} data-testid={`lane-loss-${index}`} title={spec.description} onChange={(e) => changeLoss(e.target.value as SpreadLossName)}>
          {SPREAD_LOSS_NAMES.map((name) => (
            <option key={name} value={name}>
              {SPREAD_LOSS_SPECS[name].label}
            </option>
          ))}
        </select>
      </label>
      {lane.loss === 'riesz' && (
        <NumberField
          label="s"
          value={lane.s}
          min={SPREAD_LIMITS.minRieszS}
          max={SPREAD_LIMITS.maxRieszS}
          testId={`lane-${index}-s`}
          title="Riesz exponent: 1 is Coulomb; large s approaches maximising the minimum distance"
          onChange={(s) => onChange({ ...lane, s })}
        />
      )}
      {spec.smoothable && (
        <NumberField
          label="softness °"
          value={lane.temperatureDeg}
          min={0}
          max={SPREAD_LIMITS.maxTemperatureDeg}
          testId={`lane-${index}-temperature`}
          title="Start temperature of a softened minimum, in degrees; it cools with the lane's schedule (the learning rate's decay). 0 = the hard minimum, as in the article (only the closest pair moves)"
          onChange={(temperatureDeg) => onChange(withSpreadLoss(lane, { temperatureDeg }))}
        />
      )}
    </div>
  );
}
