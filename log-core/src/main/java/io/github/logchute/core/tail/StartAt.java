package io.github.logchute.core.tail;

/**
 * Where reading of a file found at the very first start (no checkpoint file yet) begins. Files that
 * appear later are always read from their beginning, and a stored checkpoint always wins.
 */
public enum StartAt {
  /** Only what is written from now on (the default: no flood of old lines on first install). */
  END,
  /** Everything already in the file. */
  BEGINNING
}
