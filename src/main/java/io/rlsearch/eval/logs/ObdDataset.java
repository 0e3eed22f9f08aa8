package io.rlsearch.eval.logs;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Open Bandit Dataset (Saito et al., "Open Bandit Dataset and Pipeline", NeurIPS 2021 Datasets
 * and Benchmarks) in its published layout: {@code DIR/{behavior}/{campaign}/{campaign}.csv} and
 * {@code DIR/{behavior}/{campaign}/item_context.csv}. The 10,000-row samples of the men and women
 * campaigns ship under {@code data/obd}; the full dataset has the same layout.
 *
 * <p>What is built mirrors OBP's {@code OpenBanditDataset.obtain_batch_bandit_feedback()} so that
 * estimates can be compared with the pipeline's: {@link #nRounds()}, {@link #nActions()} (the largest
 * item id plus one), per-round action, 0-based position, reward and pscore ({@link ObdRound}),
 * {@link #context()} (the one-hot user features, first category of each dropped, as pandas'
 * {@code get_dummies(drop_first=True)}) and {@link #actionContext()} (the label-encoded categorical
 * item features, then {@code item_feature_0}). Rows are kept in file order; OBP sorts by timestamp, and
 * the shipped samples are already in timestamp order.
 *
 * @param behavior the behavior policy that logged the data: {@code random} or {@code bts}
 * @param campaign {@code men}, {@code women} or {@code all}
 * @param rounds the good rows, in file order
 * @param items the campaign's items, by item id
 * @param badRows the rows of {@code {campaign}.csv} that were not read, with their lines
 * @param badItems the rows of {@code item_context.csv} that were not read, with their lines
 */
public record ObdDataset(String behavior, String campaign, List<ObdRound> rounds, List<ObdItem> items,
    BadRows badRows, BadRows badItems) {
  /** The behavior policies of the dataset: uniform random and Bernoulli Thompson sampling. */
  public static final List<String> BEHAVIORS = List.of("random", "bts");
  /** The campaigns of the dataset. */
  public static final List<String> CAMPAIGNS = List.of("men", "women", "all");
  /** Slots of the recommendation widget: position is 1..3 in the files, 0..2 here. */
  public static final int POSITIONS = 3;

  static final List<String> ROUND_COLUMNS = List.of("", "timestamp", "item_id", "position", "click",
      "propensity_score", "user_feature_0", "user_feature_1", "user_feature_2", "user_feature_3");
  static final String AFFINITY_PREFIX = "user-item_affinity_";
  static final List<String> ITEM_COLUMNS = List.of("", "item_id", "item_feature_0", "item_feature_1",
      "item_feature_2", "item_feature_3");
  private static final int USER_FEATURES = 4;
  private static final int FIRST_USER_FEATURE = 6;

  private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
      .appendOffsetId()
      .toFormatter();

  public ObdDataset {
    rounds = List.copyOf(rounds);
    items = List.copyOf(items);
  }

  /**
   * Reads one behavior policy's log of one campaign.
   *
   * @param dir the dataset's directory ({@code data/obd} for the shipped samples)
   * @param behavior {@code random} or {@code bts}
   * @param campaign {@code men}, {@code women} or {@code all}
   * @throws IllegalArgumentException for another behavior or campaign
   * @throws LogFormatException if a file is missing or a header does not match the published columns
   */
  public static ObdDataset read(Path dir, String behavior, String campaign) {
    if (!BEHAVIORS.contains(behavior)) {
      throw new IllegalArgumentException("behavior policy '" + behavior + "': expected one of " + BEHAVIORS);
    }
    if (!CAMPAIGNS.contains(campaign)) {
      throw new IllegalArgumentException("campaign '" + campaign + "': expected one of " + CAMPAIGNS);
    }
    Path base = dir.resolve(behavior).resolve(campaign);
    BadRows.Collector badItems = new BadRows.Collector(base.resolve("item_context.csv").toString());
    List<ObdItem> items = readItems(base.resolve("item_context.csv"), badItems);
    BadRows.Collector bad = new BadRows.Collector(base.resolve(campaign + ".csv").toString());
    List<ObdRound> rounds = readRounds(base.resolve(campaign + ".csv"), items.size(), bad);
    return new ObdDataset(behavior, campaign, rounds, items, bad.result(), badItems.result());
  }

  private static List<ObdItem> readItems(Path file, BadRows.Collector bad) {
    List<ObdItem> items = new ArrayList<>();
    try (CsvRows rows = CsvRows.open(file)) {
      CsvRows.Row header = rows.next();
      checkHeader(file, header, ITEM_COLUMNS, ITEM_COLUMNS.size());
      int index = 0;
      for (CsvRows.Row row = rows.next(); row != null; row = rows.next()) {
        List<String> f = row.fields();
        // Data row k holds item k, whether the rows before it were good or not.
        int expected = index++;
        try {
          fieldCount(f, ITEM_COLUMNS.size());
          int id = Parse.integer("item_id", f.get(1));
          if (id != expected) {
            throw new Parse.Bad("item_id is " + id + ", expected " + expected + " (ids are 0, 1, 2, ... in order)");
          }
          items.add(new ObdItem(id, Parse.number("item_feature_0", f.get(2)), f.subList(3, 6)));
        } catch (Parse.Bad e) {
          bad.add(row.line(), e.getMessage());
        }
      }
    }
    // An item's features are the context of every round that shows it: without its row, the action
    // context is incomplete, so the file is refused (naming its bad rows) rather than read in part.
    BadRows problems = bad.result();
    if (!problems.isEmpty()) {
      throw new LogFormatException(file + ": " + problems.describe() + "; every item needs a good row");
    }
    return items;
  }

  private static List<ObdRound> readRounds(Path file, int nItems, BadRows.Collector bad) {
    List<ObdRound> rounds = new ArrayList<>();
    try (CsvRows rows = CsvRows.open(file)) {
      CsvRows.Row header = rows.next();
      checkHeader(file, header, ROUND_COLUMNS, ROUND_COLUMNS.size() + 1);
      int width = header.fields().size();
      List<String> names = header.fields();
      for (int i = ROUND_COLUMNS.size(); i < width; i++) {
        String expected = AFFINITY_PREFIX + (i - ROUND_COLUMNS.size());
        if (!names.get(i).equals(expected)) {
          throw headerError(file, i, names.get(i), expected);
        }
      }
      for (CsvRows.Row row = rows.next(); row != null; row = rows.next()) {
        try {
          rounds.add(round(row, width, nItems));
        } catch (Parse.Bad e) {
          bad.add(row.line(), e.getMessage());
        }
      }
    }
    return rounds;
  }

  private static ObdRound round(CsvRows.Row row, int width, int nItems) throws Parse.Bad {
    List<String> f = row.fields();
    fieldCount(f, width);
    Instant timestamp;
    try {
      timestamp = OffsetDateTime.parse(f.get(1).trim(), TIMESTAMP).toInstant();
    } catch (DateTimeParseException e) {
      throw new Parse.Bad("timestamp is '" + Parse.shorten(f.get(1)) + "', expected like 2019-11-24 00:03:13.442536+00:00");
    }
    int item = Parse.integer("item_id", f.get(2));
    if (item < 0 || item >= nItems) {
      throw new Parse.Bad("item_id is " + item + ", not an item of item_context.csv (0.." + (nItems - 1) + ")");
    }
    int position = Parse.integer("position", f.get(3));
    if (position < 1 || position > POSITIONS) {
      throw new Parse.Bad("position is " + position + ", not in 1.." + POSITIONS);
    }
    int click = Parse.click("click", f.get(4));
    double pscore = Parse.propensity("propensity_score", f.get(5));
    List<String> user = f.subList(FIRST_USER_FEATURE, FIRST_USER_FEATURE + USER_FEATURES);
    for (int k = 0; k < USER_FEATURES; k++) {
      if (user.get(k).isBlank()) {
        throw new Parse.Bad("user_feature_" + k + " is empty");
      }
    }
    double[] affinity = new double[width - ROUND_COLUMNS.size()];
    for (int k = 0; k < affinity.length; k++) {
      affinity[k] = Parse.number(AFFINITY_PREFIX + k, f.get(ROUND_COLUMNS.size() + k));
    }
    return new ObdRound(row.line(), timestamp, item, position - 1, click, pscore, user, affinity);
  }

  private static void fieldCount(List<String> f, int width) throws Parse.Bad {
    if (f.size() != width) {
      throw new Parse.Bad(f.size() + " fields, expected " + width + " as in the header");
    }
  }

  private static void checkHeader(Path file, CsvRows.Row header, List<String> expected, int minWidth) {
    if (header == null) {
      throw new LogFormatException(file + ": empty file; expected a header line " + headerText(expected, minWidth));
    }
    List<String> names = header.fields();
    for (int i = 0; i < expected.size(); i++) {
      if (i >= names.size()) {
        throw new LogFormatException(file + ": header has no column " + (i + 1) + "; expected '" + expected.get(i)
            + "' (header: " + headerText(expected, minWidth) + ")");
      }
      if (!names.get(i).equals(expected.get(i))) {
        throw headerError(file, i, names.get(i), expected.get(i));
      }
    }
    if (names.size() < minWidth) {
      throw new LogFormatException(file + ": header has no column " + (names.size() + 1) + "; expected '"
          + AFFINITY_PREFIX + "0' (header: " + headerText(expected, minWidth) + ")");
    }
    if (minWidth == expected.size() && names.size() > expected.size()) {
      throw new LogFormatException(file + ": header has an extra column " + (expected.size() + 1) + " '"
          + Parse.shorten(names.get(expected.size())) + "' (header: " + headerText(expected, minWidth) + ")");
    }
  }

  private static LogFormatException headerError(Path file, int i, String found, String expected) {
    return new LogFormatException(file + ": header column " + (i + 1) + " is '" + Parse.shorten(found)
        + "', expected '" + expected + "'");
  }

  private static String headerText(List<String> expected, int minWidth) {
    return String.join(",", expected) + (minWidth > expected.size() ? "," + AFFINITY_PREFIX + "0,..." : "");
  }

  /** OBP's {@code n_rounds}: the number of rows read. */
  public int nRounds() {
    return rounds.size();
  }

  /** OBP's {@code n_actions}: the largest item id logged plus one (0 for no rounds). */
  public int nActions() {
    int max = -1;
    for (ObdRound r : rounds) {
      max = Math.max(max, r.action());
    }
    return max + 1;
  }

  /** OBP's {@code len_list}: the largest 0-based position logged plus one. */
  public int lenList() {
    int max = -1;
    for (ObdRound r : rounds) {
      max = Math.max(max, r.position());
    }
    return max + 1;
  }

  /** The mean click over all rows: the behavior policy's on-policy value (OBP's {@code calc_on_policy_policy_value_estimate}). */
  public double meanReward() {
    long clicks = 0;
    for (ObdRound r : rounds) {
      clicks += r.reward();
    }
    return rounds.isEmpty() ? Double.NaN : (double) clicks / rounds.size();
  }

  /** OBP's {@code action} array. */
  public int[] actions() {
    return rounds.stream().mapToInt(ObdRound::action).toArray();
  }

  /** OBP's {@code position} array (0-based). */
  public int[] positions() {
    return rounds.stream().mapToInt(ObdRound::position).toArray();
  }

  /** OBP's {@code reward} array (clicks). */
  public int[] rewards() {
    return rounds.stream().mapToInt(ObdRound::reward).toArray();
  }

  /** OBP's {@code pscore} array. */
  public double[] pscores() {
    return rounds.stream().mapToDouble(ObdRound::pscore).toArray();
  }

  /**
   * The names of {@link #context()}'s columns, "{@code user_feature_k=value}": for each of the four
   * user features in order, its distinct values in sorted order without the first, as pandas'
   * {@code get_dummies(drop_first=True)} orders them.
   */
  public List<String> contextColumns() {
    List<String> names = new ArrayList<>();
    List<List<String>> cats = userCategories();
    for (int k = 0; k < USER_FEATURES; k++) {
      for (String v : cats.get(k).subList(1, cats.get(k).size())) {
        names.add("user_feature_" + k + "=" + v);
      }
    }
    return names;
  }

  /**
   * OBP's default {@code context}: per round, the one-hot encoding of the four hashed user features
   * with each feature's first (smallest) value dropped, columns as {@link #contextColumns()}. The
   * user-item affinities are not in it (OBP's {@code pre_process} takes the {@code user_feature}
   * columns only); they are in {@link ObdRound#affinity()}. Each call builds the whole matrix (rounds x
   * columns): read it once and keep it.
   */
  public double[][] context() {
    List<List<String>> cats = userCategories();
    List<Map<String, Integer>> column = new ArrayList<>();
    int width = 0;
    for (int k = 0; k < USER_FEATURES; k++) {
      Map<String, Integer> index = new HashMap<>();
      List<String> values = cats.get(k);
      for (int j = 1; j < values.size(); j++) {
        index.put(values.get(j), width++);
      }
      column.add(index);
    }
    double[][] x = new double[rounds.size()][width];
    for (int i = 0; i < rounds.size(); i++) {
      List<String> user = rounds.get(i).userFeatures();
      for (int k = 0; k < USER_FEATURES; k++) {
        Integer c = column.get(k).get(user.get(k));
        if (c != null) {
          x[i][c] = 1.0;
        }
      }
    }
    return x;
  }

  private List<List<String>> userCategories() {
    List<List<String>> cats = new ArrayList<>();
    for (int k = 0; k < USER_FEATURES; k++) {
      Set<String> values = new TreeSet<>();
      for (ObdRound r : rounds) {
        values.add(r.userFeatures().get(k));
      }
      cats.add(List.copyOf(values));
    }
    return cats;
  }

  /**
   * OBP's default {@code action_context}: per item, {@code item_feature_1..3} label-encoded (each
   * value's index among that feature's sorted distinct values, as scikit-learn's
   * {@code LabelEncoder}), then {@code item_feature_0}.
   */
  public double[][] actionContext() {
    List<Map<String, Integer>> codes = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      Set<String> values = new TreeSet<>();
      for (ObdItem item : items) {
        values.add(item.categorical().get(k));
      }
      Map<String, Integer> code = new HashMap<>();
      for (String v : values) {
        code.put(v, code.size());
      }
      codes.add(code);
    }
    double[][] x = new double[items.size()][4];
    for (int i = 0; i < items.size(); i++) {
      ObdItem item = items.get(i);
      for (int k = 0; k < 3; k++) {
        x[i][k] = codes.get(k).get(item.categorical().get(k));
      }
      x[i][3] = item.feature0();
    }
    return x;
  }
}
