// How much the mtx/tenex engine reads and writes at a time.

/** Sizes of the large transfers; tests shrink them to exercise chunk boundaries. */
export const tuning = {
  /** Bytes read or written per system call when streaming, appending or compacting. */
  chunkSize: 4 << 20,
  /**
   * In-place flag writes closer than this are merged into one write of the bytes between them
   * (written back unchanged, under the exclusive /tmp lock): a few sequential writes cost far
   * less than one small write per message.
   */
  mergeGap: 64 << 10,
};
