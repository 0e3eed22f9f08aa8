package io.rlsearch.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Loads the world's configuration: {@code config/zoosim.conf} (shipped in the jar), optionally with
 * a user file layered over it, checked key by key.
 *
 * <p>A key the defaults do not have, a value of the wrong type, a mix that does not sum to 1 or an
 * out-of-range value raises a {@link SettingsException} whose one-line message names the key and
 * what is accepted. Per-category and per-segment tables must name exactly the configured categories
 * and segments, so a layered file that adds a category must also give its parameters.
 */
public final class ZoosimConfig {
  /** Where the defaults live on the classpath. */
  public static final String DEFAULTS_RESOURCE = "config/zoosim.conf";

  /** Keys whose value is an open table (any sub-key allowed), not a fixed record. */
  private static final List<String> OPEN_TABLES = List.of(
      "catalog.price_params", "catalog.margin_slope", "catalog.pl_prob", "catalog.bestseller_mean",
      "catalog.bestseller_std", "catalog.emb_cluster_std", "users.segment_params",
      "queries.specificity", "behavior.pos_bias", "action.exposure_floors", "action.templates");

  private ZoosimConfig() {}

  /** The defaults layered under {@code overlay} (if present), validated into settings. */
  public static SimSettings load(Optional<Path> overlay) {
    Config defaults = defaultsConfig();
    Config merged = defaults;
    if (overlay.isPresent()) {
      Path file = overlay.get();
      if (!Files.isRegularFile(file)) {
        throw new SettingsException("--config", "no such file: " + file);
      }
      Config user;
      try {
        user = ConfigFactory.parseFile(file.toFile(),
            ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
      } catch (ConfigException e) {
        throw new SettingsException(file.toString(), "cannot be parsed: "
            + String.valueOf(e.getMessage()).replace('\n', ' '));
      }
      checkKnownKeys(user, defaults);
      merged = user.withFallback(defaults);
    }
    try {
      return read(merged.resolve());
    } catch (ConfigException e) {
      throw describe(e);
    }
  }

  /** The defaults alone, layered under a HOCON string (handy in tests: {@code "catalog { n_products = 50 }"}). */
  public static SimSettings fromString(String hocon) {
    Config defaults = defaultsConfig();
    Config user;
    try {
      user = ConfigFactory.parseString(hocon);
    } catch (ConfigException e) {
      throw describe(e);
    }
    checkKnownKeys(user, defaults);
    try {
      return read(user.withFallback(defaults).resolve());
    } catch (ConfigException e) {
      throw describe(e);
    }
  }

  /** The defaults under an already parsed overlay (for example the {@code world} block of an experiment file). */
  public static SimSettings fromOverlay(Config user) {
    Config defaults = defaultsConfig();
    checkKnownKeys(user, defaults);
    try {
      return read(user.withFallback(defaults).resolve());
    } catch (ConfigException e) {
      throw describe(e);
    }
  }

  private static Config defaultsConfig() {
    return ConfigFactory.parseResources(ZoosimConfig.class.getClassLoader(), DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
  }

  private static void checkKnownKeys(Config user, Config defaults) {
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String key = e.getKey();
      if (isUnderOpenTable(key)) {
        continue;
      }
      if (!defaults.hasPathOrNull(key)) {
        throw new SettingsException(key, "unknown key; accepted keys here: " + siblings(key, defaults));
      }
    }
  }

  private static boolean isUnderOpenTable(String key) {
    for (String t : OPEN_TABLES) {
      if (key.startsWith(t + ".")) {
        return true;
      }
    }
    return false;
  }

  private static String siblings(String key, Config defaults) {
    // Split as a path: a quoted element may hold a dot.
    List<String> path = ConfigUtil.splitPath(key);
    TreeSet<String> names = new TreeSet<>();
    if (path.size() < 2) {
      names.addAll(defaults.root().keySet());
    } else {
      String parent = ConfigUtil.joinPath(path.subList(0, path.size() - 1));
      if (defaults.hasPath(parent) && defaults.getValue(parent).valueType() == ConfigValueType.OBJECT) {
        names.addAll(defaults.getConfig(parent).root().keySet());
      } else {
        return siblings(parent, defaults);
      }
    }
    return String.join(", ", names);
  }

  /** One line for a Typesafe Config error, without the file-origin noise. */
  static SettingsException describe(ConfigException e) {
    return describe(e, "");
  }

  /** As {@link #describe(ConfigException)}, for an error raised inside section {@code prefix}. */
  static SettingsException describe(ConfigException e, String prefix) {
    String m = e.getMessage() == null ? "" : e.getMessage().replace('\n', ' ');
    java.util.regex.Matcher wrong =
        java.util.regex.Pattern.compile("(\\S+) has type (\\S+) rather than (.+)$").matcher(m);
    if (wrong.find()) {
      return new SettingsException(prefix + wrong.group(1),
          "must be " + wrong.group(3).toLowerCase(java.util.Locale.ROOT) + ", got a "
              + wrong.group(2).toLowerCase(java.util.Locale.ROOT));
    }
    java.util.regex.Matcher missing =
        java.util.regex.Pattern.compile("No configuration setting found for key '([^']+)'").matcher(m);
    if (missing.find()) {
      return new SettingsException(prefix + missing.group(1), "is required");
    }
    java.util.regex.Matcher isNull = java.util.regex.Pattern
        .compile("Configuration key ['\"]([^'\"]+)['\"] is set to null but expected (\\S+)").matcher(m);
    if (isNull.find()) {
      return new SettingsException(prefix + isNull.group(1),
          "must be " + isNull.group(2).toLowerCase(java.util.Locale.ROOT) + ", got null");
    }
    return new SettingsException(m.replaceAll("^.*?: \\d+: ", ""));
  }

  static SimSettings read(Config c) {
    SimSettings.Catalog catalog = section(c, "catalog", ZoosimConfig::readCatalog);
    SimSettings.Users users = section(c, "users", ZoosimConfig::readUsers);
    SimSettings.Queries queries = section(c, "queries", ZoosimConfig::readQueries);
    SimSettings.Relevance relevance = new SimSettings.Relevance(
        c.getDouble("relevance.w_sem"), c.getDouble("relevance.w_lex"), c.getDouble("relevance.noise_sigma"));
    SimSettings.Behavior behavior = section(c, "behavior", b -> readBehavior(b, queries.queryTypes()));
    SimSettings.Reward reward = new SimSettings.Reward(c.getDouble("reward.alpha_gmv"),
        c.getDouble("reward.beta_cm2"), c.getDouble("reward.gamma_strat"), c.getDouble("reward.delta_clicks"));
    SimSettings.Retention retention = new SimSettings.Retention(c.getDouble("retention.base_rate"),
        c.getDouble("retention.click_weight"), c.getDouble("retention.satisfaction_weight"));
    SimSettings.Action action = section(c, "action", ZoosimConfig::readAction);
    SimSettings.Templates templates = new SimSettings.Templates(c.getDouble("templates.popular_amplitude"));
    SimSettings.Quirks quirks = new SimSettings.Quirks(
        c.getBoolean("quirks.features_in_catalog_order"), c.getBoolean("quirks.slate_context_onehots_zero"));
    long seed = c.getLong("seed");
    int topK = c.getInt("top_k");
    SimSettings.Drift drift = section(c, "drift", d -> new SimSettings.Drift(d.getLong("at"),
        doubles(d, "drift", "segment_mix"), d.getDouble("price_scale"), d.getStringList("swap_segments"),
        doubles(d, "drift", "category_demand")));
    return new SimSettings(seed, topK, catalog, users, queries, relevance, behavior, reward, retention,
        action, templates, quirks, drift);
  }

  private static <T> T section(Config c, String name, java.util.function.Function<Config, T> reader) {
    Config sub;
    try {
      sub = c.getConfig(name);
    } catch (ConfigException e) {
      throw describe(e);
    }
    try {
      return reader.apply(sub);
    } catch (ConfigException e) {
      throw describe(e, name + ".");
    }
  }

  private static SimSettings.Catalog readCatalog(Config c) {
    List<String> cats = c.getStringList("categories");
    if (cats.isEmpty() || cats.size() != new TreeSet<>(cats).size()) {
      throw new SettingsException("catalog.categories", "must be a non-empty list of distinct names, got " + cats);
    }
    double[][] price = perCategoryPairs(c, "price_params", cats);
    double[] mu = new double[cats.size()];
    double[] sigma = new double[cats.size()];
    for (int i = 0; i < cats.size(); i++) {
      mu[i] = price[i][0];
      sigma[i] = price[i][1];
    }
    return new SimSettings.Catalog(
        c.getInt("n_products"), cats, doubles(c, "catalog", "category_mix"), c.getInt("embedding_dim"),
        mu, sigma, perName(c, "catalog", "margin_slope", cats, Double.NaN), c.getDouble("margin_noise"),
        perName(c, "catalog", "pl_prob", cats, Double.NaN),
        c.getDouble("discount_params.p_zero"), c.getDouble("discount_params.low"),
        c.getDouble("discount_params.high"),
        perName(c, "catalog", "bestseller_mean", cats, Double.NaN),
        perName(c, "catalog", "bestseller_std", cats, Double.NaN),
        perName(c, "catalog", "emb_cluster_std", cats, Double.NaN),
        c.getStringList("strategic_categories"));
  }

  private static double[][] perCategoryPairs(Config c, String key, List<String> cats) {
    Config t = c.getConfig(key);
    checkTableKeys("catalog." + key, t, cats, true);
    double[][] out = new double[cats.size()][];
    for (int i = 0; i < cats.size(); i++) {
      List<Double> v;
      try {
        v = t.getDoubleList(quote(cats.get(i)));
      } catch (ConfigException.WrongType e) {
        throw new SettingsException("catalog." + key + "." + cats.get(i),
            "must be [mu, sigma], a list of two numbers");
      }
      if (v.size() != 2) {
        throw new SettingsException("catalog." + key + "." + cats.get(i), "must be [mu, sigma], got " + v);
      }
      out[i] = new double[] {v.get(0), v.get(1)};
    }
    return out;
  }

  private static SimSettings.Users readUsers(Config c) {
    List<String> segs = c.getStringList("segments");
    if (segs.isEmpty() || segs.size() != new TreeSet<>(segs).size()) {
      throw new SettingsException("users.segments", "must be a non-empty list of distinct names, got " + segs);
    }
    Config params = c.getConfig("segment_params");
    checkTableKeys("users.segment_params", params, segs, true);
    int n = segs.size();
    double[] pm = new double[n];
    double[] ps = new double[n];
    double[] lm = new double[n];
    double[] ls = new double[n];
    double[][] conc = new double[n][];
    for (int i = 0; i < n; i++) {
      String prefix = "users.segment_params." + segs.get(i);
      // Typesafe Config names a key from the table it was read from: add the path above it.
      Config s;
      try {
        s = params.getConfig(quote(segs.get(i)));
      } catch (ConfigException e) {
        throw describe(e, "users.segment_params.");
      }
      try {
        for (String k : s.root().keySet()) {
          if (!List.of("price_mean", "price_std", "pl_mean", "pl_std", "cat_conc").contains(k)) {
            throw new SettingsException(prefix + "." + k,
                "unknown key; accepted keys here: cat_conc, pl_mean, pl_std, price_mean, price_std");
          }
        }
        pm[i] = s.getDouble("price_mean");
        ps[i] = s.getDouble("price_std");
        lm[i] = s.getDouble("pl_mean");
        ls[i] = s.getDouble("pl_std");
        conc[i] = doubles(s, prefix, "cat_conc");
      } catch (ConfigException e) {
        throw describe(e, prefix + ".");
      }
    }
    return new SimSettings.Users(segs, doubles(c, "users", "segment_mix"), pm, ps, lm, ls, conc);
  }

  private static SimSettings.Queries readQueries(Config c) {
    List<String> types = c.getStringList("query_types");
    if (types.isEmpty() || types.size() != new TreeSet<>(types).size()) {
      throw new SettingsException("queries.query_types", "must be a non-empty list of distinct names, got " + types);
    }
    Config spec = c.getConfig("specificity");
    checkTableKeys("queries.specificity", spec, types, false);
    return new SimSettings.Queries(types, doubles(c, "queries", "query_type_mix"), c.getInt("token_vocab_size"),
        perName(c, "queries", "specificity", types, 0.5));
  }

  private static SimSettings.Behavior readBehavior(Config c, List<String> queryTypes) {
    Config pb = c.getConfig("pos_bias");
    if (!pb.hasPath("category")) {
      throw new SettingsException("behavior.pos_bias.category",
          "is required: it is the fallback for query types without their own logits");
    }
    double[][] posBias = new double[queryTypes.size()][];
    for (int i = 0; i < queryTypes.size(); i++) {
      String t = queryTypes.get(i);
      posBias[i] = doubles(pb, "behavior.pos_bias", pb.hasPath(quote(t)) ? quote(t) : "category");
    }
    return new SimSettings.Behavior(
        c.getDouble("alpha_rel"), c.getDouble("alpha_price"), c.getDouble("alpha_pl"), c.getDouble("alpha_cat"),
        c.getDouble("sigma_u"), c.getDouble("beta_buy"), c.getDouble("beta0"), c.getDouble("w_price_penalty"),
        c.getDouble("exam_sensitivity"), c.getDouble("satisfaction_decay"), c.getDouble("satisfaction_gain"),
        c.getDouble("abandonment_threshold"), c.getInt("max_purchases"), c.getDouble("post_purchase_fatigue"),
        posBias);
  }

  private static SimSettings.Action readAction(Config c) {
    double floor = c.getIsNull("cm2_floor") ? Double.NaN : c.getDouble("cm2_floor");
    Map<String, Double> floors = new LinkedHashMap<>();
    Config floorTable = c.getConfig("exposure_floors");
    for (String k : new TreeSet<>(floorTable.root().keySet())) {
      floors.put(k, number(floorTable, k, "action.exposure_floors." + k));
    }
    Map<String, double[]> templates = new LinkedHashMap<>();
    for (String k : new TreeSet<>(c.getConfig("templates").root().keySet())) {
      templates.put(k, doubles(c.getConfig("templates"), "action.templates", quote(k)));
    }
    return new SimSettings.Action(c.getInt("feature_dim"), c.getDouble("a_max"), c.getDouble("lambda_rank"),
        c.getBoolean("standardize_features"), floor, floors, c.getDouble("logging_epsilon"), templates);
  }

  private static void checkTableKeys(String key, Config table, List<String> names, boolean requireAll) {
    for (String k : table.root().keySet()) {
      if (!names.contains(k)) {
        throw new SettingsException(key + "." + k, "unknown name; accepted: " + names);
      }
    }
    if (requireAll) {
      List<String> missing = new ArrayList<>();
      for (String n : names) {
        if (!table.root().containsKey(n)) {
          missing.add(n);
        }
      }
      if (!missing.isEmpty()) {
        throw new SettingsException(key, "missing entries for " + missing);
      }
    }
  }

  private static double[] perName(Config c, String section, String key, List<String> names, double fallback) {
    Config t = c.getConfig(key);
    checkTableKeys(section + "." + key, t, names, Double.isNaN(fallback));
    double[] out = new double[names.size()];
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      out[i] = t.hasPathOrNull(quote(n)) ? number(t, n, section + "." + key + "." + n) : fallback;
    }
    return out;
  }

  /**
   * Entry {@code name} of table {@code t} as a number, refused under {@code key} (its whole path, named by
   * the caller: the library's own path is relative to the table and quotes names with spaces).
   */
  private static double number(Config t, String name, String key) {
    String q = quote(name);
    if (t.getIsNull(q)) {
      throw new SettingsException(key, "must be number, got null");
    }
    try {
      return t.getDouble(q);
    } catch (ConfigException.WrongType e) {
      throw new SettingsException(key, "must be number, got a "
          + t.getValue(q).valueType().name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  private static double[] doubles(Config c, String section, String key) {
    try {
      List<Double> v = c.getDoubleList(key);
      double[] out = new double[v.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = v.get(i);
      }
      return out;
    } catch (ConfigException.WrongType e) {
      throw new SettingsException(section + "." + key.replace("\"", ""), "must be a list of numbers");
    }
  }

  private static String quote(String name) {
    return com.typesafe.config.ConfigUtil.quoteString(name);
  }
}
