package io.rlsearch.eval.ope;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Logged decisions as JSON Lines: one {@link LoggedDecision} object per line, field names as the
 * record's components.
 *
 * <p>Writing goes to a temporary file that is renamed into place, so a crash never leaves half a log
 * under the final name. Reading refuses unknown or missing fields and names the file and line of the
 * first bad record; nothing is skipped silently.
 *
 * <p>Two fields are optional, for logs written before they existed: a line without
 * {@code propensityOf} is read as {@link LoggedDecision#defaultPropensityOf} says ({@code arm} for a
 * discrete decision, {@code weights} for a continuous one), and a line without {@code slate} has none.
 * A line is written without {@code slate} when the decision has none.
 */
public final class DecisionLog {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      // A field given twice is refused, never read as its last value.
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);

  /** A log that cannot be read, with the file and line. */
  public static final class FormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FormatException(String message) {
      super(message);
    }
  }

  private static final String FIELDS = String.join(", ",
      java.util.Arrays.stream(LoggedDecision.class.getRecordComponents()).map(c -> c.getName()).toList());

  private DecisionLog() {}

  /** One decision as a JSON line (no trailing newline). */
  public static String toLine(LoggedDecision d) {
    try {
      return MAPPER.writeValueAsString(d);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a decision as JSON", e);
    }
  }

  /** Writes {@code decisions} to {@code file} atomically; returns the number written. */
  public static long write(Path file, Iterable<LoggedDecision> decisions) {
    Path dir = file.toAbsolutePath().getParent();
    try {
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
      long n = 0;
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (LoggedDecision d : decisions) {
          w.write(toLine(d));
          w.write('\n');
          n++;
        }
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write decision log " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads every decision of {@code file}; blank lines are ignored, anything else must parse. */
  public static List<LoggedDecision> read(Path file) {
    List<LoggedDecision> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isBlank()) {
          continue;
        }
        out.add(parse(line, file + " line " + no));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read decision log " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Reads {@code file} for a learner or estimator of boost weights and templates: as {@link #read},
   * refusing a slate policy's decision (it ranks candidates; it has no weight vector to learn from)
   * with one line naming it.
   */
  public static List<LoggedDecision> readWithoutSlates(Path file) {
    List<LoggedDecision> all = read(file);
    for (int i = 0; i < all.size(); i++) {
      LoggedDecision d = all.get(i);
      if (d.slate() != null) {
        throw new FormatException("decision log " + file + ": decision " + (i + 1) + " (episode " + d.episode()
            + ", policy '" + d.policy() + "') is a slate policy's ranking (propensityOf '" + d.propensityOf()
            + "'), which has no boost weights or template to learn from; give a log of boost-weight or template"
            + " decisions only");
      }
    }
    return all;
  }

  /** Parses one JSON line; {@code where} names it in an error. */
  public static LoggedDecision parse(String line, String where) {
    try {
      JsonNode tree = MAPPER.readTree(line);
      if (tree instanceof ObjectNode o) {
        JsonNode of = o.get("propensityOf");
        if (of == null || of.isNull()) {
          // A log written before the field: what the decision's kind implies (a missing arm is reported below).
          JsonNode arm = o.get("arm");
          o.put("propensityOf", LoggedDecision.defaultPropensityOf(arm != null && arm.canConvertToInt() ? arm.intValue()
              : 0));
        }
        if (!o.has("slate")) {
          o.putNull("slate");
        }
      }
      return MAPPER.treeToValue(tree, LoggedDecision.class);
    } catch (JsonProcessingException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      String msg;
      if (cause instanceof IllegalArgumentException) {
        msg = cause.getMessage();
      } else if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
        msg = "unknown field '" + u.getPropertyName() + "' (fields: " + FIELDS + ")";
      } else if (e.getOriginalMessage().startsWith("Missing creator property")) {
        msg = e.getOriginalMessage().replaceFirst("Missing creator property '([^']*)'.*", "missing field '$1'")
            + " (fields: " + FIELDS + ")";
      } else {
        msg = e.getOriginalMessage();
      }
      throw new FormatException("decision log " + where + ": " + msg);
    }
  }
}
