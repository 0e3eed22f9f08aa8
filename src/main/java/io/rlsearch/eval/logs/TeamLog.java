package io.rlsearch.eval.logs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A team's own logged bandit data, one shown item per row, as CSV or JSON Lines; the layouts, with a
 * sample line each, are in {@code docs/logged-data.md}.
 *
 * <p>CSV: a header naming the columns, in any order: {@code round}, {@code action} (the item id),
 * {@code position} (1-based; optional, 1 when absent), {@code propensity}, {@code reward}, and one
 * {@code ctx_<name>} column per numeric context feature.
 *
 * <pre>{@code
 * round,action,position,propensity,reward,ctx_age,ctx_mobile
 * r1,shoe-17,1,0.25,1,0.31,1
 * }</pre>
 *
 * <p>JSON Lines: one object per line, either one shown item or a whole ranking (one row per position):
 *
 * <pre>{@code
 * {"round":"r1","context":{"age":0.31,"mobile":1},"action":"shoe-17","position":1,"propensity":0.25,"reward":1}
 * {"round":"r2","context":{"age":0.52,"mobile":0},"ranking":["bag-3","shoe-17"],"propensities":[0.5,0.25],"clicks":[0,1]}
 * }</pre>
 *
 * <p>Item ids are text; {@link #actionIds()} lists them in order of first appearance and a row's
 * {@link LoggedRound#action()} indexes that list. A row that cannot be read (wrong number of fields,
 * a field that is not a number, position outside 1..{@link #MAX_POSITION}, propensity outside (0, 1], a click not 0 or 1, a
 * JSON line that is not an object of the fields above, a context with other keys than the first good
 * row's) is counted in {@link #badRows()} with its line, never read in part.
 *
 * @param contextNames the context features, sorted (CSV: the {@code ctx_} columns without the prefix)
 * @param actionIds the item ids, in order of first appearance
 * @param rounds the good rows, in file order
 * @param badRows the rows that were not read
 */
public record TeamLog(List<String> contextNames, List<String> actionIds, List<LoggedRound> rounds, BadRows badRows) {
  /**
   * The largest position a row may have (1-based): a ranking of at most 100 slots. A row beyond it is
   * a bad row, so a typo cannot make a reader allocate or loop over millions of positions.
   */
  public static final int MAX_POSITION = 100;

  /** The prefix of a CSV context column: {@code ctx_age} is the feature {@code age}. */
  public static final String CONTEXT_PREFIX = "ctx_";

  private static final List<String> CSV_REQUIRED = List.of("round", "action", "propensity", "reward");
  private static final String CSV_COLUMNS =
      "round, action, position (optional), propensity, reward, ctx_<feature> (any number)";
  private static final Set<String> SINGLE_FIELDS = Set.of("round", "context", "action", "position", "propensity",
      "reward");
  private static final Set<String> RANKING_FIELDS = Set.of("round", "context", "ranking", "propensities", "clicks");
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  public TeamLog {
    contextNames = List.copyOf(contextNames);
    actionIds = List.copyOf(actionIds);
    rounds = List.copyOf(rounds);
  }

  /**
   * Reads a log by its file name: {@code .csv} as CSV; {@code .jsonl}, {@code .ndjson} or
   * {@code .json} as JSON Lines.
   *
   * @throws LogFormatException for another extension, a missing file or a bad CSV header
   */
  public static TeamLog read(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".csv")) {
      return readCsv(file);
    }
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
      return readJsonLines(file);
    }
    throw new LogFormatException(file + ": unknown log format; expected a .csv or a .jsonl (JSON Lines) file");
  }

  /** Reads the CSV layout. */
  public static TeamLog readCsv(Path file) {
    Builder b = new Builder(file);
    try (CsvRows rows = CsvRows.open(file)) {
      CsvRows.Row header = rows.next();
      if (header == null) {
        throw new LogFormatException(file + ": empty file; expected a header line with the columns " + CSV_COLUMNS);
      }
      List<String> names = header.fields();
      Map<String, Integer> column = new HashMap<>();
      List<String> context = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i).trim();
        boolean known = CSV_REQUIRED.contains(n) || n.equals("position")
            || (n.startsWith(CONTEXT_PREFIX) && n.length() > CONTEXT_PREFIX.length());
        if (!known) {
          throw new LogFormatException(file + ": header column " + (i + 1) + " is '" + Parse.shorten(n)
              + "'; expected one of " + CSV_COLUMNS);
        }
        if (column.put(n, i) != null) {
          throw new LogFormatException(file + ": header column " + (i + 1) + " '" + n + "' is given twice");
        }
        if (n.startsWith(CONTEXT_PREFIX)) {
          context.add(n.substring(CONTEXT_PREFIX.length()));
        }
      }
      for (String required : CSV_REQUIRED) {
        if (!column.containsKey(required)) {
          throw new LogFormatException(file + ": header has no column '" + required + "'; expected " + CSV_COLUMNS);
        }
      }
      context.sort(null);
      b.contextNames = context;
      int width = names.size();
      for (CsvRows.Row row = rows.next(); row != null; row = rows.next()) {
        List<String> f = row.fields();
        try {
          if (f.size() != width) {
            throw new Parse.Bad(f.size() + " fields, expected " + width + " as in the header");
          }
          double[] x = new double[context.size()];
          for (int k = 0; k < x.length; k++) {
            String col = CONTEXT_PREFIX + context.get(k);
            x[k] = Parse.number(col, f.get(column.get(col)));
          }
          String action = f.get(column.get("action")).trim();
          if (action.isEmpty()) {
            throw new Parse.Bad("action is empty");
          }
          int position = column.containsKey("position") ? Parse.integer("position", f.get(column.get("position"))) : 1;
          checkPosition(position);
          double pscore = Parse.propensity("propensity", f.get(column.get("propensity")));
          double reward = Parse.number("reward", f.get(column.get("reward")));
          b.add(row.line(), f.get(column.get("round")).trim(), action, position - 1, reward, pscore, x);
        } catch (Parse.Bad e) {
          b.bad.add(row.line(), e.getMessage());
        }
      }
    }
    return b.build();
  }

  /** Reads the JSON Lines layout; blank lines are skipped. */
  public static TeamLog readJsonLines(Path file) {
    Builder b = new Builder(file);
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long line = 0;
      for (String text = in.readLine(); text != null; text = in.readLine()) {
        line++;
        if (text.isBlank()) {
          continue;
        }
        try {
          jsonLine(b, line, text);
        } catch (Parse.Bad e) {
          b.bad.add(line, e.getMessage());
        }
      }
    } catch (NoSuchFileException e) {
      throw new LogFormatException(file + ": no such file");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return b.build();
  }

  private static void jsonLine(Builder b, long line, String text) throws Parse.Bad {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new Parse.Bad("not JSON (" + e.getOriginalMessage() + ")");
    }
    if (node == null || !node.isObject()) {
      throw new Parse.Bad("not a JSON object");
    }
    boolean ranking = node.has("ranking");
    Set<String> allowed = ranking ? RANKING_FIELDS : SINGLE_FIELDS;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new Parse.Bad("unknown field '" + Parse.shorten(f) + "'; expected " + new TreeSet<>(allowed));
      }
    }
    String round = text(node, "round");
    double[] x = context(b, node.get("context"));
    if (!ranking) {
      String action = text(node, "action");
      int position = 1;
      if (node.has("position")) {
        JsonNode p = node.get("position");
        if (!p.isIntegralNumber() || !p.canConvertToInt()) {
          throw new Parse.Bad("position is " + Parse.shorten(p.toString()) + ", not an integer");
        }
        position = p.intValue();
      }
      checkPosition(position);
      double pscore = Parse.propensity("propensity", number(node, "propensity"));
      double reward = number(node, "reward");
      b.add(line, round, action, position - 1, reward, pscore, x);
      return;
    }
    JsonNode items = array(node, "ranking");
    JsonNode ps = array(node, "propensities");
    JsonNode clicks = array(node, "clicks");
    if (items.isEmpty() || ps.size() != items.size() || clicks.size() != items.size()) {
      throw new Parse.Bad("ranking, propensities and clicks have " + items.size() + ", " + ps.size() + " and "
          + clicks.size() + " entries; expected the same number, at least one");
    }
    if (items.size() > MAX_POSITION) {
      throw new Parse.Bad("ranking has " + items.size() + " items, expected at most " + MAX_POSITION);
    }
    List<Object[]> rows = new ArrayList<>();
    for (int k = 0; k < items.size(); k++) {
      String action = itemId(items.get(k), "ranking[" + k + "]");
      double pscore = Parse.propensity("propensities[" + k + "]", numberValue(ps.get(k), "propensities[" + k + "]"));
      int click = Parse.click("clicks[" + k + "]", numberValue(clicks.get(k), "clicks[" + k + "]"));
      rows.add(new Object[] {action, pscore, click});
    }
    for (int k = 0; k < rows.size(); k++) {
      Object[] r = rows.get(k);
      b.add(line, round, (String) r[0], k, (int) r[2], (double) r[1], x);
    }
  }

  private static double[] context(Builder b, JsonNode ctx) throws Parse.Bad {
    if (ctx == null) {
      ctx = MAPPER.createObjectNode();
    }
    if (!ctx.isObject()) {
      throw new Parse.Bad("context is " + Parse.shorten(ctx.toString()) + ", not an object of numbers");
    }
    TreeSet<String> keys = new TreeSet<>();
    ctx.fieldNames().forEachRemaining(keys::add);
    if (b.contextNames == null) {
      // Checked before it becomes the layout, so that a bad first line does not set it.
      for (String k : keys) {
        numberValue(ctx.get(k), "context." + k);
      }
      b.pendingNames = List.copyOf(keys);
    } else if (!keys.equals(new TreeSet<>(b.contextNames))) {
      throw new Parse.Bad("context has the keys " + keys + ", expected " + b.contextNames + " as on line "
          + b.firstLine);
    }
    List<String> names = b.contextNames != null ? b.contextNames : b.pendingNames;
    double[] x = new double[names.size()];
    for (int k = 0; k < x.length; k++) {
      x[k] = numberValue(ctx.get(names.get(k)), "context." + names.get(k));
    }
    return x;
  }

  private static String text(JsonNode node, String field) throws Parse.Bad {
    JsonNode v = node.get(field);
    if (v == null) {
      throw new Parse.Bad("no '" + field + "' field");
    }
    return itemId(v, field);
  }

  private static String itemId(JsonNode v, String field) throws Parse.Bad {
    if (v.isTextual() && !v.asText().isBlank()) {
      return v.asText();
    }
    if (v.isIntegralNumber()) {
      return v.asText();
    }
    throw new Parse.Bad(field + " is " + Parse.shorten(v.toString()) + ", expected a non-empty string or an integer");
  }

  private static double number(JsonNode node, String field) throws Parse.Bad {
    JsonNode v = node.get(field);
    if (v == null) {
      throw new Parse.Bad("no '" + field + "' field");
    }
    return numberValue(v, field);
  }

  private static double numberValue(JsonNode v, String field) throws Parse.Bad {
    if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
      throw new Parse.Bad(field + " is " + Parse.shorten(v.toString()) + ", not a number");
    }
    return v.doubleValue();
  }

  private static JsonNode array(JsonNode node, String field) throws Parse.Bad {
    JsonNode v = node.get(field);
    if (v == null || !v.isArray()) {
      throw new Parse.Bad(v == null ? "no '" + field + "' field" : field + " is not an array");
    }
    return v;
  }

  private static void checkPosition(int position) throws Parse.Bad {
    if (position < 1 || position > MAX_POSITION) {
      throw new Parse.Bad("position is " + position + ", expected 1.." + MAX_POSITION + " (1 is the first slot)");
    }
  }

  /** Collects rows, item ids and bad rows while a file is read. */
  private static final class Builder {
    final BadRows.Collector bad;
    List<String> contextNames;
    List<String> pendingNames;
    long firstLine;
    final Map<String, Integer> actions = new LinkedHashMap<>();
    final List<LoggedRound> rounds = new ArrayList<>();

    Builder(Path file) {
      this.bad = new BadRows.Collector(file.toString());
    }

    void add(long line, String round, String action, int position, double reward, double pscore, double[] x) {
      if (contextNames == null) {
        contextNames = pendingNames;
        firstLine = line;
      }
      int a = actions.computeIfAbsent(action, k -> actions.size());
      rounds.add(new LoggedRound(line, round, a, position, reward, pscore, x));
    }

    TeamLog build() {
      return new TeamLog(contextNames == null ? List.of() : contextNames, List.copyOf(actions.keySet()), rounds,
          bad.result());
    }
  }
}
