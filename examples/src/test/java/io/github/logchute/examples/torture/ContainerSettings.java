package io.github.logchute.examples.torture;

/**
 * How one simulated container writes and how its log is rotated; immutable, swapped at run time by
 * a schedule ({@link SimContainer#settings(ContainerSettings)}).
 *
 * @param bytesPerSecond write rate (0: paused)
 * @param minMessageBytes shortest message content
 * @param maxMessageBytes longest message content
 * @param stderrShare fraction of messages on stderr
 * @param rotateBytes the kubelet's {@code containerLogMaxSize} (0: never rotate)
 * @param maxFiles the kubelet's {@code containerLogMaxFiles}, live file included (0: never delete)
 * @param gzip whether older rotated files are compressed
 * @param maxLateLines lines the runtime writes into a renamed file before it reopens (0 to this)
 * @param copyTruncate fraction of rotations done by copy and truncate instead of rename
 * @param splitAcrossRotation fraction of rotations where a message's P pieces end the rotated file
 *     and its F piece starts the new one
 * @param splitShare fraction of other messages written as P pieces and an F piece
 */
record ContainerSettings(
    long bytesPerSecond,
    int minMessageBytes,
    int maxMessageBytes,
    double stderrShare,
    long rotateBytes,
    int maxFiles,
    boolean gzip,
    int maxLateLines,
    double copyTruncate,
    double splitAcrossRotation,
    double splitShare) {

  /** Length of a CRI line's prefix: RFC 3339 time with nanos (30), stream, tag, three spaces. */
  static final int CRI_PREFIX_BYTES = 30 + 1 + 6 + 1 + 1 + 1;

  ContainerSettings {
    if (minMessageBytes < 24 || maxMessageBytes < minMessageBytes) {
      throw new IllegalArgumentException(
          "message sizes " + minMessageBytes + ".." + maxMessageBytes);
    }
    if (maxFiles == 1 || maxFiles < 0) {
      throw new IllegalArgumentException("maxFiles must be 0 (unbounded) or >= 2");
    }
  }

  /**
   * Kubelet rotation by rename at {@code rotateBytes}, gzip of older files, {@code maxFiles} kept,
   * up to 3 late lines; messages of {@code messageBytes} content, stdout only, none split.
   */
  static ContainerSettings kubelet(
      long bytesPerSecond, int messageBytes, long rotateBytes, int maxFiles) {
    return new ContainerSettings(
        bytesPerSecond, messageBytes, messageBytes, 0, rotateBytes, maxFiles, true, 3, 0, 0, 0);
  }

  ContainerSettings withRate(long rate) {
    return new ContainerSettings(
        rate,
        minMessageBytes,
        maxMessageBytes,
        stderrShare,
        rotateBytes,
        maxFiles,
        gzip,
        maxLateLines,
        copyTruncate,
        splitAcrossRotation,
        splitShare);
  }
}
