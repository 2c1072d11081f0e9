/**
 * How a session file reaches into each lab: every lab registers what it saves (its settings,
 * data and shown run) and how it takes that back, and the shell's Save and Open go through all
 * registered labs. A lab's part is checked when it is loaded: a damaged part is refused with a
 * message and leaves that lab as it was.
 */
import { createContext, useContext, useEffect, useRef } from 'react';
import type { LabName } from '../../main/protocol/limits';

export interface SessionPart {
  save(): unknown;
  load(part: unknown): void;
}

export class SessionParts {
  private readonly parts = new Map<LabName, SessionPart>();

  register(lab: LabName, part: SessionPart): () => void {
    this.parts.set(lab, part);
    return () => {
      if (this.parts.get(lab) === part) this.parts.delete(lab);
    };
  }

  saveAll(): Partial<Record<LabName, unknown>> {
    return Object.fromEntries([...this.parts].map(([lab, p]) => [lab, p.save()]));
  }

  /** Loads every part the session has; returns the labs that could not be restored, with why. */
  loadAll(labs: Partial<Record<LabName, unknown>>): string[] {
    const problems: string[] = [];
    for (const [lab, part] of this.parts) {
      if (!(lab in labs)) continue;
      try {
        part.load(labs[lab]);
      } catch (e) {
        problems.push(`the ${lab} lab could not be restored (${(e as Error).message})`);
      }
    }
    return problems;
  }
}

export const SessionContext = createContext<SessionParts | null>(null);

/** Registers a lab's part for as long as the lab is mounted; the latest callbacks are used. */
export function useSessionPart(lab: LabName, save: () => unknown, load: (part: unknown) => void): void {
  const parts = useContext(SessionContext);
  const latest = useRef({ save, load });
  latest.current = { save, load };
  useEffect(() => {
    if (!parts) return;
    return parts.register(lab, { save: () => latest.current.save(), load: (p) => latest.current.load(p) });
  }, [parts, lab]);
}

/** Throws unless `v` is an object: the first check of every lab's part. */
export function asRecord(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${what} is missing`);
  return v as Record<string, unknown>;
}
