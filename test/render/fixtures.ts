/** Small real images for the render tests. */

/** A 1x1 PNG (RGB), valid for pngcheck, pdflatex and every renderer that embeds it. */
export const TINY_PNG: Uint8Array = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC', 'base64');
