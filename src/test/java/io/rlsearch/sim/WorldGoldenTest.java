package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Golden values of the reference implementation's default world (seed 20251108), as the reference computes them. */
class WorldGoldenTest {
  private static SimSettings settings;
  private static SearchSimulator env;

  @BeforeAll
  static void build() {
    settings = SimSettings.defaults();
    env = new SearchSimulator(settings);
  }

  @Test
  void categoryCenterSeedsAreTheReferences() {
    Catalog c = env.world().catalog();
    long[] want = {2112143638L, 8852362L, 2131695037L, 1128275070L};
    for (int k = 0; k < 4; k++) {
      assertEquals(want[k], c.centerSeed(k), "centre seed " + k);
    }
    assertEquals(1577800720L, c.embeddingSeed(0));
  }

  @Test
  void firstThreeProductsAreTheReferences() {
    Catalog c = env.world().catalog();
    List<String> cats = settings.catalog().categories();
    assertEquals("cat_food", cats.get(c.category(0)));
    assertEquals(13.753065, c.price(0), 5e-7);
    assertEquals(1.769559, c.cm2(0), 5e-7);
    assertTrue(c.isPl(0));
    assertEquals(0.0, c.discount(0));
    assertEquals(3.426939, c.bestseller(0), 5e-7);

    assertEquals("cat_food", cats.get(c.category(1)));
    assertEquals(20.332839, c.price(1), 5e-7);
    assertEquals(2.566984, c.cm2(1), 5e-7);
    assertTrue(c.isPl(1));
    assertEquals(0.0, c.discount(1));
    assertEquals(2.621255, c.bestseller(1), 5e-7);

    assertEquals("dog_food", cats.get(c.category(2)));
    assertEquals(26.266274, c.price(2), 5e-7);
    assertEquals(3.266467, c.cm2(2), 5e-7);
    assertFalse(c.isPl(2));
    assertEquals(0.0, c.discount(2));
    assertEquals(2.069591, c.bestseller(2), 5e-7);
  }

  @Test
  void firstUserAndQueryOfTheDefaultEnvAreTheReferences() {
    SearchSimulator fresh = new SearchSimulator(settings);
    fresh.reset();
    User u = fresh.user();
    assertEquals("premium", fresh.world().segmentName(u.segment()));
    assertEquals(1.208531, u.thetaPrice(), 5e-7);
    assertEquals(-2.205223, u.thetaPl(), 5e-7);
    assertArrayEquals(new double[] {0.857602, 0.008752, 0.000045, 0.133601}, u.thetaCat(), 5e-7);
    Query q = fresh.query();
    assertEquals("dog_food", fresh.world().categoryName(q.intentCategory()));
    assertEquals("brand", fresh.world().queryTypeName(q.queryType()));
    assertEquals(List.of("dog", "food", "brand", "tok_42", "tok_170"), q.tokens());
  }

  @Test
  void catalogStatisticsMatchTheSpecsTable() {
    Catalog c = env.world().catalog();
    int n = c.size();
    double[] count = new double[4];
    double[] price = new double[4];
    double[] cm2 = new double[4];
    int cm2Above = 0;
    int discounted = 0;
    int pl = 0;
    double maxBest = 0;
    double[] prices = new double[n];
    for (int i = 0; i < n; i++) {
      int k = c.category(i);
      count[k]++;
      price[k] += c.price(i);
      cm2[k] += c.cm2(i);
      cm2Above += c.cm2(i) > 0.4 ? 1 : 0;
      discounted += c.discount(i) > 0 ? 1 : 0;
      pl += c.isPl(i) ? 1 : 0;
      maxBest = Math.max(maxBest, c.bestseller(i));
      prices[i] = c.price(i);
    }
    assertArrayEquals(new double[] {0.353, 0.345, 0.150, 0.152},
        new double[] {count[0] / n, count[1] / n, count[2] / n, count[3] / n}, 5e-4);
    assertArrayEquals(new double[] {14.542, 13.184, 9.518, 7.250},
        new double[] {price[0] / count[0], price[1] / count[1], price[2] / count[2], price[3] / count[3]}, 5e-4);
    assertArrayEquals(new double[] {1.734, 1.446, -0.273, 1.440},
        new double[] {cm2[0] / count[0], cm2[1] / count[1], cm2[2] / count[2], cm2[3] / count[3]}, 5e-4);
    assertEquals(0.825, (double) cm2Above / n, 5e-4);
    assertEquals(0.301, (double) discounted / n, 5e-4);
    assertEquals(0.363, (double) pl / n, 5e-4);
    assertEquals(5.1997, maxBest, 5e-5);
    assertEquals(8.0946, Stats.percentile(prices, 25), 5e-5);
    assertEquals(11.2428, Stats.percentile(prices, 50), 5e-5);
    assertEquals(15.2927, Stats.percentile(prices, 75), 5e-5);
  }
}
