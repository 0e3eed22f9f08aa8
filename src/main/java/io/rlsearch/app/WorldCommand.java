package io.rlsearch.app;

import io.rlsearch.api.Json;
import io.rlsearch.sim.Catalog;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.SearchSimulator;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.Stats;
import io.rlsearch.sim.User;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code world}: draws the world of a seed and reports its statistics and first draws. */
@Command(name = "world", mixinStandardHelpOptions = true, footer = "%nDocumentation: docs/world.md",
    description = "Draw the zoosim world of a seed and print its catalog statistics, first products,"
        + " first user and first query (as the reference's ZooplusSearchEnv(seed) would).")
final class WorldCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--seed", paramLabel = "S",
      description = "World seed (default: the config's seed, 20251108).")
  Long seed;

  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    SimSettings s = config.load();
    long worldSeed = seed != null ? seed : s.seed();
    if (worldSeed < 0) {
      throw new Main.UsageException("--seed must be >= 0, got " + worldSeed);
    }
    SearchSimulator env = new SearchSimulator(s, worldSeed);
    env.reset();
    Map<String, Object> report = report(env);
    if (json) {
      spec.commandLine().getOut().println(Json.write(report));
    } else {
      printTable(report);
    }
    return 0;
  }

  static Map<String, Object> report(SearchSimulator env) {
    World w = env.world();
    Catalog c = w.catalog();
    SimSettings s = w.settings();
    int n = c.size();
    List<String> cats = s.catalog().categories();
    double[] count = new double[cats.size()];
    double[] price = new double[cats.size()];
    double[] cm2 = new double[cats.size()];
    double[] prices = new double[n];
    int pl = 0;
    int discounted = 0;
    int cm2Above = 0;
    double maxBest = 0;
    for (int i = 0; i < n; i++) {
      int k = c.category(i);
      count[k]++;
      price[k] += c.price(i);
      cm2[k] += c.cm2(i);
      prices[i] = c.price(i);
      pl += c.isPl(i) ? 1 : 0;
      discounted += c.discount(i) > 0 ? 1 : 0;
      cm2Above += c.cm2(i) > 0.4 ? 1 : 0;
      maxBest = Math.max(maxBest, c.bestseller(i));
    }
    Map<String, Object> shares = new LinkedHashMap<>();
    Map<String, Object> meanPrice = new LinkedHashMap<>();
    Map<String, Object> meanCm2 = new LinkedHashMap<>();
    for (int k = 0; k < cats.size(); k++) {
      shares.put(cats.get(k), count[k] / n);
      meanPrice.put(cats.get(k), count[k] > 0 ? price[k] / count[k] : Double.NaN);
      meanCm2.put(cats.get(k), count[k] > 0 ? cm2[k] / count[k] : Double.NaN);
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("n_products", n);
    r.put("category_shares", shares);
    r.put("mean_price", meanPrice);
    r.put("mean_cm2", meanCm2);
    r.put("price_p25", Stats.percentile(prices, 25));
    r.put("price_p50", Stats.percentile(prices, 50));
    r.put("price_p75", Stats.percentile(prices, 75));
    r.put("share_pl", (double) pl / n);
    r.put("share_discounted", (double) discounted / n);
    r.put("share_cm2_above_0_4", (double) cm2Above / n);
    r.put("max_bestseller", maxBest);
    List<Object> first = new ArrayList<>();
    for (int i = 0; i < Math.min(3, n); i++) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("category", cats.get(c.category(i)));
      p.put("price", c.price(i));
      p.put("cm2", c.cm2(i));
      p.put("is_pl", c.isPl(i));
      p.put("discount", c.discount(i));
      p.put("bestseller", c.bestseller(i));
      first.add(p);
    }
    r.put("first_products", first);
    User u = env.user();
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("segment", w.segmentName(u.segment()));
    user.put("theta_price", u.thetaPrice());
    user.put("theta_pl", u.thetaPl());
    user.put("theta_cat", u.thetaCat());
    r.put("first_user", user);
    Query q = env.query();
    Map<String, Object> query = new LinkedHashMap<>();
    query.put("intent_category", w.categoryName(q.intentCategory()));
    query.put("query_type", w.queryTypeName(q.queryType()));
    query.put("tokens", q.tokens());
    r.put("first_query", query);
    return r;
  }

  @SuppressWarnings("unchecked")
  private void printTable(Map<String, Object> r) {
    var out = spec.commandLine().getOut();
    out.printf("products            %d%n", (Integer) r.get("n_products"));
    Map<String, Object> shares = (Map<String, Object>) r.get("category_shares");
    Map<String, Object> price = (Map<String, Object>) r.get("mean_price");
    Map<String, Object> cm2 = (Map<String, Object>) r.get("mean_cm2");
    out.printf("%-12s %8s %11s %9s%n", "category", "share", "mean price", "mean CM2");
    for (String k : shares.keySet()) {
      out.printf("%-12s %8.3f %11.3f %9.3f%n", k, shares.get(k), price.get(k), cm2.get(k));
    }
    out.printf("price p25/p50/p75   %.4f / %.4f / %.4f%n", r.get("price_p25"), r.get("price_p50"), r.get("price_p75"));
    out.printf("share PL %.3f, discounted %.3f, CM2 > 0.4 %.3f; max bestseller %.4f%n", r.get("share_pl"),
        r.get("share_discounted"), r.get("share_cm2_above_0_4"), r.get("max_bestseller"));
    out.println("first products:");
    for (Object o : (List<Object>) r.get("first_products")) {
      Map<String, Object> p = (Map<String, Object>) o;
      out.printf("  %-10s price %9.6f  cm2 %9.6f  pl %-5s  discount %.4f  bestseller %.6f%n", p.get("category"),
          p.get("price"), p.get("cm2"), p.get("is_pl"), p.get("discount"), p.get("bestseller"));
    }
    Map<String, Object> u = (Map<String, Object>) r.get("first_user");
    out.printf("first user: %s, theta_price %.6f, theta_pl %.6f, theta_cat %s%n", u.get("segment"),
        u.get("theta_price"), u.get("theta_pl"), java.util.Arrays.toString((double[]) u.get("theta_cat")));
    Map<String, Object> q = (Map<String, Object>) r.get("first_query");
    out.printf("first query: %s / %s, tokens %s%n", q.get("intent_category"), q.get("query_type"), q.get("tokens"));
  }
}
