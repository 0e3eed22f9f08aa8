package io.rlsearch.experiments.labs;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A lab's figures beside the book's: for each figure, our value, the book's (or {@code null} when the
 * book records none) and a verdict, {@code "match"} or the reason it differs.
 *
 * <p>Values are numbers, lists of numbers or maps from names to numbers, so they render to JSON as
 * they are. The book's values carry their source (the file or section that records them) in
 * {@link #sources()}.
 */
public final class LabReport {
  /** The verdict of a figure that agrees with the book within its stated precision. */
  public static final String MATCH = "match";

  private final String lab;
  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final Map<String, Object> book = new LinkedHashMap<>();
  private final Map<String, String> match = new LinkedHashMap<>();
  private final Map<String, String> sources = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  /** An empty report for {@code lab}. */
  public LabReport(String lab) {
    this.lab = lab;
  }

  /** The lab's name. */
  public String lab() {
    return lab;
  }

  /** Our figures, in the order they were added. */
  public Map<String, Object> figures() {
    return Collections.unmodifiableMap(figures);
  }

  /** The book's figures (null where the book records none). */
  public Map<String, Object> book() {
    return Collections.unmodifiableMap(book);
  }

  /** Per figure: {@link #MATCH} or why it differs. */
  public Map<String, String> match() {
    return Collections.unmodifiableMap(match);
  }

  /** Per figure with a book value: where the book records it. */
  public Map<String, String> sources() {
    return Collections.unmodifiableMap(sources);
  }

  /** Free-form notes: what the numbers do not show, protocol details. */
  public List<String> notes() {
    return Collections.unmodifiableList(notes);
  }

  /** Whether every figure with a book value matches. */
  public boolean allMatch() {
    return match.values().stream().allMatch(MATCH::equals);
  }

  /** Adds a note. */
  public LabReport note(String text) {
    notes.add(text);
    return this;
  }

  /**
   * A scalar the book prints to {@code decimals} decimals: a match when ours rounds to the same.
   */
  public LabReport decimals(String key, double ours, double bookValue, int decimals, String source) {
    return decimals(key, ours, bookValue, decimals, source, null);
  }

  /** As {@link #decimals(String, double, double, int, String)}, with {@code why} explaining a miss. */
  public LabReport decimals(String key, double ours, double bookValue, int decimals, String source, String why) {
    boolean same = round(ours, decimals).equals(round(bookValue, decimals));
    return put(key, ours, bookValue, source, same ? MATCH
        : "ours " + round(ours, decimals) + " against the book's " + round(bookValue, decimals)
            + (why == null ? "" : ": " + why));
  }

  /**
   * A scalar compared within an absolute tolerance {@code tol}; {@code why} explains a miss (null:
   * the difference is stated and nothing more is known).
   */
  public LabReport within(String key, double ours, double bookValue, double tol, String source, String why) {
    boolean ok = Math.abs(ours - bookValue) <= tol;
    String verdict = ok ? MATCH : String.format(Locale.ROOT, "ours %.4g against the book's %.4g (tolerance %.3g)%s",
        ours, bookValue, tol, why == null ? "" : ": " + why);
    return put(key, ours, bookValue, source, verdict);
  }

  /** A map of scalars compared key by key within {@code tol}. */
  public LabReport withinAll(String key, Map<String, Double> ours, Map<String, Double> bookValue, double tol,
      String source, String why) {
    List<String> misses = new ArrayList<>();
    for (Map.Entry<String, Double> e : bookValue.entrySet()) {
      Double o = ours.get(e.getKey());
      if (o == null || Math.abs(o - e.getValue()) > tol) {
        misses.add(String.format(Locale.ROOT, "%s: ours %s against %s", e.getKey(),
            o == null ? "none" : String.format(Locale.ROOT, "%.4g", o), String.format(Locale.ROOT, "%.4g", e.getValue())));
      }
    }
    String verdict = misses.isEmpty() ? MATCH : String.join("; ", misses) + String.format(Locale.ROOT,
        " (tolerance %.3g)%s", tol, why == null ? "" : ": " + why);
    return put(key, new LinkedHashMap<>(ours), new LinkedHashMap<>(bookValue), source, verdict);
  }

  /** A list of scalars compared element by element to {@code decimals} decimals. */
  public LabReport decimalsAll(String key, double[] ours, double[] bookValue, int decimals, String source) {
    List<String> misses = new ArrayList<>();
    List<Double> o = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    for (int i = 0; i < Math.max(ours.length, bookValue.length); i++) {
      if (i < ours.length) {
        o.add(ours[i]);
      }
      if (i < bookValue.length) {
        b.add(bookValue[i]);
      }
      if (i >= ours.length || i >= bookValue.length || !round(ours[i], decimals).equals(round(bookValue[i], decimals))) {
        misses.add("#" + (i + 1));
      }
    }
    return put(key, o, b, source, misses.isEmpty() ? MATCH : "differs at " + String.join(", ", misses));
  }

  /**
   * A figure the book states without a recorded run behind it ("expected", "representative"): ours is
   * reported with the book's for orientation, and the verdict says there is nothing to match.
   */
  public LabReport representative(String key, Object ours, Object bookValue, String source) {
    return put(key, ours, bookValue, source, "no recorded run: the book's value is " + "representative; ours is reported");
  }

  /** A figure of ours the book does not record. */
  public LabReport ours(String key, Object ours) {
    figures.put(key, ours);
    return this;
  }

  /** A figure with an explicit verdict. */
  public LabReport put(String key, Object ours, Object bookValue, String source, String verdict) {
    figures.put(key, ours);
    book.put(key, bookValue);
    match.put(key, verdict);
    if (source != null) {
      sources.put(key, source);
    }
    return this;
  }

  /** {@code x} to {@code decimals} places as Python's format rounds it: the exact binary value, half to even
   * (unlike Python, a value that rounds to zero prints without a minus sign). */
  static String round(double x, int decimals) {
    // BigDecimal has no negative zero: a value that rounds to zero prints unsigned
    return new java.math.BigDecimal(x).setScale(decimals, java.math.RoundingMode.HALF_EVEN).toPlainString();
  }
}
