package io.github.logchute.sink.datadog;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body handler that keeps at most the first {@code limit} bytes of an answer and
 * discards the rest: enough for an error excerpt, bounded whatever the server sends.
 */
final class BodyExcerpt implements HttpResponse.BodySubscriber<byte[]> {

  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final byte[] buf;
  private int size;

  private BodyExcerpt(int limit) {
    this.buf = new byte[limit];
  }

  static HttpResponse.BodyHandler<byte[]> handler(int limit) {
    return info -> new BodyExcerpt(limit);
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer b : items) {
      int n = Math.min(b.remaining(), buf.length - size);
      b.get(buf, size, n);
      size += n;
    }
  }

  @Override
  public void onError(Throwable throwable) {
    result.completeExceptionally(throwable);
  }

  @Override
  public void onComplete() {
    result.complete(Arrays.copyOf(buf, size));
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }
}
