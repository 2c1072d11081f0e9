/**
 * What produced a run, for every file exported from it: the app and its version, the engine's
 * backend, and the run's settings exactly as they were sent to the engine (lab, data or image,
 * model, every lane's optimizer or attack with its hyper-parameters, iterations, seed). Bulky
 * arrays (the data, the pixels, start vectors) are summarised by their length; the names beside
 * them (the image's, the file's) stay. A lab adds what the config holds only as an id (`about`:
 * the data set's or the model's name).
 */
import { APP_VERSION } from '../../main/protocol/app-info';
import type { RunConfig } from '../../main/protocol/messages';

export type RunCard = Record<string, unknown>;

/** The app and its version, as every card (and message about a file) names them. */
export const APP_LABEL = `Descent Lab ${APP_VERSION}`;

function summarise(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return `${(v as unknown as ArrayLike<number>).length} values`;
  if (Array.isArray(v)) return v.map(summarise);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, summarise(x)]));
  return v;
}

export function runCard(config: RunConfig, about: Record<string, unknown> = {}): RunCard {
  // `paused` says how the run was started (from the step-0 preview or Step), not what it computes.
  const { paused: _paused, lab, ...settings } = config;
  return { app: APP_LABEL, lab, ...about, ...(summarise(settings) as Record<string, unknown>) };
}

/** The card with the backend the engine ran it on (known once the engine answered). */
export function withBackend(card: RunCard, backend: string | null): RunCard {
  return { ...card, backend: backend ?? 'unknown' };
}

/** A JSON object export with the card as its first field, `run`. */
export function jsonWithRunCard(json: string, card: RunCard | null): string {
  if (!card || !json.startsWith('{')) return json;
  const rest = json.slice(1).trimStart();
  return `{"run":${JSON.stringify(card)}${rest.startsWith('}') ? '' : ','}${rest}`;
}

/**
 * The card in one line, for the foot of an exported picture or video frame (the lanes' own
 * settings are in their labels, which the picture shows): app, lab, what it ran on, seed,
 * iterations, backend.
 */
export function runCardCaption(card: RunCard | null): string | null {
  if (!card) return null;
  const problem = (card['problem'] ?? {}) as Record<string, unknown>;
  const image = problem['image'] as { name?: unknown } | undefined;
  const fn = problem['fn'] as { preset?: unknown; formula?: unknown } | undefined;
  const subject = [card['data'], card['modelName'] ?? problem['model'], image?.name, fn?.preset ?? fn?.formula]
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .join(', ');
  const n = typeof problem['n'] === 'number' ? `N = ${problem['n']} in ${String(problem['dim'])}-D` : '';
  return [card['app'], card['lab'], subject, n, `seed ${String(card['seed'])}`, `≤ ${String(card['maxIterations'])} iterations`, `backend ${String(card['backend'] ?? 'unknown')}`]
    .filter((part) => typeof part === 'string' && part !== '')
    .join(' · ');
}
