package io.rlsearch.eval.logs;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a file that were not read, counted: {@code count} in all and the first
 * {@value #KEPT} problems, each "{@code FILE line N: what is wrong}". A reader returns the good rows
 * and this report; it is up to the caller to refuse a file with bad rows or to go on.
 *
 * @param count the number of bad rows (lines, for JSON Lines)
 * @param first the first problems, at most {@value #KEPT}, in file order
 */
public record BadRows(long count, List<String> first) {
  /** How many problems are kept with their line numbers. */
  public static final int KEPT = 10;

  public BadRows {
    first = List.copyOf(first);
  }

  /** No bad rows. */
  public static BadRows none() {
    return new BadRows(0, List.of());
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** One line: "no bad rows" or the count and the first problems. */
  public String describe() {
    if (count == 0) {
      return "no bad rows";
    }
    return count + " bad row" + (count == 1 ? "" : "s") + " (not read); first: " + String.join("; ", first);
  }

  /** Collects problems while a file is read. */
  static final class Collector {
    private final String file;
    private long count;
    private final List<String> first = new ArrayList<>();

    Collector(String file) {
      this.file = file;
    }

    void add(long line, String problem) {
      count++;
      if (first.size() < KEPT) {
        first.add(file + " line " + line + ": " + problem);
      }
    }

    BadRows result() {
      return new BadRows(count, first);
    }
  }
}
