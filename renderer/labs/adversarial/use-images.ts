/**
 * The images the user brought (dropped, or picked in a dialog): each file's bytes kept as they
 * came, so it can be decoded again when a model with another input size is chosen, and its
 * decoding for the current model (the engine's centred crop, EXIF orientation applied). A file
 * the engine cannot decode is reported with the engine's words and leaves the list as it was.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { FILE_KIND_SPECS } from '../../../main/protocol/desktop-api';
import type { DecodedImage } from '../../../main/protocol/messages';
import type { EngineClient } from '../../engine-client';
import { decodeImage, requestSampleImages } from '../../engine-requests';

export interface LoadedImage {
  id: string;
  name: string;
  bytes: Uint8Array;
  /** A blob: URL of the file, for the crop preview. */
  url: string;
  decoded: DecodedImage;
  /** One of the app's sample photos: the user's own photos take their place. */
  sample?: boolean;
}

export interface InputSize {
  width: number;
  height: number;
}

const MAX_IMAGE_BYTES = FILE_KIND_SPECS.image.maxBytes;
let imageCounter = 0;

export function useImages(client: EngineClient, size: InputSize | null, reportError: (message: string | null) => void) {
  const [images, setImages] = useState<LoadedImage[]>([]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const latest = useRef({ images, size });
  latest.current = { images, size };
  /** Decodes run one after another: the engine handles them in order anyway, and the notes stay readable. */
  const chain = useRef<Promise<void>>(Promise.resolve());

  const enqueue = useCallback((job: () => Promise<void>) => {
    chain.current = chain.current.then(job, job);
  }, []);

  /** Why added images were not selected (a run was kept), until the user picks one. */
  const [note, setNote] = useState<string | null>(null);

  /**
   * Files in the order given; the first one that decodes becomes the selected image, unless
   * `keepRun` says, once they are decoded, that the run shown is to be kept (it took steps):
   * then they are only added, and a note says how to attack them. The user's own files take
   * the sample photos' place; samples are added only to an empty list.
   */
  const addFiles = useCallback(
    (files: { name: string; bytes: () => Promise<Uint8Array>; size: number }[], keepRun?: () => string | null, samples = false) => {
      enqueue(async () => {
        if (samples && latest.current.images.length > 0) return;
        const target = latest.current.size ?? { width: 224, height: 224 };
        const problems: string[] = [];
        const added: LoadedImage[] = [];
        for (const [i, f] of files.entries()) {
          setBusy(files.length > 1 ? `Decoding ${f.name} (${i + 1} of ${files.length})…` : `Decoding ${f.name}…`);
          if (f.size > MAX_IMAGE_BYTES) {
            problems.push(`${f.name} is too large (over ${MAX_IMAGE_BYTES / 2 ** 20} MiB)`);
            continue;
          }
          try {
            const bytes = await f.bytes();
            const decoded = await decodeImage(client, f.name, bytes, target.width, target.height);
            const url = URL.createObjectURL(new Blob([bytes as BlobPart]));
            added.push({ id: `image-${++imageCounter}`, name: f.name, bytes, url, decoded, ...(samples ? { sample: true } : {}) });
          } catch (e) {
            problems.push(`Could not open ${f.name}: ${(e as Error).message}`);
          }
        }
        setBusy(null);
        reportError(problems.length ? problems.join(' · ') : null);
        if (!added.length) return;
        setImages((old) => {
          // The same file again replaces its older copy instead of listing it twice.
          const fresh = old.filter((o) => {
            const replaced = o.sample || added.some((a) => a.name === o.name && a.bytes.length === o.bytes.length);
            if (replaced) URL.revokeObjectURL(o.url);
            return !replaced;
          });
          return [...fresh, ...added];
        });
        const kept = keepRun?.() ?? null;
        if (kept) {
          const names = added.map((a) => a.name).join(', ');
          setNote(`Added ${names}; the attack on ${kept} is kept. Click a picture to attack it.`);
          return;
        }
        setNote(null);
        setSelectedId(added[0]!.id);
      });
    },
    [client, enqueue, reportError],
  );

  /** The app's sample photos, when the list is empty (asked again, they come back). */
  const addSamples = useCallback(() => {
    enqueue(async () => {
      if (latest.current.images.length > 0) return;
      setBusy('Opening the sample photos…');
      try {
        const files = await requestSampleImages(client);
        addFiles(
          files.map((f) => ({ name: f.name, size: f.bytes.length, bytes: () => Promise.resolve(f.bytes) })),
          undefined,
          true,
        );
      } catch (e) {
        reportError(`Could not open the sample photos: ${(e as Error).message}`);
      } finally {
        setBusy(null);
      }
    });
  }, [client, enqueue, addFiles, reportError]);

  const addBrowserFiles = useCallback(
    (files: File[], keepRun?: () => string | null) => addFiles(files.map((f) => ({ name: f.name, size: f.size, bytes: () => f.arrayBuffer().then((b) => new Uint8Array(b)) })), keepRun),
    [addFiles],
  );

  const select = useCallback((id: string | null) => {
    setNote(null);
    setSelectedId(id);
  }, []);

  const remove = useCallback((id: string) => {
    setImages((old) => {
      const gone = old.find((o) => o.id === id);
      if (gone) URL.revokeObjectURL(gone.url);
      const rest = old.filter((o) => o.id !== id);
      setSelectedId((sel) => (sel === id ? (rest[0]?.id ?? null) : sel));
      return rest;
    });
  }, []);

  // A model with another input size needs every image decoded again, from the kept bytes.
  const sizeKey = size ? `${size.width}x${size.height}` : '';
  useEffect(() => {
    if (!size) return;
    const stale = latest.current.images.filter((im) => im.decoded.width !== size.width || im.decoded.height !== size.height);
    if (!stale.length) return;
    enqueue(async () => {
      setBusy(`Decoding ${stale.length} image${stale.length > 1 ? 's' : ''} at ${size.width}×${size.height}…`);
      const again = new Map<string, DecodedImage>();
      for (const im of stale) {
        try {
          again.set(im.id, await decodeImage(client, im.name, im.bytes, size.width, size.height));
        } catch (e) {
          reportError(`Could not decode ${im.name} again: ${(e as Error).message}`);
        }
      }
      setBusy(null);
      setImages((old) => old.map((o) => (again.has(o.id) ? { ...o, decoded: again.get(o.id)! } : o)));
    });
    // sizeKey stands for size (a new object each render).
  }, [sizeKey, client, enqueue, reportError]);

  useEffect(
    () => () => {
      for (const im of latest.current.images) URL.revokeObjectURL(im.url);
    },
    [],
  );

  const selected = images.find((im) => im.id === selectedId) ?? null;
  return { images, selected, select, addFiles, addBrowserFiles, addSamples, remove, busy, note };
}

/** Whether an image is decoded at this input size (a run needs exactly the model's size). */
export function fitsSize(image: LoadedImage | null, size: InputSize | null): image is LoadedImage {
  return !!image && !!size && image.decoded.width === size.width && image.decoded.height === size.height;
}
