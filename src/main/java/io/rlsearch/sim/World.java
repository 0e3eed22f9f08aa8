package io.rlsearch.sim;

import io.rlsearch.core.random.Choice;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.TorchRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The zoosim world: settings, a catalog, and the reference's samplers for users and queries.
 *
 * <p>A world is immutable and shareable; the random stream is always passed in, so that the caller
 * (an environment, a shard) owns the draw order. {@link #sampleUser} and {@link #sampleQuery} draw
 * exactly what {@code sample_user} and {@code sample_query} draw, in the same order.
 */
public final class World {
  private final SimSettings settings;
  private final Catalog catalog;
  private final Choice segmentChoice;
  private final Choice queryTypeChoice;
  private final String[][] categoryTokens;
  private final String[] queryTypeNames;

  /** A world over an existing catalog. */
  public World(SimSettings settings, Catalog catalog) {
    this.settings = settings;
    this.catalog = catalog;
    this.segmentChoice = Choice.of(settings.users().segmentMix());
    this.queryTypeChoice = Choice.of(settings.queries().queryTypeMix());
    List<String> cats = settings.catalog().categories();
    categoryTokens = new String[cats.size()][];
    for (int k = 0; k < cats.size(); k++) {
      categoryTokens[k] = cats.get(k).split("_");
    }
    queryTypeNames = settings.queries().queryTypes().toArray(new String[0]);
  }

  /** The world an environment with this seed builds: the catalog is the first thing drawn from {@code rng}. */
  public static World generate(SimSettings settings, NumpyRandom rng) {
    return new World(settings, Catalog.generate(settings.catalog(), rng));
  }

  /** The settings this world was built with. */
  public SimSettings settings() {
    return settings;
  }

  /** The catalog. */
  public Catalog catalog() {
    return catalog;
  }

  /** {@code sample_user}: segment, theta_price, theta_pl, theta_cat (Dirichlet), theta_emb (torch). */
  public User sampleUser(NumpyRandom rng) {
    SimSettings.Users u = settings.users();
    int s = rng.choice(segmentChoice);
    double thetaPrice = rng.normal(u.priceMean()[s], u.priceStd()[s]);
    double thetaPl = rng.normal(u.plMean()[s], u.plStd()[s]);
    double[] thetaCat = rng.dirichlet(u.catConc()[s]);
    float[] thetaEmb = TorchRandom.randn16(rng.integers(0, (1L << 31) - 1));
    return new User(s, thetaPrice, thetaPl, thetaCat, thetaEmb);
  }

  /** {@code sample_query}: intent from theta_cat, query type, embedding = taste + 0.05 noise, tokens. */
  public Query sampleQuery(User user, NumpyRandom rng) {
    int k = rng.choice(user.thetaCat());
    int type = rng.choice(queryTypeChoice);
    float[] noise = TorchRandom.randn16(rng.integers(0, (1L << 31) - 1));
    float[] taste = user.embRef();
    float[] phi = new float[Catalog.DIM];
    for (int d = 0; d < Catalog.DIM; d++) {
      phi[d] = taste[d] + 0.05f * noise[d];
    }
    List<String> tokens = new ArrayList<>(Arrays.asList(categoryTokens[k]));
    tokens.add(queryTypeNames[type]);
    int vocab = settings.queries().tokenVocabSize();
    tokens.add("tok_" + rng.integers(0, vocab));
    tokens.add("tok_" + rng.integers(0, vocab));
    return new Query(k, type, phi, tokens);
  }

  /**
   * log1p of the token overlap between the query and each category: {@code |set(q.tokens) ∩
   * set(category.split("_"))|}, which is all the lexical term depends on.
   */
  double[] lexicalByCategory(Query q) {
    double[] out = new double[categoryTokens.length];
    List<String> qt = q.tokens();
    for (int k = 0; k < categoryTokens.length; k++) {
      int overlap = 0;
      String[] ct = categoryTokens[k];
      for (int a = 0; a < ct.length; a++) {
        boolean seenBefore = false;
        for (int b = 0; b < a; b++) {
          seenBefore |= ct[b].equals(ct[a]);
        }
        if (!seenBefore && qt.contains(ct[a])) {
          overlap++;
        }
      }
      out[k] = Math.log1p(overlap);
    }
    return out;
  }

  /** Query-type name of index {@code t}. */
  public String queryTypeName(int t) {
    return queryTypeNames[t];
  }

  /** Segment name of index {@code s}. */
  public String segmentName(int s) {
    return settings.users().segments().get(s);
  }

  /** Category name of index {@code k}. */
  public String categoryName(int k) {
    return settings.catalog().categories().get(k);
  }
}
