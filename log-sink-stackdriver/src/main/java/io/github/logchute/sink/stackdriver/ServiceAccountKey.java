package io.github.logchute.sink.stackdriver;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of a service-account JSON key file that signing needs (SPECS.md 3.8): {@code
 * client_email}, {@code private_key} (a PKCS#8 PEM), {@code token_uri}, and the optional {@code
 * project_id} and {@code private_key_id}. The private key never appears in {@link #toString()}.
 */
record ServiceAccountKey(
    String clientEmail,
    PrivateKey privateKey,
    String privateKeyId,
    URI tokenUri,
    String projectId) {

  /** Where Google's token endpoint is when a key file does not say (SPECS.md 3.8). */
  static final URI DEFAULT_TOKEN_URI = URI.create("https://oauth2.googleapis.com/token");

  ServiceAccountKey {
    Objects.requireNonNull(clientEmail, "clientEmail");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(tokenUri, "tokenUri");
  }

  /**
   * Reads a key file.
   *
   * @throws IOException naming what is missing or malformed (never quoting the key)
   */
  static ServiceAccountKey load(Path file) throws IOException {
    Map<String, Object> json;
    try {
      json = JsonValues.readObject(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IOException("cannot read service-account key " + file + ": " + e.getMessage(), e);
    }
    Object type = json.get("type");
    if (type != null && !"service_account".equals(type)) {
      throw new IOException(
          file + " is a '" + type + "' credential; only 'service_account' keys are supported");
    }
    String email = text(json, "client_email", file);
    String pem = text(json, "private_key", file);
    Object uri = json.get("token_uri");
    URI tokenUri;
    try {
      tokenUri = uri instanceof String s && !s.isBlank() ? URI.create(s.trim()) : DEFAULT_TOKEN_URI;
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": token_uri is not a URL");
    }
    Object project = json.get("project_id");
    Object keyId = json.get("private_key_id");
    return new ServiceAccountKey(
        email,
        parsePkcs8(pem, file),
        keyId instanceof String k ? k : null,
        tokenUri,
        project instanceof String p && !p.isBlank() ? p : null);
  }

  private static String text(Map<String, Object> json, String key, Path file) throws IOException {
    Object v = json.get(key);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IOException(file + " has no '" + key + "'");
    }
    return s;
  }

  /** An RSA key from a {@code -----BEGIN PRIVATE KEY-----} (PKCS#8) PEM block. */
  static PrivateKey parsePkcs8(String pem, Path file) throws IOException {
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf(end);
    if (b < 0 || e < b) {
      throw new IOException(file + ": private_key is not a PKCS#8 PEM block (BEGIN PRIVATE KEY)");
    }
    String base64 = pem.substring(b + begin.length(), e).replaceAll("\\s", "");
    try {
      byte[] der = Base64.getDecoder().decode(base64);
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (IllegalArgumentException | GeneralSecurityException ex) {
      throw new IOException(file + ": private_key is not a valid RSA PKCS#8 key");
    }
  }

  @Override
  public String toString() {
    return "ServiceAccountKey[clientEmail="
        + clientEmail
        + ", privateKeyId="
        + (privateKeyId == null ? "none" : "<set>")
        + ", privateKey=<redacted>, tokenUri="
        + tokenUri
        + ", projectId="
        + projectId
        + "]";
  }
}
