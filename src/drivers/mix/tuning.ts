// How much the mix driver reads and writes at a time.

/** Sizes of the large transfers; tests shrink them to exercise chunk boundaries. */
export const tuning = {
  /** Bytes read or written per system call when streaming, appending or reclaiming space. */
  chunkSize: 2 << 20,
};
