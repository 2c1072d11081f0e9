/**
 * A readout's view of a store that changes up to 60 times a second: a snapshot taken at most
 * ten times a second, and only when the store's version moved. Numbers change faster than
 * anyone reads them; React renders stay few and cheap.
 */
import { useEffect, useState } from 'react';

const REFRESH_MS = 100;

export function useStoreSnapshot<S extends { version: number }, T extends { version: number }>(store: S, take: (store: S) => T): T {
  const [snap, setSnap] = useState(() => take(store));
  useEffect(() => {
    const timer = setInterval(() => setSnap((s) => (s.version === store.version ? s : take(store))), REFRESH_MS);
    return () => clearInterval(timer);
    // `take` is a plain function of the store, the same on every render.
  }, [store]);
  return snap;
}
