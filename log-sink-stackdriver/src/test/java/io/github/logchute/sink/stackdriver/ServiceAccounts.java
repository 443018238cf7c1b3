package io.github.logchute.sink.stackdriver;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Service-account key files for tests: a fresh RSA key pair, written as Google's JSON shape. */
final class ServiceAccounts {

  static final String EMAIL = "logchute@test-project.iam.gserviceaccount.com";

  private ServiceAccounts() {}

  static KeyPair keyPair() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      return gen.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The private key as a PKCS#8 PEM block, as in Google's key files. */
  static String pem(KeyPair keys) {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(keys.getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
  }

  /** Writes {@code dir/key.json}. {@code projectId} may be null (left out). */
  static Path write(Path dir, KeyPair keys, URI tokenUri, String projectId) throws IOException {
    String json =
        "{\n  \"type\": \"service_account\",\n"
            + (projectId == null ? "" : "  \"project_id\": \"" + projectId + "\",\n")
            + "  \"private_key_id\": \"0123456789abcdef\",\n"
            + "  \"private_key\": \""
            + pem(keys).replace("\n", "\\n")
            + "\",\n  \"client_email\": \""
            + EMAIL
            + "\",\n  \"client_id\": \"1234567890\",\n"
            + "  \"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\",\n"
            + "  \"token_uri\": \""
            + tokenUri
            + "\"\n}\n";
    Path file = dir.resolve("key.json");
    Files.writeString(file, json);
    return file;
  }
}
