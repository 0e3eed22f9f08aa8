package io.rlsearch.learn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rlsearch.agents.spi.AgentState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checkpoint files: an agent's whole state, where the run stood, and the config that produced it.
 *
 * <p>Format: one header line {@code rlsearch-checkpoint 1 sha256=<hex> bytes=<n>}, then a JSON body
 * of exactly {@code n} bytes whose SHA-256 the header gives. Writing is atomic: the file is written
 * beside its target, forced to disk, then renamed over it, so a reader sees the old checkpoint or the
 * new one, never half of one. Reading refuses, with one line naming the problem, a file that is not a
 * checkpoint, of another format version, truncated, or whose body does not match its checksum;
 * {@link #requireCompatible} refuses one made by another configuration.
 */
public final class Checkpoints {
  /** The format this code writes and reads. */
  public static final int FORMAT = 1;
  private static final String MAGIC = "rlsearch-checkpoint";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Checkpoints() {}

  /**
   * A checkpoint.
   *
   * @param config what produced it (agent, seed, task, settings), as strings
   * @param usersDone users {@code 0 .. usersDone - 1} had run and were learned
   * @param version the policy version of the state
   * @param learned transitions learned by the run that wrote it
   * @param state the agent's state
   * @param learnedBeyond episodes past {@code usersDone} that were learned too (throughput mode learns out
   *     of order): a run resumed from this checkpoint does not learn them again
   */
  public record Checkpoint(Map<String, String> config, long usersDone, long version, long learned, AgentState state,
      long[] learnedBeyond) {
    public Checkpoint {
      config = java.util.Collections.unmodifiableMap(new TreeMap<>(config));
      learnedBeyond = learnedBeyond.clone();
    }

    /** A checkpoint with nothing learned past {@code usersDone}. */
    public Checkpoint(Map<String, String> config, long usersDone, long version, long learned, AgentState state) {
      this(config, usersDone, version, learned, state, new long[0]);
    }
  }

  /** A checkpoint that cannot be used; the message is one line for the user. */
  public static final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckpointException(String message) {
      super(message);
    }
  }

  /** Writes {@code c} to {@code file} atomically. */
  public static void write(Path file, Checkpoint c) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("format", FORMAT);
    ObjectNode cfg = body.putObject("config");
    c.config().forEach(cfg::put);
    ObjectNode progress = body.putObject("progress");
    progress.put("users_done", c.usersDone());
    progress.put("version", c.version());
    progress.put("learned", c.learned());
    var beyond = progress.putArray("learned_beyond");
    for (long e : c.learnedBeyond()) {
      beyond.add(e);
    }
    ObjectNode st = body.putObject("state");
    st.put("agent", c.state().agent());
    ObjectNode counters = st.putObject("counters");
    c.state().counters().forEach(counters::put);
    ObjectNode arrays = st.putObject("arrays");
    for (Map.Entry<String, double[]> e : c.state().arrays().entrySet()) {
      var a = arrays.putArray(e.getKey());
      for (double v : e.getValue()) {
        a.add(v);
      }
    }
    byte[] bytes = JSON.writeValueAsBytes(body);
    String header = MAGIC + " " + FORMAT + " sha256=" + sha256(bytes) + " bytes=" + bytes.length + "\n";
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer h = ByteBuffer.wrap(header.getBytes(StandardCharsets.US_ASCII));
        while (h.hasRemaining()) {
          ch.write(h);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      // The rename is durable only once the directory's entry is on disk too.
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException | UnsupportedOperationException e) {
        // Some file systems cannot open or force a directory; the file itself was forced above.
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Reads and verifies a checkpoint. */
  public static Checkpoint read(Path file) {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new CheckpointException("checkpoint " + file + " does not exist");
    } catch (IOException e) {
      throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage());
    }
    int nl = -1;
    for (int i = 0; i < Math.min(all.length, 256); i++) {
      if (all[i] == '\n') {
        nl = i;
        break;
      }
    }
    String header = nl < 0 ? "" : new String(all, 0, nl, StandardCharsets.US_ASCII);
    String[] parts = header.split(" ");
    if (parts.length != 4 || !parts[0].equals(MAGIC) || !parts[2].startsWith("sha256=") || !parts[3].startsWith("bytes=")) {
      throw new CheckpointException(file + " is not an rlsearch checkpoint (no '" + MAGIC + "' header)");
    }
    if (!parts[1].equals(Integer.toString(FORMAT))) {
      throw new CheckpointException("checkpoint " + file + " has format " + parts[1] + "; this version reads format "
          + FORMAT);
    }
    long declared;
    try {
      declared = Long.parseLong(parts[3].substring("bytes=".length()));
    } catch (NumberFormatException e) {
      throw new CheckpointException("checkpoint " + file + " has a corrupt header: " + header);
    }
    int bodyLength = all.length - nl - 1;
    if (bodyLength != declared) {
      throw new CheckpointException("checkpoint " + file + " is corrupt: " + bodyLength + " bytes of state, the header"
          + " says " + declared + " (truncated or appended to)");
    }
    byte[] body = java.util.Arrays.copyOfRange(all, nl + 1, all.length);
    if (!sha256(body).equals(parts[2].substring("sha256=".length()))) {
      throw new CheckpointException("checkpoint " + file + " is corrupt: its checksum does not match its contents");
    }
    try {
      JsonNode root = JSON.readTree(body);
      Map<String, String> config = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.get("config").fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        config.put(e.getKey(), e.getValue().asText());
      }
      JsonNode progress = root.get("progress");
      JsonNode st = root.get("state");
      Map<String, Long> counters = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = st.get("counters").fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        counters.put(e.getKey(), e.getValue().asLong());
      }
      Map<String, double[]> arrays = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = st.get("arrays").fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        double[] v = new double[e.getValue().size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = e.getValue().get(i).asDouble();
        }
        arrays.put(e.getKey(), v);
      }
      JsonNode b = progress.get("learned_beyond");
      long[] beyond = new long[b == null ? 0 : b.size()];
      for (int i = 0; i < beyond.length; i++) {
        beyond[i] = b.get(i).asLong();
      }
      return new Checkpoint(config, progress.get("users_done").asLong(), progress.get("version").asLong(),
          progress.get("learned").asLong(), new AgentState(st.get("agent").asText(), arrays, counters), beyond);
    } catch (JsonProcessingException | NullPointerException e) {
      // The checksum matched, so the writer wrote this: a checkpoint of an incompatible layout.
      throw new CheckpointException("checkpoint " + file + " has an unexpected layout: " + e.getMessage());
    } catch (IOException e) {
      throw new CheckpointException("cannot read checkpoint " + file + ": " + e.getMessage());
    }
  }

  /**
   * Refuses a checkpoint whose config differs from {@code expected} in any of {@code keys}, naming
   * every difference.
   */
  public static void requireCompatible(Checkpoint c, Map<String, String> expected, List<String> keys) {
    StringBuilder diff = new StringBuilder();
    for (String k : keys) {
      String was = c.config().get(k);
      String now = expected.get(k);
      if (was == null ? now != null : !was.equals(now)) {
        diff.append(diff.length() == 0 ? "" : ", ").append(k).append(" was ").append(was).append(" and is now ")
            .append(now);
      }
    }
    if (diff.length() > 0) {
      throw new CheckpointException("the checkpoint does not match this run: " + diff
          + "; resume with the settings it was made with, or start without --resume");
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
