/**
 * The attacks to race on the same image: per lane the method, its budget in pixel levels
 * (1/255 of the range), how many steps, when to stop, and what the image should become. Fields
 * a method ignores are not shown (signed steps always move one level; FGSM is one step of ε).
 */
import { useEffect, useId, useState } from 'react';
import { ATTACK_LIMITS, ATTACK_METHODS, ATTACK_METHOD_SPECS, type AttackMethod, type AttackTarget } from '../../../main/protocol/adversarial';
import { NumberField } from '../../number-field';
import { AddLaneHeader } from '../../run/lane-list';
import { DEFAULT_STOP_AT, nextAttackLane, withMethod, type AttackLaneSettings } from './adversarial-settings';

interface AttackLaneListProps {
  lanes: AttackLaneSettings[];
  labels: readonly string[] | null;
  hasCatDog: boolean;
  /** Why targets changed on their own (a model without cat and dog classes). */
  note?: string | null;
  onChange: (lanes: AttackLaneSettings[]) => void;
}

export function AttackLaneList({ lanes, labels, hasCatDog, note, onChange }: AttackLaneListProps) {
  const add = () => onChange([...lanes, nextAttackLane(lanes[lanes.length - 1], lanes.map((l) => l.colour))]);
  return (
    <section className="panel" title="Every lane attacks the same image with the same model and seed">
      <AddLaneHeader title="Attacks" count={lanes.length} onAdd={add} />
      {note && (
        <p className="field-message" role="status" data-testid="target-note">
          {note}
        </p>
      )}
      <ol className="lane-list">
        {lanes.map((lane, i) => (
          <AttackLaneRow
            key={lane.id}
            lane={lane}
            index={i}
            labels={labels}
            hasCatDog={hasCatDog}
            canRemove={lanes.length > 1}
            onChange={(next) => onChange(lanes.map((l) => (l.id === lane.id ? next : l)))}
            onRemove={() => onChange(lanes.filter((l) => l.id !== lane.id))}
          />
        ))}
      </ol>
    </section>
  );
}

interface AttackLaneRowProps {
  lane: AttackLaneSettings;
  index: number;
  labels: readonly string[] | null;
  hasCatDog: boolean;
  canRemove: boolean;
  onChange: (lane: AttackLaneSettings) => void;
  onRemove: () => void;
}

function AttackLaneRow({ lane, index, labels, hasCatDog, canRemove, onChange, onRemove }: AttackLaneRowProps) {
  const spec = ATTACK_METHOD_SPECS[lane.method];
  const maxEps = spec.norm === 'l2' ? ATTACK_LIMITS.maxEpsilonL2 : ATTACK_LIMITS.maxEpsilonLinf;
  const l2 = spec.norm === 'l2';
  return (
    <li className="lane-row adv-lane-row" data-testid={`lane-${index}`} style={{ borderLeftColor: lane.colour }}>
      <div className="lane-head">
        <span className="swatch" style={{ background: lane.colour }} aria-hidden />
        <select value={lane.method} aria-label={`Lane ${index + 1} method`} data-testid={`lane-method-${index}`} title={spec.description} onChange={(e) => onChange(withMethod(lane, e.target.value as AttackMethod))}>
          {ATTACK_METHODS.map((m) => (
            <option key={m} value={m}>
              {ATTACK_METHOD_SPECS[m].label}
            </option>
          ))}
        </select>
        <button type="button" className="icon-button" onClick={onRemove} disabled={!canRemove} aria-label={`Remove lane ${index + 1}`} title="Remove this lane" data-testid={`lane-remove-${index}`}>
          ×
        </button>
      </div>
      <div className="lane-params adv-lane-params">
        {spec.norm !== null && (
          <NumberField
            key={`${lane.method}-eps`}
            label={l2 ? 'ε L2 (levels)' : 'ε (levels)'}
            value={lane.epsilon}
            min={0.001}
            max={maxEps}
            testId={`lane-${index}-epsilon`}
            title={l2 ? 'Largest Euclidean change over all values, in levels (255 = 1.0 in [0, 1] units)' : 'Largest change of any value, in levels of 1/255'}
            onChange={(epsilon) => onChange({ ...lane, epsilon })}
          />
        )}
        {spec.usesStep && (
          <NumberField
            key={`${lane.method}-step`}
            label={l2 ? 'step L2 (levels)' : 'step (levels)'}
            value={lane.step}
            min={0.001}
            max={maxEps}
            testId={`lane-${index}-step`}
            title="How far each step moves, in levels"
            onChange={(step) => onChange({ ...lane, step })}
          />
        )}
        {lane.method !== 'fgsm' && (
          <NumberField
            label={lane.method === 'cw-l2' ? 'iterations / c' : 'iterations'}
            value={lane.iterations}
            min={1}
            max={ATTACK_LIMITS.maxIterations}
            integer
            testId={`lane-${index}-iterations`}
            title={lane.method === 'cw-l2' ? 'Adam steps for each value of c the search tries' : 'Steps at most'}
            onChange={(iterations) => onChange({ ...lane, iterations })}
          />
        )}
        {spec.usesDecay && (
          <NumberField label="decay μ" value={lane.decay} min={0} max={10} testId={`lane-${index}-decay`} title="Momentum decay (Dong et al. use 1)" onChange={(decay) => onChange({ ...lane, decay })} />
        )}
        {spec.params.map((p) => (
          <NumberField
            key={`${lane.method}-${p.name}`}
            label={p.label}
            value={lane.params[p.name] ?? p.default}
            min={p.minExclusive ? 1e-9 : p.min}
            max={p.max}
            integer={p.integer}
            testId={`lane-${index}-param-${p.name}`}
            title={p.description}
            onChange={(v) => onChange({ ...lane, params: { ...lane.params, [p.name]: v } })}
          />
        ))}
        {spec.minimal && (
          <p className="muted adv-fixed-note" data-testid={`lane-${index}-minimal-note`}>
            {lane.method === 'cw-l2' ? `no budget: the smallest L2 it finds; ${lane.iterations} Adam steps × ${lane.params.searchSteps ?? 1} values of c` : `no budget: steps to the nearest boundary until the 8-bit image crosses it`}
          </p>
        )}
        {lane.method === 'signed' && <p className="muted adv-fixed-note">±1 level a step, by the gradient’s sign</p>}
        {lane.method === 'fgsm' && <p className="muted adv-fixed-note">one step of ε</p>}
      </div>
      <div className="adv-stop">
        <label className="check" title="Stop this lane once it succeeds with the target at or above this confidence">
          <input
            type="checkbox"
            checked={lane.stopAtConfidence !== null}
            data-testid={`lane-${index}-stop`}
            onChange={(e) => onChange({ ...lane, stopAtConfidence: e.target.checked ? DEFAULT_STOP_AT : null })}
          />
          stop at
        </label>
        {lane.stopAtConfidence !== null && (
          <NumberField
            label="confidence %"
            value={Math.round(lane.stopAtConfidence * 1000) / 10}
            min={1}
            max={100}
            testId={`lane-${index}-stop-at`}
            onChange={(pct) => onChange({ ...lane, stopAtConfidence: pct / 100 })}
          />
        )}
      </div>
      <TargetPicker target={lane.target} index={index} labels={labels} hasCatDog={hasCatDog} onChange={(target) => onChange({ ...lane, target, autoTarget: false })} />
      {spec.minimal && (
        <p className="muted adv-fixed-note" data-testid={`lane-${index}-target-note`}>
          {lane.target.kind === 'untargeted' ? 'the nearest class that is not the current one' : 'the smallest change that makes the target the top class'}
        </p>
      )}
    </li>
  );
}

interface TargetPickerProps {
  target: AttackTarget;
  index: number;
  labels: readonly string[] | null;
  hasCatDog: boolean;
  onChange: (target: AttackTarget) => void;
}

/** One click for the article's cat → dog (or back), untargeted, or any class by name. */
function TargetPicker({ target, index, labels, hasCatDog, onChange }: TargetPickerProps) {
  const [picking, setPicking] = useState(target.kind === 'class');
  const is = (kind: string, group?: string) => target.kind === kind && (!group || (target.kind === 'group' && target.group === group));
  const noGroups = !hasCatDog ? 'Only for models with ImageNet’s cat and dog classes' : undefined;
  return (
    <div className="adv-target" role="group" aria-label={`Lane ${index + 1} target`}>
      <span className="field-label">target</span>
      <div className="adv-segmented">
        <button type="button" className={is('group', 'dog') ? 'small on' : 'small'} aria-pressed={is('group', 'dog')} disabled={!hasCatDog} title={noGroups ?? 'Towards the summed dog classes'} data-testid={`lane-${index}-target-dog`} onClick={() => { setPicking(false); onChange({ kind: 'group', group: 'dog' }); }}>
          cat → dog
        </button>
        <button type="button" className={is('group', 'cat') ? 'small on' : 'small'} aria-pressed={is('group', 'cat')} disabled={!hasCatDog} title={noGroups ?? 'Towards the summed cat classes'} data-testid={`lane-${index}-target-cat`} onClick={() => { setPicking(false); onChange({ kind: 'group', group: 'cat' }); }}>
          dog → cat
        </button>
        <button type="button" className={is('untargeted') ? 'small on' : 'small'} aria-pressed={is('untargeted')} title="Anything but the class the model gives the original" data-testid={`lane-${index}-target-untargeted`} onClick={() => { setPicking(false); onChange({ kind: 'untargeted' }); }}>
          not current
        </button>
        <button type="button" className={is('class') || picking ? 'small on' : 'small'} aria-pressed={is('class')} disabled={!labels} title={labels ? 'Any of the model’s classes' : 'Once the model has loaded'} data-testid={`lane-${index}-target-class`} onClick={() => setPicking(true)}>
          class…
        </button>
      </div>
      {(picking || target.kind === 'class') && labels && <ClassSearch target={target} index={index} labels={labels} onChange={onChange} />}
    </div>
  );
}

/** A text field over a datalist of the labels; the class is taken once the text names one. */
function ClassSearch({ target, index, labels, onChange }: { target: AttackTarget; index: number; labels: readonly string[]; onChange: (t: AttackTarget) => void }) {
  const listId = useId();
  const option = (i: number) => `${labels[i]} #${i}`;
  const [text, setText] = useState(target.kind === 'class' ? option(target.index) : '');
  useEffect(() => {
    if (target.kind === 'class') setText((t) => (classIndex(t, labels) === target.index ? t : option(target.index)));
  }, [target, labels]);
  const found = classIndex(text, labels);
  return (
    <label className="field adv-class-search">
      <input
        type="text"
        list={listId}
        value={text}
        placeholder={`search ${labels.length} classes`}
        aria-label={`Lane ${index + 1} target class`}
        aria-invalid={text !== '' && found === null}
        data-testid={`lane-${index}-class`}
        onChange={(e) => {
          setText(e.target.value);
          const i = classIndex(e.target.value, labels);
          if (i !== null) onChange({ kind: 'class', index: i });
        }}
      />
      <datalist id={listId}>
        {labels.map((l, i) => (
          <option key={i} value={option(i)} />
        ))}
      </datalist>
      {text !== '' && found === null && <span className="field-message">pick a class from the list</span>}
    </label>
  );
}

/** "tabby #281" (a datalist pick), or a label typed in full (its first index). */
function classIndex(text: string, labels: readonly string[]): number | null {
  const m = /#(\d+)\s*$/.exec(text);
  if (m) {
    const i = Number(m[1]);
    return i < labels.length ? i : null;
  }
  const t = text.trim().toLowerCase();
  if (!t) return null;
  const i = labels.findIndex((l) => l.toLowerCase() === t);
  return i >= 0 ? i : null;
}
