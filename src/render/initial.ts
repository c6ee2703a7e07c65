/** The first letter of a name, shown when there is no image (or before it may load). */
export const initialOf = (name: string): string => ([...name.replace(/[^\p{L}\p{N}]/gu, '')][0] ?? '·').toUpperCase();
