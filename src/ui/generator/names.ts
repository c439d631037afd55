/**
 * A file name cut in the middle, not at its end: `a-lighthouse-at-d…-4211-2.jpg`. The tail that tells
 * images of one prompt apart (the seed, a `-2`/`-3` added for a name already taken, the extension)
 * always shows; the page shows the head with an ellipsis where it runs out of room. No DOM here.
 */

/** The longest tail kept whole; a longer one is cut to its last part. */
const MAX_TAIL = 18;

/** The name as a head (may be cut short on screen) and a tail (always shown). Both together are the name. */
export function splitName(name: string): [head: string, tail: string] {
  const numbered = /(?:-\d+)+\.[a-z0-9]+$/i.exec(name);
  let cut = numbered && numbered.index > 0 ? numbered.index : -1;
  if (cut < 0 || name.length - cut > MAX_TAIL) {
    // The last numbered part with the extension (`-2.jpg`), or the extension alone, or the last few characters.
    const last = /-\d+\.[a-z0-9]+$/i.exec(name) ?? /\.[a-z0-9]+$/i.exec(name);
    cut = last && last.index > 0 && name.length - last.index <= MAX_TAIL ? last.index : Math.max(0, name.length - 8);
  }
  return [name.slice(0, cut), name.slice(cut)];
}
