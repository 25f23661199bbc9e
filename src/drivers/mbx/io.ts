// How much the mbx driver reads and writes at a time.

/** Sizes of the large transfers; tests shrink them to exercise chunk boundaries. */
export const tuning = {
  /** Bytes read or written per system call when streaming, appending or compacting. */
  chunkSize: 2 << 20,
  /**
   * In-place status writes closer than this are merged into one write of the bytes between
   * (written back unchanged). Fewer, sequential writes cost far less than one per message:
   * numbering a fresh 1 GB file took 6 s unmerged, 2.8 s with 4 KB, under 1 s with 64 KB.
   */
  mergeGap: 64 << 10,
};
