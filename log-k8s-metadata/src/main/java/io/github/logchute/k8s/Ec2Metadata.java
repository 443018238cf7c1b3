package io.github.logchute.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.MetadataKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * EC2 instance metadata, IMDSv2 only: {@code PUT /latest/api/token} with a TTL header gives a
 * session token, which every {@code GET} then carries; the instance identity document gives
 * instance id, availability zone, account id and region. A 401 (token expired) gets one new token.
 */
final class Ec2Metadata {

  static final String TOKEN_PATH = "/latest/api/token";
  static final String DOCUMENT_PATH = "/latest/dynamic/instance-identity/document";
  static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
  static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
  static final String TOKEN_TTL_SECONDS = "21600";

  private final HttpClient client;
  private final URI base;
  private final Duration timeout;
  private final ObjectMapper mapper;

  Ec2Metadata(HttpClient client, URI base, Duration timeout, ObjectMapper mapper) {
    this.client = client;
    this.base = base;
    this.timeout = timeout;
    this.mapper = mapper;
  }

  /** Completes with the instance's metadata, or fails with the reason it is not EC2. */
  CompletableFuture<CloudInfo> detect() {
    return document(true);
  }

  private CompletableFuture<CloudInfo> document(boolean retryOn401) {
    return token()
        .thenCompose(
            token ->
                client.sendAsync(
                    HttpRequest.newBuilder(URI.create(base + DOCUMENT_PATH))
                        .timeout(timeout)
                        .header(TOKEN_HEADER, token)
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray()))
        .thenCompose(
            r -> {
              if (r.statusCode() == 401 && retryOn401) {
                return document(false);
              }
              if (r.statusCode() != 200) {
                throw new CompletionException(
                    new IOException("identity document: HTTP " + r.statusCode()));
              }
              return CompletableFuture.completedFuture(parse(r.body()));
            });
  }

  private CompletableFuture<String> token() {
    return client
        .sendAsync(
            HttpRequest.newBuilder(URI.create(base + TOKEN_PATH))
                .timeout(timeout)
                .header(TTL_HEADER, TOKEN_TTL_SECONDS)
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(
            r -> {
              if (r.statusCode() != 200 || r.body().isBlank()) {
                throw new CompletionException(new IOException("token: HTTP " + r.statusCode()));
              }
              return r.body().strip();
            });
  }

  private CloudInfo parse(byte[] body) {
    JsonNode doc;
    try {
      doc = mapper.readTree(body);
    } catch (IOException e) {
      throw new CompletionException(new IOException("identity document is not JSON", e));
    }
    String instance = PodParser.text(doc, "instanceId");
    String region = PodParser.text(doc, "region");
    if (instance == null) {
      throw new CompletionException(new IOException("identity document has no instanceId"));
    }
    Map<String, String> a = new LinkedHashMap<>();
    a.put(MetadataKeys.CLOUD_PROVIDER, "aws");
    put(a, MetadataKeys.CLOUD_ACCOUNT_ID, PodParser.text(doc, "accountId"));
    put(a, MetadataKeys.CLOUD_REGION, region);
    put(a, MetadataKeys.CLOUD_AVAILABILITY_ZONE, PodParser.text(doc, "availabilityZone"));
    a.put(MetadataKeys.HOST_ID, instance);
    if (region != null) {
      a.put(MetadataKeys.K8S_CLUSTER_LOCATION, "aws:" + region);
    }
    return new CloudInfo("aws", Map.copyOf(a), instance);
  }

  private static void put(Map<String, String> a, String k, String v) {
    if (v != null) {
      a.put(k, v);
    }
  }
}
