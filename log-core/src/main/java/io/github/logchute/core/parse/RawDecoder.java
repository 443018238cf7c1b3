package io.github.logchute.core.parse;

import io.github.logchute.core.LogStream;

/** A line is the message, read now, on stdout. */
enum RawDecoder implements LineDecoder {
  INSTANCE;

  @Override
  public boolean decode(byte[] line, int off, int len, DecodedLine out) {
    out.stream = LogStream.STDOUT;
    out.partial = false;
    out.content(line, off, len);
    return true;
  }

  @Override
  public LogFormat format() {
    return LogFormat.RAW;
  }
}
