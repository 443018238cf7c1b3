package io.github.logchute.core.parse;

/**
 * Chooses the format of a file from its first line, as the kubelet does: CRI if it parses as CRI,
 * else Docker json-file if it parses as that, else raw. The choice is kept for the rest of the
 * file.
 */
final class AutoDecoder implements LineDecoder {

  private LineDecoder chosen;

  @Override
  public boolean decode(byte[] line, int off, int len, DecodedLine out) {
    if (chosen != null) {
      return chosen.decode(line, off, len, out);
    }
    long readTime = out.timestampNanos;
    LineDecoder cri = new CriDecoder();
    if (cri.decode(line, off, len, out)) {
      chosen = cri;
      return true;
    }
    out.timestampNanos = readTime;
    LineDecoder docker = new DockerJsonDecoder();
    if (docker.decode(line, off, len, out)) {
      chosen = docker;
      return true;
    }
    out.timestampNanos = readTime;
    chosen = RawDecoder.INSTANCE;
    return chosen.decode(line, off, len, out);
  }

  @Override
  public LogFormat format() {
    return chosen == null ? LogFormat.AUTO : chosen.format();
  }
}
